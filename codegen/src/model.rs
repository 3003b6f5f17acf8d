//! The spec model: what `spec/dataworks-di.json` may contain.
//!
//! Every struct rejects unknown keys, so a typo in the spec is a loading error rather than a
//! silently ignored fact. Maps are [`IndexMap`]s so that the order the pages print (parameters,
//! fields, sample keys) survives into summaries and snapshots.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The whole spec: product facts, shared definitions, the operations and the errata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "dwdi spec",
    description = "Machine-readable facts about DataWorks Data Integration operations, with the documentation's errata."
)]
pub struct Spec {
    /// The JSON Schema of this file, for editor completion (`./spec.schema.json`).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The imported layers this file builds on, relative to it: files `dwdi-codegen import`
    /// writes from Alibaba's metadata. The loader merges them under this file's facts into
    /// the effective spec, which has none (see `crate::import`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// Alibaba Cloud product code, e.g. `dataworks-public`.
    pub product: String,
    /// API version sent as `x-acs-version` / `Version`, e.g. `2020-05-18`.
    pub api_version: String,
    /// API style.
    pub style: Style,
    /// How every operation travels over HTTP.
    pub http: Http,
    /// The signature schemes the service accepts.
    pub signature: Signature,
    /// Region to endpoint map.
    pub endpoints: Endpoints,
    /// Shared enumerations, stated once, referenced by name.
    pub enums: IndexMap<String, EnumDef>,
    /// JSON documents carried inside string parameters or fields, referenced by name.
    pub documents: IndexMap<String, DocumentDef>,
    /// Object shapes shared by several documents, referenced by `"type": "shape"`.
    #[serde(default)]
    pub shapes: IndexMap<String, DocField>,
    /// The success and error envelopes shared by every operation.
    pub envelope: Envelope,
    /// Error codes the API gateway can answer for any operation.
    pub gateway_errors: Vec<GatewayError>,
    /// The operations, keyed by action name.
    pub operations: IndexMap<String, Operation>,
    /// Polling loops over operations, keyed by name (`wait_for_<name>` / `wait_until_<name>`).
    #[serde(default)]
    pub waiters: IndexMap<String, Waiter>,
    /// Defects of the documentation pages and the decisions taken.
    pub errata: Vec<Erratum>,
}

/// API style; only RPC is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Style {
    /// Alibaba Cloud RPC style: action and version select the operation.
    #[serde(rename = "RPC")]
    Rpc,
}

/// Request transport facts shared by all operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Http {
    /// The method the client sends.
    pub method: HttpMethod,
    /// The request path.
    pub path: String,
    /// Where parameters travel.
    pub parameter_location: Location,
    /// What the body holds.
    pub body: BodyKind,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// POST.
    Post,
    /// GET.
    Get,
}

impl HttpMethod {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Get => "GET",
        }
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Location {
    /// In the URL query string.
    Query,
    /// In an `application/x-www-form-urlencoded` body: V3 signs the body's SHA-256, V2 signs
    /// body parameters with the query's.
    Body,
}

impl Location {
    /// The spelling used in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Body => "body",
        }
    }
}

/// What a request body holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum BodyKind {
    /// No body (the body hash is the SHA-256 of the empty string), unless a parameter travels
    /// in it (`location: body`): then a form-encoded body of those parameters.
    Empty,
}

/// Signature schemes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Signature {
    /// The scheme clients use by default.
    pub default: SignatureScheme,
    /// Older schemes the service still accepts.
    pub legacy: Vec<SignatureScheme>,
}

/// One signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SignatureScheme {
    /// Signature V3 in the `Authorization` header.
    #[serde(rename = "ACS3-HMAC-SHA256")]
    Acs3HmacSha256,
    /// The legacy RPC query signature.
    #[serde(rename = "HMAC-SHA1")]
    HmacSha1,
}

/// Endpoint hosts by region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoints {
    /// Prose for readers.
    pub description: String,
    /// Host pattern for regions missing from `regions`; `{regionId}` is replaced.
    pub default: String,
    /// Region ID to host.
    pub regions: IndexMap<String, String>,
}

