//! The naming plan: every Rust name the generated crate uses, computed once from the spec.
//!
//! The emitters, the consistency check (which refuses a spec whose names would collide) and
//! the tools that reach operations by name (the contract suites) all read this one plan, so a
//! name is decided in one place. Names come from wire names through [`crate::names`]
//! (`ProjectId` → `project_id`, `Invalid.DI.Parameter` → `InvalidDiParameter`); types of
//! answers are named after the operation and the path of members that leads to them
//! (`GetDiSyncInstanceInfoSolutionInfo`), document types after the document and the member's
//! `name` or path (`TaskParamStep`).
//!
//! The plan is built from any spec the loader parsed, consistent or not: it skips what does
//! not resolve, so the check can report collisions alongside everything else.

use indexmap::IndexMap;

use crate::model::{DocField, DocType, Field, Spec, ValueType, WaiterKind};
use crate::names::{pascal, snake};
use crate::position::escape_token;

/// The module of the generated crate holding the enums and the types of answers.
pub const TYPES: &str = "types";
/// The module holding the typed documents carried in strings.
pub const DOCUMENTS: &str = "documents";
/// The module holding one module per operation.
pub const OPERATION: &str = "operation";
/// The module holding the shared error types.
pub const ERROR: &str = "error";
/// The hidden module holding the tables and the dynamic entries.
pub const META: &str = "meta";

/// The shared type of the gateway errors (`error::GatewayError`).
pub const GATEWAY_ERROR: &str = "GatewayError";
/// The enum of the gateway codes (`error::GatewayCode`).
pub const GATEWAY_CODE: &str = "GatewayCode";
/// The value an enum's `Unknown` variant holds (`types::UnknownValue`).
pub const UNKNOWN_VALUE: &str = "UnknownValue";
/// The type of the client (at the crate root).
pub const CLIENT: &str = "Client";

/// The variant of every enum, and of every operation error, for what the client does not know.
pub const UNKNOWN_VARIANT: &str = "Unknown";
/// The operation error's variant carrying a [`GATEWAY_ERROR`].
pub const GATEWAY_VARIANT: &str = "Gateway";
/// The operation error's variant for `Data` reporting that the call failed.
pub const FAILED_VARIANT: &str = "Failed";
/// The operation error's variant for a request refused before sending.
pub const INVALID_VARIANT: &str = "Invalid";
/// The operation error's variant for a failure without a usable answer.
pub const RUNTIME_VARIANT: &str = "Runtime";
/// Operation error variants the generator takes for itself.
pub const RESERVED_ERROR_VARIANTS: &[&str] = &[
    UNKNOWN_VARIANT,
    GATEWAY_VARIANT,
    FAILED_VARIANT,
    INVALID_VARIANT,
    RUNTIME_VARIANT,
];

/// Methods every fluent builder has; a parameter's setter must not take their names.
pub const BUILDER_METHODS: &[&str] = &[
    "new",
    "send",
    "to_params",
    "to_request",
    "from_wire",
    "client",
    "check_documents",
    "skip_document_validation",
];
/// Methods the client has besides one per operation.
pub const CLIENT_METHODS: &[&str] = &["new", "runtime_builder", "from_env", "runtime"];

/// The Rust names of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationNames {
    /// Its module under `operation` (`get_di_sync_instance_info`).
    pub module: String,
    /// The client's method that starts a call.
    pub method: String,
    /// The fluent builder (`GetDiSyncInstanceInfoFluentBuilder`).
    pub builder: String,
    /// The output (`GetDiSyncInstanceInfoOutput`).
    pub output: String,
    /// The error enum (`GetDiSyncInstanceInfoError`).
    pub error: String,
    /// The type of its answer's `Data`, in `types`.
    pub data: String,
    /// Its descriptor static in `meta` (`GET_DI_SYNC_INSTANCE_INFO`).
    pub desc: String,
    /// Builder setter (and member) per parameter wire name.
    pub params: IndexMap<String, String>,
    /// Error variant per documented code.
    pub errors: IndexMap<String, String>,
    /// Builder method per waiter name, for the waiters polling this operation.
    pub waiters: IndexMap<String, String>,
}

/// A name the plan gives, with the spec location it comes from: what the check reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Where the name must be unique.
    pub scope: Scope,
    /// The name.
    pub name: String,
    /// The spec's name it comes from (a wire name, an enum's or a document's name).
    pub source: String,
    /// JSON pointer into the spec.
    pub at: String,
}

