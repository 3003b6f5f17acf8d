//! `generated/openapi.json` held against the generated client's tables (`dataworks_di::meta`)
//! and the runtime's signer, not against names written here: every operation, parameter,
//! `Data` member and error code the client knows is described with the same facts, and the
//! headers the description declares are those a signed request carries.

use std::collections::BTreeSet;
use std::path::Path;

use dataworks_di::meta;
use dwdi_runtime::describe::{OperationDesc, ParamKind};
use dwdi_runtime::{AcsDate, Credentials, ErrorKind, RpcRequest, Runtime};
use serde_json::Value;

fn description() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo run -p dwdi-codegen`", path.display()));
    serde_json::from_str(&text).expect("generated/openapi.json is JSON")
}

/// Every (path, method, operation object) of the description.
fn operations(d: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in d["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            out.push((path.clone(), method.clone(), op.clone()));
        }
    }
    out
}

/// The operation object of `action` (by its operationId).
fn operation(d: &Value, action: &str) -> Value {
    operations(d)
        .into_iter()
        .find(|(_, _, op)| op["operationId"] == action)
        .map(|(_, _, op)| op)
        .unwrap_or_else(|| panic!("{action}: no operation with this operationId"))
}

/// Resolves a local `$ref` (or returns the value itself).
fn resolve<'a>(d: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => d
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} does not resolve")),
        None => v,
    }
}

fn texts(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_operation_of_the_tables_is_described_once_by_its_action() {
    let d = description();
    assert_eq!(d["openapi"], "3.1.0");
    let described: Vec<String> = operations(&d)
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut sorted = described.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), described.len(), "one operation per action");
    let known: BTreeSet<String> = meta::OPERATIONS
        .iter()
        .map(|op| op.action.to_owned())
        .collect();
    assert_eq!(sorted.into_iter().collect::<BTreeSet<_>>(), known);
    for (path, method, op) in operations(&d) {
        let desc = meta::operation(op["operationId"].as_str().unwrap_or_default()).unwrap();
        assert!(
            desc.methods
                .iter()
                .any(|m| m.as_str().eq_ignore_ascii_case(&method)),
            "{path}: {method} is not a method of {}",
            desc.action
        );
    }
}

/// The schema a parameter is described with: a query parameter's, or a form body's property.
fn described_param(d: &Value, op: &Value, name: &str) -> Option<(bool, Value)> {
    for p in op["parameters"].as_array().into_iter().flatten() {
        let p = resolve(d, p);
        if p["in"] == "query" && p["name"] == name {
            let schema = match p.get("content") {
                Some(content) => content["application/json"]["schema"].clone(),
                None => p["schema"].clone(),
            };
            return Some((p["required"] == true, schema));
        }
    }
    for media in op["requestBody"]["content"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let schema = resolve(d, &media.1["schema"]);
        if let Some(prop) = schema["properties"].get(name) {
            let required = texts(&schema["required"]).iter().any(|r| r == name);
            let prop = prop.get("contentSchema").cloned().unwrap_or(prop.clone());
            return Some((required, prop));
        }
    }
    None
}

fn check_param(d: &Value, desc: &OperationDesc, op: &Value) {
    for p in desc.params {
        let at = format!("{} {}", desc.action, p.name);
        let (required, schema) =
            described_param(d, op, p.name).unwrap_or_else(|| panic!("{at}: not described"));
        assert_eq!(required, p.required, "{at}: required");
        match p.kind {
            ParamKind::Int64 { min, max } => {
                assert_eq!(schema["type"], "integer", "{at}");
                assert_eq!(schema["minimum"], min, "{at}: minimum");
                assert_eq!(schema["maximum"], max, "{at}: maximum");
            }
            ParamKind::Enum { accepts, .. } => {
                assert_eq!(texts(&schema["enum"]), accepts, "{at}: accepted values");
            }
            ParamKind::JsonString { document } => {
                // Its document, or each document another parameter's value may choose.
                let mut want: Vec<&str> = vec![document];
                for (_, chosen) in p.document_by.iter().flat_map(|by| by.cases) {
                    if !want.contains(chosen) {
                        want.push(*chosen);
                    }
                }
                let described: Vec<Value> = match schema.get("anyOf") {
                    Some(any) => any.as_array().cloned().unwrap_or_default(),
                    None => vec![schema.clone()],
                };
                let titles: Vec<&Value> =
                    described.iter().map(|s| &resolve(d, s)["title"]).collect();
                assert_eq!(titles, want, "{at}: documents");
            }
            ParamKind::String => assert_eq!(schema["type"], "string", "{at}"),
            ParamKind::Boolean => assert_eq!(schema["type"], "boolean", "{at}"),
        }
    }
    // Nothing in the query that the client does not send as a parameter.
    for p in op["parameters"].as_array().into_iter().flatten() {
        let p = resolve(d, p);
        if p["in"] == "query" {
            let name = p["name"].as_str().unwrap_or_default();
            assert!(
                desc.param(name).is_some(),
                "{}: {name} is not a parameter",
                desc.action
            );
        }
    }
}

#[test]
fn every_parameter_is_described_as_strictly_as_the_client_checks_it() {
    let d = description();
    for desc in meta::OPERATIONS {
        check_param(&d, desc, &operation(&d, desc.action));
    }
}

/// The codes listed (as examples of the error envelope) in the answer of `status`.
fn listed_codes(op: &Value, status: u16) -> Vec<String> {
    let examples = &op["responses"][status.to_string()]["content"]["application/json"]["examples"];
    examples
        .as_object()
        .map(|m| {
            m.values()
                .filter_map(|e| e["value"]["Code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_documented_and_gateway_code_is_listed_under_its_status() {
    let d = description();
    let envelope = "#/components/schemas/rpc.ErrorEnvelope";
    for desc in meta::OPERATIONS {
        let op = operation(&d, desc.action);
        let rows = desc
            .errors
            .iter()
            .map(|e| (e.code, e.status))
            .chain(meta::GATEWAY_ERRORS.iter().map(|g| (g.code, g.status)));
        for (code, status) in rows {
            assert!(
                listed_codes(&op, status).iter().any(|c| c == code),
                "{}: {code} is not listed under {status}",
                desc.action
            );
            let schema = &op["responses"][status.to_string()]["content"]["application/json"]["schema"]
                ["$ref"];
            assert_eq!(schema, envelope, "{} {status}", desc.action);
        }
        // Every answer with a body lists its codes, and only codes the client knows.
        for (status, response) in op["responses"].as_object().unwrap() {
            if status == "200" || response.get("content").is_none() {
                continue;
            }
            let status: u16 = status.parse().unwrap();
            let listed = listed_codes(&op, status);
            assert!(!listed.is_empty(), "{} {status}: no code", desc.action);
            for code in listed {
                let known = desc
                    .errors
                    .iter()
                    .any(|e| e.code == code && e.status == status)
                    || meta::GATEWAY_ERRORS
                        .iter()
                        .any(|g| g.code == code && g.status == status);
                assert!(
                    known,
                    "{} {status}: {code} is not in the tables",
                    desc.action
                );
            }
        }
    }
}

#[test]
fn data_members_are_required_unless_they_may_be_null() {
    let d = description();
    for desc in meta::OPERATIONS {
        let op = operation(&d, desc.action);
        let success = &op["responses"]["200"]["content"]["application/json"]["schema"];
        let data = resolve(&d, &success["properties"]["Data"]);
        let required = texts(&data["required"]);
        for f in desc.fields {
            let at = format!("{} Data.{}", desc.action, f.name);
            let member = &data["properties"][f.name];
            assert!(member.is_object(), "{at}: not described");
            let nullable = member["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == "null"));
            assert_eq!(nullable, f.null_when.is_some(), "{at}: nullable");
            assert_eq!(
                required.iter().any(|r| r == f.name),
                f.null_when.is_none(),
                "{at}: required"
            );
        }
    }
}

#[test]
fn throttled_answers_declare_the_retry_after_header() {
    let d = description();
    let header = dwdi_runtime::envelope::RETRY_AFTER_HEADER;
    for desc in meta::OPERATIONS {
        let op = operation(&d, desc.action);
        for g in meta::GATEWAY_ERRORS {
            if g.class == ErrorKind::Throttling {
                let headers = &op["responses"][g.status.to_string()]["headers"];
                assert!(
                    headers.get(header).is_some(),
                    "{} {}: no {header}",
                    desc.action,
                    g.status
                );
            }
        }
    }
}

#[test]
fn declared_headers_are_those_the_signer_sends() {
    let d = description();
    let rt = Runtime::builder()
        .region_map(meta::REGION_MAP)
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            "test-access-key-id",
            "test-access-key-secret",
        ))
        .build()
        .expect("a runtime");
    let date = AcsDate::parse("2024-01-02T03:04:05Z").unwrap();
    let schemes = d["components"]["securitySchemes"].as_object().unwrap();
    for desc in meta::OPERATIONS {
        let op = operation(&d, desc.action);
        let signed = rt.sign_at(
            &RpcRequest::new(desc.action, meta::API_VERSION),
            date,
            "0123456789abcdef0123456789abcdef",
            1,
        );
        let headers: Vec<&Value> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "header")
            .collect();
        assert!(!headers.is_empty(), "{}: no header declared", desc.action);
        for p in headers {
            let name = p["name"].as_str().unwrap();
            assert_eq!(
                texts(&p["schema"]["enum"]),
                [signed.header(name).unwrap_or("(not sent)")],
                "{}: header {name}",
                desc.action
            );
        }
        for scheme in schemes.values() {
            let name = scheme["name"].as_str().unwrap();
            assert!(signed.header(name).is_some(), "{}: {name}", desc.action);
        }
    }
}