/// A shared enumeration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnumDef {
    /// What the enumeration stands for.
    pub description: String,
    /// Wire value to its meaning, in documentation order.
    pub values: IndexMap<String, EnumValue>,
    /// Where the values' meanings come from, where no source states them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// One enumeration value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnumValue {
    /// What the value means.
    pub description: String,
}

/// A JSON document carried inside a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentDef {
    /// What the document is for.
    pub description: String,
    /// The document's shape; any JSON document when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<DocField>,
    /// Rules JSON Schema cannot express, checked after it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<DocRule>,
    /// Where the shape comes from and what was decided, where sources are thin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// One member of a JSON document carried in a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocField {
    /// What the member means.
    pub description: String,
    /// Its JSON type.
    #[serde(rename = "type")]
    pub ty: DocType,
    /// Whether an object must contain it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// For `enum`: the shared enumeration its values come from.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_name: Option<String>,
    /// For `object`: its documented members; undocumented ones are allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<IndexMap<String, DocField>>,
    /// For `array`: its items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<DocField>>,
    /// For `map`: the shared enumeration naming the known keys (others are warned about).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    /// For `map`: its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<DocField>>,
    /// For `object`: the Rust type name (after the document's name); else derived from the path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For `shape`: the shared shape it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
    /// For `integer`: the smallest accepted value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<i64>,
    /// For `array`: the fewest items accepted (an empty list of tables selects nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// For `array`: no item may repeat.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    /// For `array` of objects: how many items must have a member equal to a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<DocContains>,
    /// For `object`: at least one of these members must be present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_any_of: Option<Vec<String>>,
    /// For `variants`: the sibling member whose value picks the shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// For `variants`: the value of the `by` member → the shared shape the member has then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<IndexMap<String, String>>,
    /// Why a constraint no page states is taken (`uniqueItems`, `contains`, a required member
    /// read off examples); the schemas and the validator's messages cite it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// An example value, as the documentation shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// How many items of an array must have `member` equal to `equals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocContains {
    /// The member compared.
    pub member: String,
    /// The value counted.
    pub equals: String,
    /// The fewest matching items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// The most matching items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

/// JSON types of document members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DocType {
    /// An object with documented members.
    Object,
    /// An array.
    Array,
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// true or false.
    Boolean,
    /// A string from a shared enumeration.
    Enum,
    /// An object used as a map from (known) keys to values.
    Map,
    /// Any JSON value.
    Any,
    /// A shared shape (`shape`).
    Shape,
    /// An object whose shape is one of several shared shapes, picked by the value of a sibling
    /// member (`by`, `variants`): a reader step's parameter and a writer step's differ.
    Variants,
}

/// A rule over a whole document (paths are JSON pointers where `*` matches every member or
/// item); the validator crate defines and checks them.
pub type DocRule = dwdi_validate::Rule;

/// The envelopes shared by every operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    /// The success envelope (HTTP 200).
    pub success: EnvelopeDef,
    /// The error envelope (HTTP 4xx/5xx).
    pub error: ErrorEnvelopeDef,
}

/// The success envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvelopeDef {
    /// Prose for readers.
    pub description: String,
    /// The envelope's fields; `Data` is declared per operation.
    pub fields: IndexMap<String, Field>,
}

/// The error envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorEnvelopeDef {
    /// Prose for readers.
    pub description: String,
    /// The key spellings the service uses.
    pub key_case: Vec<KeyCase>,
    /// The envelope's fields, in PascalCase.
    pub fields: IndexMap<String, Field>,
}

/// Key spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum KeyCase {
    /// `Code`, `Message`, ...
    PascalCase,
    /// `code`, `message`, ...
    #[serde(rename = "camelCase")]
    CamelCase,
}

/// An error code the gateway can answer for any operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayError {
    /// HTTP status.
    pub status: u16,
    /// Error code.
    pub code: String,
    /// How callers should treat it.
    pub class: ErrorClass,
    /// When the gateway answers it.
    pub when: String,
}