/// Where a name must be unique.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The types of `types` and `documents` together, so that no two types of the crate
    /// share a name (a user may import both modules whole).
    Types,
    /// The items of the `error` module.
    Error,
    /// The crate root.
    Root,
    /// The modules of `operation`.
    OperationModules,
    /// The descriptor statics of `meta`.
    Descriptors,
    /// The client's methods.
    ClientMethods,
    /// The constants of `documents`.
    SchemaConsts,
    /// The variants of `error::GatewayCode`.
    GatewayCodes,
    /// The methods of an operation's builder (setters and waiters), by action.
    BuilderMethods(String),
    /// The variants of an operation's error, by action.
    ErrorVariants(String),
}

/// Every Rust name of the generated crate.
#[derive(Debug, Clone, Default)]
pub struct NamePlan {
    /// Per operation (action name), in spec order.
    pub operations: IndexMap<String, OperationNames>,
    /// Types of the `types` module, by the JSON pointer of what they come from: the shared
    /// enums (`/enums/TaskType`), each answer's `Data` and the objects and `enumBy`
    /// enumerations inside it.
    pub types: IndexMap<String, String>,
    /// Types of the `documents` module, by JSON pointer: each document's root, each shape,
    /// and the objects inside them.
    pub documents: IndexMap<String, String>,
    /// The JSON Schema constant of each document, by document name.
    pub schemas: IndexMap<String, String>,
    /// The rules file constant of each document (what dwdi checks beyond the schema), by
    /// document name.
    pub rules: IndexMap<String, String>,
    /// The variants of each enum, by its type name: wire value → variant.
    pub variants: IndexMap<String, IndexMap<String, String>>,
    /// The [`GATEWAY_CODE`] variant of each gateway code.
    pub gateway: IndexMap<String, String>,
    /// Every name above with where it comes from, in emission modules, for the check.
    pub planned: Vec<Planned>,
}

impl NamePlan {
    /// The plan for `spec`.
    pub fn of(spec: &Spec) -> NamePlan {
        let mut plan = NamePlan::default();
        plan.add(Scope::Types, UNKNOWN_VALUE, "", "");
        plan.add(Scope::Error, GATEWAY_ERROR, "", "/gatewayErrors");
        plan.add(Scope::Error, GATEWAY_CODE, "", "/gatewayErrors");
        plan.add(Scope::Root, CLIENT, "", "");
        for (name, def) in &spec.enums {
            let at = format!("/enums/{}", escape_token(name));
            let ty = pascal(name);
            plan.types.insert(at.clone(), ty.clone());
            plan.add(Scope::Types, &ty, name, &at);
            plan.variants.insert(
                ty,
                def.values.keys().map(|v| (v.clone(), pascal(v))).collect(),
            );
        }
        for (i, g) in spec.gateway_errors.iter().enumerate() {
            plan.gateway.insert(g.code.clone(), pascal(&g.code));
            plan.add(
                Scope::GatewayCodes,
                &pascal(&g.code),
                &g.code,
                &format!("/gatewayErrors/{i}/code"),
            );
        }
        for (name, shape) in &spec.shapes {
            let at = format!("/shapes/{}", escape_token(name));
            let ty = pascal(name);
            plan.document_object(&ty, &ty, shape, &at, &at);
        }
        for (name, doc) in &spec.documents {
            let at = format!("/documents/{}", escape_token(name));
            let ty = pascal(name);
            match &doc.root {
                Some(root) if root.ty == DocType::Object => {
                    plan.document_object(&ty, &ty, root, &format!("{at}/root"), &at);
                }
                // A document with no documented object shape is any JSON value, by name.
                _ => {
                    plan.documents.insert(format!("{at}/root"), ty.clone());
                    plan.add(Scope::Types, &ty, name, &at);
                }
            }
            let schema = format!(
                "{}_SCHEMA",
                snake(name).trim_start_matches("r#").to_uppercase()
            );
            plan.schemas.insert(name.clone(), schema.clone());
            plan.add(Scope::SchemaConsts, &schema, name, &at);
            let rules = format!(
                "{}_RULES",
                snake(name).trim_start_matches("r#").to_uppercase()
            );
            plan.rules.insert(name.clone(), rules.clone());
            plan.add(Scope::SchemaConsts, &rules, name, &at);
        }
        for (action, op) in &spec.operations {
            let at = format!("/operations/{}", escape_token(action));
            let ty = pascal(action);
            let module = snake(action);
            let names = OperationNames {
                method: module.clone(),
                // Upper case is never a keyword: drop a raw prefix (`r#match` → `MATCH`).
                desc: module.trim_start_matches("r#").to_uppercase(),
                module,
                builder: format!("{ty}FluentBuilder"),
                output: format!("{ty}Output"),
                error: format!("{ty}Error"),
                data: format!("{ty}Data"),
                params: op
                    .parameters
                    .keys()
                    .map(|w| (w.clone(), snake(w)))
                    .collect(),
                errors: op
                    .errors
                    .iter()
                    .map(|e| (e.code.clone(), pascal(&e.code)))
                    .collect(),
                waiters: IndexMap::new(),
            };
            plan.add(Scope::OperationModules, &names.module, action, &at);
            plan.add(Scope::ClientMethods, &names.method, action, &at);
            plan.add(Scope::Descriptors, &names.desc, action, &at);
            for (i, e) in op.errors.iter().enumerate() {
                plan.add(
                    Scope::ErrorVariants(action.clone()),
                    &pascal(&e.code),
                    &e.code,
                    &format!("{at}/errors/{i}/code"),
                );
            }
            for (wire, setter) in &names.params {
                plan.add(
                    Scope::BuilderMethods(action.clone()),
                    setter,
                    wire,
                    &format!("{at}/parameters/{}", escape_token(wire)),
                );
            }
            let data_at = format!("{at}/response/data");
            plan.types.insert(data_at.clone(), names.data.clone());
            plan.add(Scope::Types, &names.data, action, &at);
            plan.response_object(spec, &ty, &op.response.data, &data_at);
            plan.operations.insert(action.clone(), names);
        }
        for (name, waiter) in &spec.waiters {
            let method = match waiter.kind {
                WaiterKind::Terminal => format!("wait_for_{}", snake(name)),
                WaiterKind::UntilValue => format!("wait_until_{}", snake(name)),
            };
            if let Some(op) = plan.operations.get_mut(&waiter.operation) {
                op.waiters.insert(name.clone(), method.clone());
                let at = format!("/waiters/{}", escape_token(name));
                plan.add(
                    Scope::BuilderMethods(waiter.operation.clone()),
                    &method,
                    name,
                    &at,
                );
            }
        }
        plan
    }

