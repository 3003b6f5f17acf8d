//! Contract cases declared in the spec, as Smithy declares protocol tests: per operation,
//! request cases (parameters with a pinned clock, nonce and credentials → the exact request)
//! and response cases (status, headers and body → the typed value or error).
//!
//! One harness in `contract-tests/` runs every case of every operation, so adding a case here
//! adds a test without new Rust code.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{HttpMethod, Operation, Spec, ValueType};
use crate::names::pascal;
use crate::position::escape_token;

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

/// Parameters, pinned signing inputs and the request they must produce.
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
    /// The request that must come out.
    pub expect: ExpectedRequest,
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
    /// The variant of the operation's error enum: the code in PascalCase, `Unknown` for an
    /// undocumented code, `Failed` for `Data.Status` reporting failure.
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

/// Inconsistencies of one operation's cases, as (JSON pointer, message): duplicate or
/// malformed ids, errata that are not this operation's, undeclared parameters, values of the
/// wrong JSON type, unknown regions, methods the operation does not allow, and error
/// variants that do not match their code.
pub fn check(spec: &Spec, name: &str, op: &Operation) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let at = format!("/operations/{}/cases", escape_token(name));
    let mut seen: Vec<&str> = Vec::new();
    let ids = op
        .cases
        .request
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("{at}/request/{i}"), c.id.as_str(), &c.errata))
        .chain(
            op.cases
                .response
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("{at}/response/{i}"), c.id.as_str(), &c.errata)),
        );
    for (c_at, id, errata) in ids {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            out.push((
                format!("{c_at}/id"),
                format!("case id `{id}` must be non-empty ASCII letters, digits and `-`"),
            ));
        }
        if seen.contains(&id) {
            out.push((
                format!("{c_at}/id"),
                format!("case id `{id}` is used twice; expected ids unique within {name}"),
            ));
        }
        seen.push(id);
        for (j, erratum) in errata.iter().enumerate() {
            if !spec
                .errata
                .iter()
                .any(|e| e.id == *erratum && e.operation == name)
            {
                out.push((
                    format!("{c_at}/errata/{j}"),
                    format!("`{erratum}` is not an erratum of {name}"),
                ));
            }
        }
    }
    for (i, case) in op.cases.request.iter().enumerate() {
        let c_at = format!("{at}/request/{i}");
        for (pname, value) in &case.params {
            let p_at = format!("{c_at}/params/{}", escape_token(pname));
            match op.parameters.get(pname) {
                None => out.push((
                    p_at,
                    format!(
                        "`{pname}` is not a parameter of {name}; expected one of {}",
                        op.parameters.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )),
                Some(param) => {
                    let fits = match param.ty {
                        ValueType::Int64 => value.is_i64(),
                        _ => value.is_string(),
                    };
                    if !fits {
                        out.push((
                            p_at,
                            format!(
                                "a {} parameter's case value must be a JSON {}",
                                param.ty.as_str(),
                                if param.ty == ValueType::Int64 {
                                    "integer"
                                } else {
                                    "string"
                                }
                            ),
                        ));
                    }
                }
            }
        }
        if !spec.endpoints.regions.contains_key(&case.pinned.region) {
            out.push((
                format!("{c_at}/pinned/region"),
                format!(
                    "`{}` is not a region of /endpoints/regions",
                    case.pinned.region
                ),
            ));
        }
        if !is_acs_date(&case.pinned.date) {
            out.push((
                format!("{c_at}/pinned/date"),
                format!(
                    "`{}` is not a date like 2024-01-02T03:04:05Z",
                    case.pinned.date
                ),
            ));
        }
        if !op.methods.contains(&case.expect.method) {
            out.push((
                format!("{c_at}/expect/method"),
                format!("{name} does not allow {:?}", case.expect.method),
            ));
        }
    }
    for (i, case) in op.cases.response.iter().enumerate() {
        let ExpectedResponse::Error(e) = &case.expect else {
            continue;
        };
        let e_at = format!("{at}/response/{i}/expect/error");
        if e.status != case.status {
            out.push((
                format!("{e_at}/status"),
                format!(
                    "expected the case's status {}, found {}",
                    case.status, e.status
                ),
            ));
        }
        let known = op
            .errors
            .iter()
            .map(|x| x.code.as_str())
            .chain(spec.gateway_errors.iter().map(|x| x.code.as_str()))
            .find(|c| Some(*c) == e.code.as_deref());
        let expected = match (known, e.code.as_deref()) {
            (Some(code), _) => pascal(code),
            (None, Some(_)) => "Unknown".to_owned(),
            (None, None) => "Failed".to_owned(),
        };
        if e.variant != expected {
            out.push((
                format!("{e_at}/variant"),
                format!(
                    "expected variant `{expected}` for code {:?}, found `{}`",
                    e.code, e.variant
                ),
            ));
        }
    }
    out
}

fn is_acs_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}