/// Error classes shared by retry decisions and callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ErrorClass {
    /// Rate limited: retry after a delay.
    Throttling,
    /// Temporary: retry.
    Transient,
    /// The service failed.
    Server,
    /// The request is wrong: do not retry.
    Client,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Operation {
    /// One sentence: what the operation does.
    pub summary: String,
    /// Longer prose, where the page has an operation description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether a documentation page describes the operation (the default). Where none does
    /// (`false`), its English text and the hand-written facts without a decision are read from
    /// Alibaba's metadata's prose, and the provenance says so.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub page: bool,
    /// The page's "Last Updated" date (YYYY-MM-DD); null where the page gives none.
    pub last_updated: Option<String>,
    /// The HTTP methods Alibaba's metadata allows.
    pub methods: Vec<HttpMethod>,
    /// Request parameters by wire name, in page order.
    pub parameters: IndexMap<String, Param>,
    /// The response's `Data`.
    pub response: Response,
    /// The documented error codes.
    pub errors: Vec<ErrorCode>,
    /// The documented sample response.
    pub sample: Sample,
    /// Contract cases the spec's facts cannot give: requests and answers with what they must
    /// produce. The page-example request, the sample, each documented error and the failed
    /// outcome are derived (`crate::cases::derived`) and must not be written here.
    #[serde(default, skip_serializing_if = "Cases::is_empty")]
    pub cases: Cases,
}

fn yes() -> bool {
    true
}

fn is_yes(value: &bool) -> bool {
    *value
}

/// A request parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Param {
    /// What the parameter means, in the spec's own words.
    pub description: String,
    /// Where it travels; `http.parameterLocation` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The parameter's type.
    #[serde(rename = "type")]
    pub ty: ValueType,
    /// For `enum`: the shared enumeration.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_name: Option<String>,
    /// For `jsonString`: the document type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// For `jsonString`: the document chosen by another parameter's value (values it does not
    /// list take `document`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_by: Option<DocumentBy>,
    /// Whether the parameter must be sent.
    pub required: bool,
    /// For `int64`: the accepted range (the decision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    /// For `enum`: the values this operation accepts (the decision); all values when absent.
    /// Derived by the loader, where the hand-written file gives none, from the metadata's
    /// enum or else the page's valid-value list, less `excludes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepts: Option<Vec<String>>,
    /// For `enum`: values a source lists that this operation refuses (a decision, with its
    /// reason in `decision`); new values the metadata lists still reach `accepts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excludes: Option<Vec<String>>,
    /// What the sources literally state, kept apart from the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated: Option<Stated>,
    /// The decision taken where the sources are silent or disagree, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// An example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// Who wrote the example; `page` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example_origin: Option<ExampleOrigin>,
    /// An idempotency token: the client generates one when the caller gives none, so that a
    /// retried call cannot act twice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub idempotency_token: bool,
    /// What the parameter stands for in the service's behaviour (a decision, read off its
    /// description), for tools that act as the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// What a parameter or a response field stands for in the service's behaviour. The mock
/// finds "the workspace" or "the process ID" by its role, so it names no wire name; an
/// operation has at most one parameter and one field of each role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// The workspace (project) whose objects the call reads or changes (an int64).
    Workspace,
    /// Which kind of object the call is about: real-time task, solution, … (an enum).
    ObjectKind,
    /// The ID of the task or solution the call is about (an int64).
    Task,
    /// The ID of an asynchronous process: the field a call returns when it starts one, the
    /// parameter that follows it (an int64).
    Process,
    /// The document an asynchronous process works from (a jsonString parameter).
    ProcessInput,
    /// The settings a task is run with (a jsonString parameter).
    RunSettings,
    /// The job a task runs: what a call that creates or changes a task applies to it (a
    /// jsonString parameter).
    TaskConfig,
    /// The name a call gives the task it creates (a string).
    TaskName,
}

impl Role {
    /// The spelling used in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Workspace => "workspace",
            Role::ObjectKind => "objectKind",
            Role::Task => "task",
            Role::Process => "process",
            Role::ProcessInput => "processInput",
            Role::RunSettings => "runSettings",
            Role::TaskConfig => "taskConfig",
            Role::TaskName => "taskName",
        }
    }
}