    fn add(&mut self, scope: Scope, name: &str, source: &str, at: &str) {
        self.planned.push(Planned {
            scope,
            name: name.to_owned(),
            source: source.to_owned(),
            at: at.to_owned(),
        });
    }

    /// Names the members of an answer's object whose types the generator emits: nested
    /// objects, arrays of them, and `enumBy` enumerations, after `prefix` and the member.
    fn response_object(&mut self, spec: &Spec, prefix: &str, field: &Field, at: &str) {
        for (wire, child) in field.fields.iter().flatten() {
            let name = format!("{prefix}{}", pascal(wire));
            let child_at = format!("{at}/fields/{}", escape_token(wire));
            self.response_member(spec, &name, wire, child, &child_at);
        }
    }

    fn response_member(&mut self, spec: &Spec, name: &str, wire: &str, field: &Field, at: &str) {
        match field.ty {
            ValueType::Object if field.fields.is_some() => {
                self.types.insert(at.to_owned(), name.to_owned());
                self.add(Scope::Types, name, wire, at);
                self.response_object(spec, name, field, at);
            }
            ValueType::Array => {
                if let Some(item) = &field.items {
                    self.response_member(spec, name, wire, item, &format!("{at}/items"));
                }
            }
            ValueType::Enum if field.enum_name.is_none() => {
                if let Some(by) = &field.enum_by {
                    let mut variants = IndexMap::new();
                    for enum_name in by.cases.values() {
                        for value in spec
                            .enums
                            .get(enum_name)
                            .into_iter()
                            .flat_map(|e| e.values.keys())
                        {
                            variants
                                .entry(value.clone())
                                .or_insert_with(|| pascal(value));
                        }
                    }
                    self.types.insert(at.to_owned(), name.to_owned());
                    self.add(Scope::Types, name, wire, at);
                    self.variants.insert(name.to_owned(), variants);
                }
            }
            _ => {}
        }
    }

