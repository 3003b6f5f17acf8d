//! Contract cases declared in the spec, as Smithy declares protocol tests: per operation,
//! request cases (parameters with a pinned clock, nonce and credentials → the exact request)
//! and response cases (status, headers and body → the typed value or error).
//!
//! Most cases are derived from the spec's facts ([`derived`]): the page-example request from
//! the parameters' examples, a response case for the page's sample, one for each documented
//! error (from the error table), one for `Data.Status` reporting failure where it reports the
//! call's outcome, and one per gateway error class. A documentation change changes them by
//! itself. The spec's own `cases` add only what cannot be derived; [`check`] refuses a written
//! case that repeats a derived one.
//!
//! One harness in `contract-tests/` runs every case of every operation ([`all`]), so adding a
//! case, or a fact cases derive from, adds a test without new Rust code.
//!
//! The cases' types are part of the spec model (so the model depends on nothing here); this
//! module derives cases and checks the written ones against the rest of the spec.

pub use crate::model::{
    Cases, ExpectedError, ExpectedRequest, ExpectedResponse, Pinned, RequestCase, ResponseCase,
};

use indexmap::IndexMap;
use serde_json::Value;

use crate::model::{ErrorClass, Operation, Spec, ValueType};
use crate::naming::NamePlan;
use crate::position::escape_token;