/// A polling loop over one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Waiter {
    /// What the waiter waits for.
    pub description: String,
    /// The operation it polls.
    pub operation: String,
    /// How it ends.
    pub kind: WaiterKind,
    /// The `Data` field it watches.
    pub field: String,
    /// `terminal`: values that end the wait successfully.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success: Vec<String>,
    /// Values that end the wait with a failure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure: Vec<String>,
    /// `terminal`: the `Data` field returned on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The `Data` field that says why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The operations whose call starts what this waiter waits for, by action name: a tool's
    /// `--wait` on one of them polls this waiter with parameters taken from that call.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub after: IndexMap<String, WaitAfter>,
}

/// How a waiter follows a call that starts what it waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaitAfter {
    /// `untilValue`: the values of the watched field that end the wait after this call (any
    /// of them, e.g. one per task type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub until: Vec<String>,
    /// Values that end the wait after this call with a failure, besides the waiter's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure: Vec<String>,
    /// Every parameter of the polled operation, by wire name: where its value comes from.
    pub params: IndexMap<String, ParamFrom>,
    /// Why these values, where the sources are silent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// Where a polled operation's parameter comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum ParamFrom {
    /// The starting call's parameter of this wire name.
    Param(String),
    /// The member of the starting call's answer `Data` of this wire name.
    Data(String),
}

/// How a waiter ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum WaiterKind {
    /// Until the field takes a success or failure value (`wait_for_<name>`); returns `result`.
    Terminal,
    /// Until the field equals a value the caller gives (`wait_until_<name>`); returns the answer.
    UntilValue,
}

/// A response field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    /// What the field means, in the spec's own words.
    pub description: String,
    /// The field's type.
    #[serde(rename = "type")]
    pub ty: ValueType,
    /// For `enum`: the shared enumeration.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_name: Option<String>,
    /// For `enum`: the enumeration chosen by a request parameter's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_by: Option<EnumBy>,
    /// For `jsonString`: the document type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// For `object`: its fields; an object without `fields` is free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<IndexMap<String, Field>>,
    /// For `array`: the items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Field>>,
    /// When the page says the field is null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_when: Option<Condition>,
    /// What the sources literally state, kept apart from the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated: Option<Stated>,
    /// The decision taken where the sources are silent or disagree, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// The example the page's response table gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// Who wrote the example; `page` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example_origin: Option<ExampleOrigin>,
    /// What the field stands for in the service's behaviour (a decision, read off its
    /// description), for tools that act as the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// Value types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ValueType {
    /// A 64-bit signed integer (the pages' `long`).
    Int64,
    /// Text.
    String,
    /// true or false.
    Boolean,
    /// A value of a shared enumeration (`enum` or `enumBy`).
    Enum,
    /// A JSON document carried in a string (`document`).
    JsonString,
    /// A JSON object (`fields`).
    Object,
    /// A JSON array (`items`).
    Array,
}

impl ValueType {
    /// The spelling used in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Int64 => "int64",
            ValueType::String => "string",
            ValueType::Boolean => "boolean",
            ValueType::Enum => "enum",
            ValueType::JsonString => "jsonString",
            ValueType::Object => "object",
            ValueType::Array => "array",
        }
    }
}

/// Who wrote an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ExampleOrigin {
    /// Printed on the documentation page: its defects are lint findings.
    Page,
    /// Taken from Alibaba's metadata: its defects are lint findings.
    Metadata,
    /// Written for the spec where the sources give none: it must match its declaration.
    Spec,
}

/// An integer range, inclusive at both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Range {
    /// Smallest accepted value.
    pub minimum: i64,
    /// Largest accepted value.
    pub maximum: i64,
}

/// An enumeration chosen by the value of a request parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnumBy {
    /// The request parameter whose value chooses.
    pub param: String,
    /// Parameter value to enumeration name.
    pub cases: IndexMap<String, String>,
}

