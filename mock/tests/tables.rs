//! Data-driven checks over the generated tables: every operation and parameter the spec
//! documents, with no operation, parameter or member named here. A documentation change
//! (a new parameter, a renamed member) is covered by regenerating the client.

use dataworks_di::Client;
use dataworks_di::meta::{API_VERSION, OPERATIONS};
use dwdi_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, MockServer};
use dwdi_runtime::describe::{
    FieldDesc, FieldKind, OperationDesc, Outcome, ParamKind, Role, WaiterKind,
};
use dwdi_runtime::{Credentials, RetryPolicy, RpcRequest};
use serde_json::{Map, Value};

async fn server() -> MockServer {
    MockServer::start(MockConfig::default())
        .await
        .expect("mock starts")
}

fn client(server: &MockServer) -> Client {
    let runtime = Client::runtime_builder()
        .endpoint(server.url())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime");
    Client::new(runtime)
}

/// The spec's example request of `op`: every parameter that has an example.
fn example(op: &OperationDesc) -> Vec<(&'static str, String)> {
    op.params
        .iter()
        .filter_map(|p| Some((p.name, p.example?.to_owned())))
        .collect()
}

fn with(params: &[(&'static str, String)], name: &str, value: &str) -> Vec<(&'static str, String)> {
    params
        .iter()
        .map(|(k, v)| {
            let v = if *k == name {
                value.to_owned()
            } else {
                v.clone()
            };
            (*k, v)
        })
        .collect()
}

/// The HTTP status and body of a raw call (no client-side checks).
async fn send(c: &Client, op: &OperationDesc, params: &[(&'static str, String)]) -> (u16, Value) {
    let req = params
        .iter()
        .fold(RpcRequest::new(op.action, API_VERSION), |r, (k, v)| {
            r.param(*k, v.as_str())
        });
    match c.runtime().call(req).await {
        Ok(r) => (200, r.json),
        Err(e) => {
            let s = e.service_error().expect("a service error");
            let body = serde_json::json!({ "Code": s.code, "Message": s.message });
            (s.status, body)
        }
    }
}

/// Whether an answer's `Data` says the call failed: its outcome field, or a terminal waiter's
/// failure value.
fn outcome(op: &OperationDesc, data: &Value) -> Outcome {
    let terminal_failed = op.waiter(WaiterKind::Terminal).is_some_and(|w| {
        data.get(w.field)
            .and_then(Value::as_str)
            .is_some_and(|v| w.failure.contains(&v))
    });
    if op.failed_outcome(data).is_some() || terminal_failed {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}

/// Every documented member is present in `members`, `null` exactly when its `nullWhen` holds.
fn check_members(
    at: &str,
    fields: &[FieldDesc],
    members: &Map<String, Value>,
    outcome: Outcome,
    params: &[(&'static str, String)],
) {
    for f in fields {
        let here = format!("{at}/{}", f.name);
        let value = members
            .get(f.name)
            .unwrap_or_else(|| panic!("{here} is missing from {members:?}"));
        let null = f
            .null_when
            .is_some_and(|n| n.holds(outcome, params.iter().map(|(k, v)| (*k, v.as_str()))));
        assert_eq!(
            value.is_null(),
            null,
            "{here} is {value}; its nullWhen {:?} (outcome {outcome:?})",
            f.null_when
        );
        check_nested(&here, &f.kind, value, outcome, params);
    }
}

fn check_nested(
    at: &str,
    kind: &FieldKind,
    value: &Value,
    outcome: Outcome,
    params: &[(&'static str, String)],
) {
    match (kind, value) {
        (FieldKind::Object { fields }, Value::Object(m)) => {
            check_members(at, fields, m, outcome, params)
        }
        (FieldKind::Array { items }, Value::Array(list)) => {
            assert!(!list.is_empty(), "{at}: an example list has an item");
            for (i, item) in list.iter().enumerate() {
                check_nested(&format!("{at}/{i}"), items, item, outcome, params);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_example_request_succeeds_with_every_documented_member() {
    let server = server().await;
    let c = client(&server);
    for op in OPERATIONS {
        let params = example(op);
        let (status, body) = send(&c, op, &params).await;
        assert_eq!(status, 200, "{}: {body}", op.action);
        let data = &body["Data"];
        assert_eq!(outcome(op, data), Outcome::Success, "{}: {data}", op.action);
        let members = data.as_object().expect("Data is an object");
        check_members(op.action, op.fields, members, Outcome::Success, &params);
    }
}

#[tokio::test]
async fn every_kind_of_object_and_every_failed_outcome_keeps_every_documented_member() {
    let server = server().await;
    let c = client(&server);
    let mut checked = 0;
    for op in OPERATIONS {
        let base = example(op);
        let mut variants: Vec<Vec<(&'static str, String)>> = Vec::new();
        if let Some(kind) = op.param_with(Role::ObjectKind)
            && let ParamKind::Enum { accepts, .. } = kind.kind
        {
            variants.extend(accepts.iter().map(|v| with(&base, kind.name, v)));
        }
        // A task or process that does not exist: a failed outcome where Data reports it.
        for role in [Role::Task, Role::Process] {
            if let Some(p) = op.param_with(role) {
                variants.push(with(&base, p.name, "987654"));
            }
        }
        for params in variants {
            let (status, body) = send(&c, op, &params).await;
            if status != 200 {
                // Where Data reports no outcome, a missing object is an error answer: it must
                // be the operation's documented 400.
                let code = op.error_for_status(400).map(|e| e.code);
                assert_eq!((status, body["Code"].as_str()), (400, code), "{body}");
                continue;
            }
            let data = &body["Data"];
            let outcome = outcome(op, data);
            let members = data.as_object().expect("Data is an object");
            check_members(op.action, op.fields, members, outcome, &params);
            checked += 1;
        }
    }
    assert!(checked > OPERATIONS.len(), "{checked} answers checked");
}

#[tokio::test]
async fn every_parameter_refuses_a_wrongly_typed_value_with_the_documented_code() {
    let server = server().await;
    let c = client(&server);
    let mut refused = 0;
    for op in OPERATIONS {
        let base = example(op);
        let (status, body) = send(&c, op, &base).await;
        assert_eq!(
            status, 200,
            "{}: the example request is valid: {body}",
            op.action
        );
        let code = op
            .error_for_status(400)
            .map(|e| e.code)
            .expect("a documented 400 code");
        for p in op.params {
            let valid = base
                .iter()
                .find(|(k, _)| *k == p.name)
                .map(|(_, v)| v.as_str());
            for wrong in dwdi_test_support::wrong_values(&p.kind, valid) {
                let params = if valid.is_some() {
                    with(&base, p.name, &wrong)
                } else {
                    let mut v = base.clone();
                    v.push((p.name, wrong.clone()));
                    v
                };
                let (status, body) = send(&c, op, &params).await;
                let message = body["Message"].as_str().unwrap_or_default();
                assert_eq!(
                    (status, body["Code"].as_str()),
                    (400, Some(code)),
                    "{} {}={wrong:?}: {body}",
                    op.action,
                    p.name
                );
                assert!(
                    message.contains(p.name),
                    "{} {}={wrong:?}: the message names the parameter: {message}",
                    op.action,
                    p.name
                );
                refused += 1;
            }
        }
    }
    assert!(refused > 0);
}