    /// Names an object of a document (and the objects inside it): `<document><name>` where
    /// the spec names it, else after its parent and member.
    /// `report_at` is where the check points for this name (a document, not its root).
    fn document_object(
        &mut self,
        doc: &str,
        name: &str,
        field: &DocField,
        at: &str,
        report_at: &str,
    ) {
        self.documents.insert(at.to_owned(), name.to_owned());
        self.add(Scope::Types, name, doc, report_at);
        for (wire, child) in field.fields.iter().flatten() {
            let child_at = format!("{at}/fields/{}", escape_token(wire));
            self.document_member(doc, name, wire, child, &child_at);
        }
    }

    fn document_member(&mut self, doc: &str, parent: &str, wire: &str, field: &DocField, at: &str) {
        match field.ty {
            DocType::Object => {
                let name = match &field.name {
                    Some(n) => format!("{doc}{n}"),
                    None => format!("{parent}{}", pascal(wire)),
                };
                self.document_object(doc, &name, field, at, at);
            }
            // One struct with the members of every variant (their types are the shapes').
            DocType::Variants => {
                let name = match &field.name {
                    Some(n) => format!("{doc}{n}"),
                    None => format!("{parent}{}", pascal(wire)),
                };
                self.documents.insert(at.to_owned(), name.clone());
                self.add(Scope::Types, &name, doc, at);
            }
            DocType::Array => {
                if let Some(item) = &field.items {
                    self.document_member(doc, parent, wire, item, &format!("{at}/items"));
                }
            }
            DocType::Map => {
                if let Some(values) = &field.values {
                    self.document_member(doc, parent, wire, values, &format!("{at}/values"));
                }
            }
            _ => {}
        }
    }

    /// The names of an operation.
    pub fn operation(&self, action: &str) -> Option<&OperationNames> {
        self.operations.get(action)
    }

    /// The type name of a shared enum.
    pub fn enum_type(&self, enum_name: &str) -> Option<&str> {
        self.types
            .get(&format!("/enums/{}", escape_token(enum_name)))
            .map(String::as_str)
    }

    /// The variant of `value` in the enum type `ty`.
    pub fn variant(&self, ty: &str, value: &str) -> Option<&str> {
        self.variants.get(ty)?.get(value).map(String::as_str)
    }

    /// The variant of `action`'s error enum that an answer converts to: its own variant for a
    /// code the operation documents, [`GATEWAY_VARIANT`] for a gateway code, else
    /// [`UNKNOWN_VARIANT`]; with no code (a failed outcome in `Data`), [`FAILED_VARIANT`].
    pub fn error_variant(&self, action: &str, code: Option<&str>) -> Option<&str> {
        let op = self.operations.get(action)?;
        Some(match code {
            None => FAILED_VARIANT,
            Some(code) => match op.errors.get(code) {
                Some(variant) => variant,
                None if self.gateway.contains_key(code) => GATEWAY_VARIANT,
                None => UNKNOWN_VARIANT,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_wire_names() {
        // A fixture spec, never the live one: a documentation change must not break this.
        let text = include_str!("../tests/fixtures/diff/old.json");
        let loaded =
            crate::load_str(text, std::path::Path::new("old.json")).expect("the fixture loads");
        let plan = NamePlan::of(&loaded.spec);
        let op = plan.operation("GetDISyncInstanceInfo").expect("planned");
        assert_eq!(op.module, "get_di_sync_instance_info");
        assert_eq!(op.builder, "GetDiSyncInstanceInfoFluentBuilder");
        assert_eq!(op.desc, "GET_DI_SYNC_INSTANCE_INFO");
        assert_eq!(op.params["ProjectId"], "project_id");
        assert_eq!(op.errors["Param.Invalid"], "ParamInvalid");
        assert_eq!(plan.enum_type("TaskType"), Some("TaskType"));
        assert_eq!(plan.variant("TaskType", "DI_REALTIME"), Some("DiRealtime"));
        let action = "GetDISyncInstanceInfo";
        assert_eq!(
            plan.error_variant(action, Some("Param.Invalid")),
            Some("ParamInvalid")
        );
        assert_eq!(
            plan.error_variant(action, Some("Throttling.User")),
            Some("Gateway")
        );
        assert_eq!(
            plan.error_variant(action, Some("Nobody.Knows")),
            Some("Unknown")
        );
        assert_eq!(plan.error_variant(action, None), Some("Failed"));
        assert_eq!(plan.gateway["Throttling.User"], "ThrottlingUser");
    }
}