/// A JSON document chosen by the value of another request parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentBy {
    /// The request parameter whose value chooses (an enum parameter).
    pub param: String,
    /// Parameter value to document name.
    pub cases: IndexMap<String, String>,
}

/// A condition the pages attach to a fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Condition {
    /// On the outcome of the call.
    Outcome(OutcomeCondition),
    /// On the value of a request parameter.
    Param(ParamCondition),
}

/// A condition on the call's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeCondition {
    /// The outcome.
    pub outcome: Outcome,
}

/// Outcomes of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The call did what it was asked.
    Success,
    /// It did not.
    Failure,
}

/// A condition on a request parameter's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParamCondition {
    /// The request parameter.
    pub param: String,
    /// The values for which the condition holds.
    #[serde(rename = "in")]
    pub values: Vec<String>,
}

/// What the sources literally state about a parameter or field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stated {
    /// Every valid-value list the page prints, as printed (empty lists included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_values: Option<Vec<ValidValueList>>,
    /// The enum in Alibaba's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_enum: Option<Vec<String>>,
    /// The integer range in Alibaba's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_range: Option<Range>,
    /// Alibaba's metadata's `docRequired`, where it differs from its `required` (what the
    /// documentation shows against what the API enforces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_doc_required: Option<bool>,
    /// The integer range in the design notes (wire-protocol.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_range: Option<Range>,
    /// Keys of the embedded document as the page's prose names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prose_keys: Option<Vec<String>>,
}

/// One printed valid-value list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidValueList {
    /// The condition the page attaches to the list, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ParamCondition>,
    /// The values, as printed.
    pub values: Vec<String>,
}

/// An operation's response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Response {
    /// Where the shape comes from.
    pub source: ResponseSource,
    /// What `Data.Status` reports.
    pub data_status: DataStatus,
    /// For `dataStatus: outcome`: which field reports the outcome, its failure value, and the
    /// field that says why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeField>,
    /// The `Data` object.
    pub data: Field,
}

/// Where an answer reports the outcome of the call itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeField {
    /// The `Data` field holding the outcome.
    pub field: String,
    /// The value that means the call failed.
    pub failure: String,
    /// The `Data` field saying why it failed.
    pub message: String,
}

/// Where a response shape comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ResponseSource {
    /// The page's response-parameter table.
    Table,
    /// Read off the sample, where the page has no table.
    Sample,
    /// Alibaba's metadata's response schema, where no page documents the operation.
    Metadata,
}

/// What `Data.Status` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DataStatus {
    /// The outcome of the call itself: `fail` is an error carrying `Data.Message`.
    Outcome,
    /// The state of an object: any value is an answer, not an error.
    State,
}

/// A documented error code of one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorCode {
    /// HTTP status.
    pub status: u16,
    /// Error code.
    pub code: String,
    /// Error message.
    pub message: String,
    /// The page's description column, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A documented sample response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sample {
    /// The heading the page puts above it.
    pub title: String,
    /// The sample as the page prints it: a JSON value, or a string when it is not JSON.
    /// Where the operation is imported, the metadata's response demo with `pageDiffers`
    /// applied.
    pub body: Value,
    /// Where the page's sample differs from Alibaba's metadata's response demo: a JSON pointer
    /// into `body` → the value the page prints there. Each is a lint finding (`sources-disagree`)
    /// until an erratum records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_differs: Option<IndexMap<String, Value>>,
}

/// A defect of the documentation and the decision taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Erratum {
    /// A short stable ID.
    pub id: String,
    /// The operation whose page has the defect.
    pub operation: String,
    /// JSON pointer into this file.
    pub pointer: String,
    /// The kind of defect: a lint finding kind, or an `absent-…` kind no lint can see.
    pub kind: Kind,
    /// What the page says.
    pub page_says: String,
    /// What is wrong with it.
    pub problem: String,
    /// The decision taken.
    pub decision: String,
}

