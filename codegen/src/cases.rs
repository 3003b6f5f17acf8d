//! Contract cases declared in the spec, as Smithy declares protocol tests: per operation,
//! request cases (parameters with a pinned clock, nonce and credentials → the exact request)
//! and response cases (status, headers and body → the typed value or error).
//!
//! One harness in `contract-tests/` runs every case of every operation, so adding a case here
//! adds a test without new Rust code.
//!
//! The cases' types are part of the spec model (so the model depends on nothing here); this
//! module checks them against the rest of the spec.

pub use crate::model::{
    Cases, ExpectedError, ExpectedRequest, ExpectedResponse, Pinned, RequestCase, ResponseCase,
};

use crate::model::{Operation, Spec, ValueType};
use crate::naming::NamePlan;
use crate::position::escape_token;

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