/// Inconsistencies of one operation's written cases, as (JSON pointer, message): duplicate or
/// malformed ids, ids of derived cases, cases that repeat a derived one (the page's sample, a
/// documented error code), errata that are not this operation's, undeclared parameters,
/// values of the wrong JSON type, unknown regions, methods the operation does not allow, and
/// error variants that do not match their code.
pub fn check(spec: &Spec, name: &str, op: &Operation) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let at = format!("/operations/{}/cases", escape_token(name));
    let derived = derived(spec, name, op);
    let derived_ids: Vec<&str> = derived
        .request
        .iter()
        .map(|c| c.id.as_str())
        .chain(derived.response.iter().map(|c| c.id.as_str()))
        .collect();
    for (i, case) in op.cases.response.iter().enumerate() {
        let c_at = format!("{at}/response/{i}");
        if case.body == op.sample.body {
            out.push((
                format!("{c_at}/body"),
                "the body is the page's sample, which is a derived case already; expected a case only the spec can state".to_owned(),
            ));
        }
        if let ExpectedResponse::Error(e) = &case.expect
            && let Some(code) = &e.code
            && op.errors.iter().any(|d| &d.code == code)
        {
            out.push((
                format!("{c_at}/expect/error/code"),
                format!("{code} is a documented error of {name}, which is a derived case already; expected a case only the spec can state"),
            ));
        }
    }
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
        if derived_ids.contains(&id) {
            out.push((
                format!("{c_at}/id"),
                format!(
                    "case id `{id}` is the id of a case derived from the spec; expected another"
                ),
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
        if let Some(expect) = &case.expect
            && !op.methods.contains(&expect.method)
        {
            out.push((
                format!("{c_at}/expect/method"),
                format!("{name} does not allow {:?}", expect.method),
            ));
        }
    }
    let plan = NamePlan::of(spec);
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
        let Some(expected) = plan.error_variant(name, e.code.as_deref()) else {
            continue;
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

// Cases derived from the spec's facts. A documentation change changes these by itself; the
// spec's own `cases` add only what cannot be derived.

/// The signing date every derived request case pins.
pub const PINNED_DATE: &str = "2024-01-02T03:04:05Z";
/// The signature nonce every derived request case pins.
pub const PINNED_NONCE: &str = "3156853299f313e23d1673dc12e1703d";
/// The fake AccessKey ID of derived cases.
pub const PINNED_ACCESS_KEY_ID: &str = "test-access-key-id";
/// The fake AccessKey secret of derived cases.
pub const PINNED_ACCESS_KEY_SECRET: &str = "test-access-key-secret";
/// The request ID of derived error answers.
pub const ERROR_REQUEST_ID: &str = "8754EE08-4AA2-5F77-ADD7-754DBBDA9F75";
/// The request ID of derived answers whose template (the sample) has none.
pub const FALLBACK_REQUEST_ID: &str = "D7C5A3F1-0000-4000-8000-000000000001";
/// A code no spec documents: the derived case for the `Unknown` variant.
pub const UNDOCUMENTED_CODE: &str = "Some.New.Code";
/// What a derived throttling answer asks the client to wait, in milliseconds.
pub const RETRY_AFTER_MS: &str = "1500";

/// The ids of derived cases, which written cases may not reuse.
pub const PAGE_EXAMPLE: &str = "page-example";
/// See [`PAGE_EXAMPLE`].
pub const REQUIRED_ONLY: &str = "required-only";
/// See [`PAGE_EXAMPLE`].
pub const SAMPLE: &str = "sample";
/// See [`PAGE_EXAMPLE`].
pub const DATA_STATUS_FAIL: &str = "data-status-fail";
/// See [`PAGE_EXAMPLE`].
pub const UNKNOWN_ERROR_CODE: &str = "unknown-error-code";

/// Every case of an operation: the derived ones, then those the spec writes.
pub fn all(spec: &Spec, action: &str, op: &Operation) -> Cases {
    let mut cases = derived(spec, action, op);
    cases.request.extend(op.cases.request.iter().cloned());
    cases.response.extend(op.cases.response.iter().cloned());
    cases
}

/// The cases the spec's facts give by themselves:
///
/// - request `page-example`: every parameter that has an example, with it (a required one
///   without an example gets a value of its type); `required-only` as well when some optional
///   parameter has an example. Their wire form lives in the suites' snapshots, not here.
/// - response `sample`: the page's sample; `data-status-fail` where `Data.Status` reports the
///   call's outcome; `error-<code>` for each documented error, from the error table;
///   `gateway-<class>` for the first gateway code of each class (keys in camelCase, as the
///   gateway may write them); `unknown-error-code`.
pub fn derived(spec: &Spec, action: &str, op: &Operation) -> Cases {
    Cases {
        request: derived_requests(spec, op),
        response: derived_responses(spec, action, op),
    }
}

fn derived_requests(spec: &Spec, op: &Operation) -> Vec<RequestCase> {
    let pinned = Pinned {
        date: PINNED_DATE.to_owned(),
        nonce: PINNED_NONCE.to_owned(),
        region: spec
            .endpoints
            .regions
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| "cn-hangzhou".to_owned()),
        access_key_id: PINNED_ACCESS_KEY_ID.to_owned(),
        access_key_secret: PINNED_ACCESS_KEY_SECRET.to_owned(),
        security_token: None,
    };
    let case = |id: &str, description: &str, required_only: bool| RequestCase {
        id: id.to_owned(),
        description: description.to_owned(),
        errata: Vec::new(),
        params: op
            .parameters
            .iter()
            .filter(|(_, p)| p.required || (!required_only && p.example.is_some()))
            .map(|(name, p)| (name.clone(), case_value(spec, p)))
            .collect(),
        pinned: pinned.clone(),
        expect: None,
    };
    let mut out = vec![case(
        PAGE_EXAMPLE,
        "Every parameter that has an example, with that example.",
        false,
    )];
    if op
        .parameters
        .values()
        .any(|p| !p.required && p.example.is_some())
    {
        out.push(case(
            REQUIRED_ONLY,
            "Only the required parameters: the optional ones are not sent.",
            true,
        ));
    }
    out
}

/// A parameter's example as a case value (integers as JSON numbers, everything else as text);
/// a value of its type where it has no example.
fn case_value(spec: &Spec, p: &crate::model::Param) -> Value {
    match (&p.example, p.ty) {
        (Some(v), ValueType::Int64) if v.is_i64() => v.clone(),
        (Some(Value::String(s)), _) => Value::String(s.clone()),
        (Some(v), _) => Value::String(v.to_string()),
        (None, ValueType::Int64) => Value::from(p.range.map_or(1, |r| r.minimum)),
        (None, ValueType::Boolean) => Value::String("true".to_owned()),
        (None, ValueType::Enum) => Value::String(
            p.accepts
                .as_ref()
                .and_then(|a| a.first().cloned())
                .or_else(|| {
                    let values = &spec.enums.get(p.enum_name.as_deref()?)?.values;
                    values.keys().next().cloned()
                })
                .unwrap_or_default(),
        ),
        (None, ValueType::JsonString) => Value::String("{}".to_owned()),
        (None, _) => Value::String("example".to_owned()),
    }
}

fn derived_responses(spec: &Spec, action: &str, op: &Operation) -> Vec<ResponseCase> {
    let plan = NamePlan::of(spec);
    let variant = |code: Option<&str>| {
        plan.error_variant(action, code)
            .unwrap_or(crate::naming::UNKNOWN_VARIANT)
            .to_owned()
    };
    let host = spec.endpoints.regions.values().next().cloned();
    let sample = &op.sample.body;
    let sample_data = sample.get("Data");
    let sample_request_id = sample
        .get("RequestId")
        .and_then(Value::as_str)
        .unwrap_or(FALLBACK_REQUEST_ID)
        .to_owned();
    let at = format!("/operations/{}/sample", escape_token(action));
    let mut out = Vec::new();

    // The page's sample, decoded as printed.
    let failed = |data: Option<&Value>| {
        let outcome = op.response.outcome.as_ref()?;
        let data = data?;
        (data.get(&outcome.field).and_then(Value::as_str) == Some(outcome.failure.as_str())).then(
            || {
                ExpectedResponse::Error(ExpectedError {
                    variant: variant(None),
                    status: 200,
                    code: None,
                    message: data
                        .get(&outcome.message)
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    request_id: Some(sample_request_id.clone()),
                })
            },
        )
    };
    out.push(ResponseCase {
        id: SAMPLE.to_owned(),
        description: format!(
            "The page's sample ({}), decoded as printed.",
            op.sample.title
        ),
        errata: spec
            .errata
            .iter()
            .filter(|e| e.operation == action && pointer_within(&e.pointer, &at))
            .map(|e| e.id.clone())
            .collect(),
        status: 200,
        headers: IndexMap::new(),
        body: sample.clone(),
        expect: failed(sample_data).unwrap_or_else(|| {
            ExpectedResponse::Data(sample_data.map_or(Value::Null, without_nulls))
        }),
    });

    // The call's own failure, reported in a successful answer.
    if let Some(outcome) = &op.response.outcome {
        let mut data = match sample_data {
            Some(Value::Object(map)) => map.clone(),
            _ => serde_json::Map::new(),
        };
        let message = data
            .get(&outcome.message)
            .and_then(Value::as_str)
            .unwrap_or("the call failed")
            .to_owned();
        data.insert(
            outcome.field.clone(),
            Value::String(outcome.failure.clone()),
        );
        data.insert(outcome.message.clone(), Value::String(message));
        let data = Value::Object(data);
        let mut body = match sample {
            Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        body.insert("Data".to_owned(), data.clone());
        body.entry("RequestId")
            .or_insert_with(|| Value::String(sample_request_id.clone()));
        out.push(ResponseCase {
            id: DATA_STATUS_FAIL.to_owned(),
            description: format!(
                "HTTP 200 with Data.{} = {}: the call failed, and Data.{} says why.",
                outcome.field, outcome.failure, outcome.message
            ),
            errata: Vec::new(),
            status: 200,
            headers: IndexMap::new(),
            body: Value::Object(body),
            expect: failed(Some(&data)).expect("the failure value was just set"),
        });
    }

    // Each documented error, as the service writes it.
    for error in &op.errors {
        let mut body = serde_json::Map::new();
        body.insert("RequestId".into(), ERROR_REQUEST_ID.into());
        if let Some(host) = &host {
            body.insert("HostId".into(), host.clone().into());
        }
        body.insert("Code".into(), error.code.clone().into());
        body.insert("Message".into(), error.message.clone().into());
        body.insert(
            "Recommend".into(),
            format!(
                "https://api.aliyun.com/troubleshoot?q={}&product={}",
                error.code, spec.product
            )
            .into(),
        );
        out.push(ResponseCase {
            id: format!("error-{}", error.code.replace('.', "-")),
            description: format!(
                "The documented error {} (HTTP {}).",
                error.code, error.status
            ),
            errata: Vec::new(),
            status: error.status,
            headers: IndexMap::new(),
            body: Value::Object(body),
            expect: ExpectedResponse::Error(ExpectedError {
                variant: variant(Some(&error.code)),
                status: error.status,
                code: Some(error.code.clone()),
                message: Some(error.message.clone()),
                request_id: Some(ERROR_REQUEST_ID.to_owned()),
            }),
        });
    }

    // The first gateway code of each class, with the keys in camelCase.
    let mut classes = Vec::new();
    for gateway in &spec.gateway_errors {
        if classes.contains(&gateway.class) {
            continue;
        }
        classes.push(gateway.class);
        let class = serde_json::to_value(gateway.class)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut headers = IndexMap::new();
        if gateway.class == ErrorClass::Throttling {
            headers.insert("x-acs-retry-after".to_owned(), RETRY_AFTER_MS.to_owned());
        }
        let mut body = serde_json::Map::new();
        body.insert("requestId".into(), FALLBACK_REQUEST_ID.into());
        if let Some(host) = &host {
            body.insert("hostId".into(), host.clone().into());
        }
        body.insert("code".into(), gateway.code.clone().into());
        body.insert("message".into(), gateway.when.clone().into());
        out.push(ResponseCase {
            id: format!("gateway-{class}"),
            description: format!(
                "The gateway's {} (HTTP {}, {class}), written with camelCase keys{}.",
                gateway.code,
                gateway.status,
                if headers.is_empty() {
                    ""
                } else {
                    ", with x-acs-retry-after"
                }
            ),
            errata: Vec::new(),
            status: gateway.status,
            headers,
            body: Value::Object(body),
            expect: ExpectedResponse::Error(ExpectedError {
                variant: variant(Some(&gateway.code)),
                status: gateway.status,
                code: Some(gateway.code.clone()),
                message: Some(gateway.when.clone()),
                request_id: Some(FALLBACK_REQUEST_ID.to_owned()),
            }),
        });
    }

    // A code nobody documents keeps its code in the Unknown variant.
    let message = "Something new.";
    out.push(ResponseCase {
        id: UNKNOWN_ERROR_CODE.to_owned(),
        description:
            "An error code this client does not know keeps its code in the Unknown variant."
                .to_owned(),
        errata: Vec::new(),
        status: 400,
        headers: IndexMap::new(),
        body: serde_json::json!({
            "RequestId": ERROR_REQUEST_ID,
            "Code": UNDOCUMENTED_CODE,
            "Message": message,
        }),
        expect: ExpectedResponse::Error(ExpectedError {
            variant: variant(Some(UNDOCUMENTED_CODE)),
            status: 400,
            code: Some(UNDOCUMENTED_CODE.to_owned()),
            message: Some(message.to_owned()),
            request_id: Some(ERROR_REQUEST_ID.to_owned()),
        }),
    });
    out
}

/// Whether `pointer` is `at` or inside it.
fn pointer_within(pointer: &str, at: &str) -> bool {
    pointer == at
        || pointer
            .strip_prefix(at)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// What a typed decode keeps of a documented value: the same, without `null` members (a
/// documented member that is `null` is an absent `Option`).
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