/// Kinds of documentation defects.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An example does not have the declared type.
    ExampleType,
    /// An example is outside the declared enumeration.
    ExampleEnumValue,
    /// An integer example is outside the declared range.
    ExampleOutOfRange,
    /// A JSON-in-a-string example does not parse.
    ExampleJsonInvalid,
    /// The sample is not JSON.
    SampleNotJson,
    /// The sample lacks a documented, non-nullable field.
    SampleMissingField,
    /// The sample has a field the page does not document.
    SampleUnknownField,
    /// A sample value does not have the declared type.
    SampleType,
    /// A sample value is outside the declared enumeration.
    SampleEnumValue,
    /// A JSON-in-a-string value of the sample does not parse.
    SampleEmbeddedJsonInvalid,
    /// A sample fills a field the page says is null in the sample's situation.
    SampleNullViolated,
    /// No value of the conditioning parameter makes the sample consistent.
    SampleConditionContradiction,
    /// A printed valid-value list is empty.
    ValidValuesEmpty,
    /// Printed valid-value lists disagree.
    ValidValuesConflict,
    /// The sources state different integer ranges.
    RangeSourcesDisagree,
    /// Keys named in the prose do not appear in the example.
    ProseKeyMismatch,
    /// The page and Alibaba's metadata state the same fact differently.
    SourcesDisagree,
    /// The page has no "Last Updated" date.
    AbsentDate,
    /// The page has no response-parameter table.
    AbsentResponseTable,
    /// The page's error table has no description column.
    AbsentErrorDescriptions,
    /// A source states in prose, or shows on the wire (the official SDK's requests), what
    /// another source states differently, where no lint compares them: recorded by hand.
    ProseOrWireDisagrees,
}

impl Kind {
    /// Recorded by hand: no lint can see what a page lacks, read prose or watch the wire.
    pub fn is_recorded_by_hand(self) -> bool {
        matches!(
            self,
            Kind::AbsentDate
                | Kind::AbsentResponseTable
                | Kind::AbsentErrorDescriptions
                | Kind::ProseOrWireDisagrees
        )
    }

    /// The kebab-case spelling used in the spec and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ExampleType => "example-type",
            Kind::ExampleEnumValue => "example-enum-value",
            Kind::ExampleOutOfRange => "example-out-of-range",
            Kind::ExampleJsonInvalid => "example-json-invalid",
            Kind::SampleNotJson => "sample-not-json",
            Kind::SampleMissingField => "sample-missing-field",
            Kind::SampleUnknownField => "sample-unknown-field",
            Kind::SampleType => "sample-type",
            Kind::SampleEnumValue => "sample-enum-value",
            Kind::SampleEmbeddedJsonInvalid => "sample-embedded-json-invalid",
            Kind::SampleNullViolated => "sample-null-violated",
            Kind::SampleConditionContradiction => "sample-condition-contradiction",
            Kind::ValidValuesEmpty => "valid-values-empty",
            Kind::ValidValuesConflict => "valid-values-conflict",
            Kind::RangeSourcesDisagree => "range-sources-disagree",
            Kind::ProseKeyMismatch => "prose-key-mismatch",
            Kind::SourcesDisagree => "sources-disagree",
            Kind::AbsentDate => "absent-date",
            Kind::AbsentResponseTable => "absent-response-table",
            Kind::AbsentErrorDescriptions => "absent-error-descriptions",
            Kind::ProseOrWireDisagrees => "prose-or-wire-disagrees",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

// Contract cases (`cases` checks them against the rest of the spec).

/// The contract cases of one operation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cases {
    /// Parameters → the exact signed request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request: Vec<RequestCase>,
    /// An answer → the typed value or the typed error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response: Vec<ResponseCase>,
}

impl Cases {
    /// No case at all.
    pub fn is_empty(&self) -> bool {
        self.request.is_empty() && self.response.is_empty()
    }
}

/// Parameters, pinned signing inputs and what the request they produce must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestCase {
    /// Unique within the operation; names the test and its snapshot.
    pub id: String,
    /// What the case shows.
    pub description: String,
    /// The errata (ids) the case exercises.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errata: Vec<String>,
    /// Parameters by wire name: integers as JSON numbers, everything else as strings.
    pub params: IndexMap<String, Value>,
    /// The signing inputs that are otherwise not deterministic.
    pub pinned: Pinned,
    /// What the request must hold beyond what the suites check for every case (exactly the
    /// parameters, the operation's method and path, a signature the independent verifier
    /// accepts); the full wire form is in the suites' snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<ExpectedRequest>,
}

/// Pinned signing inputs. The credentials are fake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pinned {
    /// `x-acs-date`, `YYYY-MM-DDThh:mm:ssZ`.
    pub date: String,
    /// `x-acs-signature-nonce`.
    pub nonce: String,
    /// The region whose endpoint is called.
    pub region: String,
    /// A fake AccessKey ID.
    pub access_key_id: String,
    /// A fake AccessKey secret.
    pub access_key_secret: String,
    /// A fake STS token, when the case signs with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_token: Option<String>,
}

/// What a signed request must look like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectedRequest {
    /// The method.
    pub method: HttpMethod,
    /// The path.
    pub path: String,
    /// Exactly the query parameters (decoded), by name.
    pub query: IndexMap<String, String>,
    /// Query parameters that must not be sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_query: Vec<String>,
    /// Headers that must be sent with these exact values (lower-case names).
    pub headers: IndexMap<String, String>,
    /// The body; null when there is none.
    pub body: Option<String>,
}

/// An answer and what it must decode to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponseCase {
    /// Unique within the operation; names the test and its snapshot.
    pub id: String,
    /// What the case shows.
    pub description: String,
    /// The errata (ids) the case exercises.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errata: Vec<String>,
    /// HTTP status.
    pub status: u16,
    /// Response headers (lower-case names).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    /// The JSON body; a JSON string stands for a body that is that text, not JSON.
    pub body: Value,
    /// What it decodes to.
    pub expect: ExpectedResponse,
}

/// What an answer decodes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum ExpectedResponse {
    /// The typed `Data`, written as the JSON it serialises to (absent options left out,
    /// unknown enum values as sent).
    Data(Value),
    /// The typed error.
    Error(ExpectedError),
}

/// A typed error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectedError {
    /// The variant of the operation's error enum, as the engine names it: a documented code in
    /// PascalCase, `Gateway` for a gateway code, `Unknown` for a code nobody documents,
    /// `Failed` for `Data.Status` reporting failure.
    pub variant: String,
    /// HTTP status.
    pub status: u16,
    /// The error code; null for `Failed`.
    pub code: Option<String>,
    /// The message (for `Failed`, `Data.Message`).
    pub message: Option<String>,
    /// The request ID.
    pub request_id: Option<String>,
}

/// The JSON Schema of the spec format, as written to `spec/spec.schema.json`.
pub fn spec_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(Spec)).expect("a schema is plain JSON")
}

/// Keys the hand-written file may leave to an imported layer, per definition of the spec
/// format: the loader checks the merged spec against [`spec_schema`], editors check the
/// hand-written file against [`editor_schema`].
const LAYERED: &[(&str, &[&str])] = &[
    (
        "Operation",
        &[
            "summary",
            "lastUpdated",
            "methods",
            "parameters",
            "response",
            "errors",
            "sample",
        ],
    ),
    ("Response", &["source", "dataStatus", "data"]),
    ("Param", &["description", "type", "required"]),
    ("Field", &["description", "type"]),
    ("ErrorCode", &["status", "message"]),
    ("Sample", &["title", "body"]),
];

/// The spec format's JSON Schema for editors: [`spec_schema`] without the requirements an
/// imported layer may meet in place of the hand-written file.
pub fn editor_schema() -> Value {
    let mut schema = spec_schema();
    for (def, keys) in LAYERED {
        if let Some(Value::Array(required)) = schema.pointer_mut(&format!("/$defs/{def}/required"))
        {
            required.retain(|k| !k.as_str().is_some_and(|k| keys.contains(&k)));
        }
    }
    schema
}

/// The text of `spec/spec.schema.json` (the editor schema).
pub fn spec_schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&editor_schema()).expect("a schema serialises to text");
    text.push('\n');
    text
}
