//! The generated client's dynamic entries (`dataworks_di::meta::dispatch`), for every operation
//! of the spec: an action name and text parameters go through the typed builder and `send()`,
//! and a value of the wrong type for any parameter is refused before anything is sent. Nothing
//! here names an operation, a parameter or a value: they come from the spec and its tables.

use dataworks_di::Client;
use dataworks_di::meta;
use dwdi_codegen::naming::INVALID_VARIANT;
use dwdi_contract_tests::harness::example_params;
use dwdi_contract_tests::spec;
use dwdi_runtime::describe::ParamKind;
use dwdi_runtime::{Credentials, RetryPolicy};
use dwdi_test_support::{Received, Reply, TestServer};

fn client(server: &TestServer) -> Client {
    let runtime = Client::runtime_builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new("test-id", "test-secret"))
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .build()
        .expect("runtime");
    Client::new(runtime)
}

/// The parameters a request carried, decoded by the shared verifier: the query's, then a
/// form body's.
fn sent(received: &Received) -> Vec<(String, String)> {
    let (_, query) = dwdi_wire_verify::split_target(&received.target);
    let mut sent = dwdi_wire_verify::form::decode(query, "query").expect("the query decodes");
    if !received.body.is_empty() {
        sent.extend(
            dwdi_wire_verify::form::decode(&received.body, "body").expect("the body decodes"),
        );
    }
    sent
}

/// A text that is not a value of `kind`; `None` where every text is one.
fn wrong_value(kind: &ParamKind) -> Option<&'static str> {
    match kind {
        ParamKind::Int64 { .. } => Some("not-a-number"),
        ParamKind::Boolean => Some("maybe"),
        ParamKind::Enum { .. } => Some("NOT_A_DOCUMENTED_VALUE"),
        ParamKind::JsonString { .. } => Some("{\"unterminated\":"),
        ParamKind::String => None,
    }
}

#[tokio::test]
async fn every_operation_is_sent_by_name_through_its_typed_builder() {
    let spec = &spec::loaded().spec;
    let mut ran = 0;
    for (action, op) in &spec.operations {
        let params = example_params(spec, action, op);
        let sample = op.sample.body.to_string();
        let server = TestServer::start(vec![Reply::json(200, &sample)]).await;
        let entry = meta::dispatch(action).expect("every operation has a dynamic entry");
        let out = (entry.send)(&client(&server), &params)
            .await
            .unwrap_or_else(|e| panic!("{action}: {e:?}"));
        let expected = (entry.decode_data)(&op.sample.body["Data"])
            .unwrap_or_else(|e| panic!("{action}: the sample decodes: {e}"));
        assert_eq!(out.data, expected, "{action}");
        let received = server.received();
        assert_eq!(received.len(), 1, "{action}");
        assert_eq!(received[0].header("x-acs-action"), Some(action.as_str()));
        let mut sent = sent(&received[0]);
        let mut given = params.clone();
        sent.sort();
        given.sort();
        assert_eq!(
            sent, given,
            "{action}: exactly the parameters given are sent"
        );
        ran += 1;
    }
    assert_eq!(
        ran,
        spec.operations.len(),
        "every operation has a request case"
    );
}

#[tokio::test]
async fn a_wrongly_typed_value_for_any_parameter_is_refused_before_sending() {
    let spec = &spec::loaded().spec;
    let mut refused = 0;
    for (action, op) in &spec.operations {
        let example = example_params(spec, action, op);
        let entry = meta::dispatch(action).expect("every operation has a dynamic entry");
        for param in entry.desc.params {
            let Some(wrong) = wrong_value(&param.kind) else {
                continue;
            };
            let mut params: Vec<(String, String)> = example
                .iter()
                .filter(|(name, _)| name != param.name)
                .cloned()
                .collect();
            params.push((param.name.to_owned(), wrong.to_owned()));
            let server = TestServer::start(vec![]).await;
            let err = (entry.send)(&client(&server), &params)
                .await
                .expect_err("a wrongly typed value is refused");
            assert_eq!(
                err.variant, INVALID_VARIANT,
                "{action} {}: {err:?}",
                param.name
            );
            let invalid = err.invalid.expect("the validation error");
            assert_eq!(invalid.parameter, param.name);
            assert!(
                err.message.contains(&param.kind.expected()),
                "{action} {}: the message says what was expected: {}",
                param.name,
                err.message
            );
            assert!(server.received().is_empty(), "{action}: nothing is sent");
            refused += 1;
        }
    }
    assert!(refused > 0, "the spec has typed parameters");
}

#[test]
fn every_gateway_code_of_the_spec_is_a_variant_with_its_status_and_class() {
    use dataworks_di::error::GatewayCode;
    let spec = &spec::loaded().spec;
    assert_eq!(GatewayCode::ALL.len(), spec.gateway_errors.len());
    assert_eq!(meta::GATEWAY_ERRORS.len(), spec.gateway_errors.len());
    for (code, row) in GatewayCode::ALL.iter().zip(meta::GATEWAY_ERRORS) {
        assert_eq!(code.as_str(), row.code);
        assert_eq!(GatewayCode::from_code(row.code), Some(*code));
        assert_eq!((code.status(), code.class()), (row.status, row.class));
        let stated = spec
            .gateway_errors
            .iter()
            .find(|g| g.code == row.code)
            .expect("the table's code is the spec's");
        assert_eq!(stated.status, row.status, "{}", row.code);
    }
    assert_eq!(GatewayCode::from_code("Nobody.Documents.This"), None);
}

/// Sends `params` by name against a server that must receive nothing, and gives the typed
/// error's validation error.
async fn refused(
    action: &str,
    params: &[(String, String)],
) -> dwdi_runtime::describe::ValidationError {
    let entry = meta::dispatch(action).expect("every operation has a dynamic entry");
    let server = TestServer::start(vec![]).await;
    let err = (entry.send)(&client(&server), params)
        .await
        .expect_err("refused before sending");
    assert!(server.received().is_empty(), "{action}: nothing is sent");
    assert_eq!(err.variant, INVALID_VARIANT, "{action}: {err:?}");
    err.invalid.expect("the validation error")
}

/// Each operation's example parameters with `name` set to `value` (`None`: left out).
fn with(example: &[(String, String)], name: &str, value: Option<&str>) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> =
        example.iter().filter(|(n, _)| n != name).cloned().collect();
    if let Some(value) = value {
        params.push((name.to_owned(), value.to_owned()));
    }
    params
}

/// What the builders refuse before sending, derived from each parameter's declaration: a
/// required parameter left out, an integer just outside its range, every value of the
/// enumeration the operation does not accept. Each error names the parameter and what it
/// accepts.
#[tokio::test]
async fn the_builders_refuse_what_the_spec_says_is_invalid_before_sending() {
    use dwdi_runtime::describe::Problem;
    let spec = &spec::loaded().spec;
    let mut refusals = 0;
    for (action, op) in &spec.operations {
        let example = example_params(spec, action, op);
        let entry = meta::dispatch(action).expect("every operation has a dynamic entry");
        for param in entry.desc.params {
            let expected = param.kind.expected();
            let mut bad: Vec<Option<String>> = Vec::new();
            if param.required {
                bad.push(None);
            }
            match param.kind {
                ParamKind::Int64 { min, max } => {
                    bad.extend(min.checked_sub(1).map(|v| Some(v.to_string())));
                    bad.extend(max.checked_add(1).map(|v| Some(v.to_string())));
                }
                ParamKind::Enum { accepts, .. } => {
                    let p = &op.parameters[param.name];
                    let all = p
                        .enum_name
                        .as_deref()
                        .and_then(|n| spec.enums.get(n))
                        .map(|d| d.values.keys().cloned().collect::<Vec<_>>())
                        .unwrap_or_default();
                    bad.extend(
                        all.into_iter()
                            .filter(|v| !accepts.contains(&v.as_str()))
                            .map(Some),
                    );
                }
                _ => {}
            }
            for value in bad {
                let params = with(&example, param.name, value.as_deref());
                let e = refused(action, &params).await;
                assert_eq!(e.parameter, param.name, "{action}: {e}");
                match (&value, &e.problem) {
                    (None, Problem::Missing { .. }) => {}
                    (Some(_), Problem::Invalid { .. }) => {
                        assert!(
                            e.to_string().ends_with(&format!("expected {expected}"))
                                || e.to_string().contains(&format!("expected {expected}")),
                            "{action}: {e}"
                        );
                    }
                    (value, problem) => panic!("{action} {} = {value:?}: {problem:?}", param.name),
                }
                refusals += 1;
            }
        }
    }
    assert!(refusals > 0, "the spec declares what is invalid");
}

/// Where `Data.Status` reports a state (not the call's outcome), every value of every
/// enumerated member — a failure state included — is an answer, not an error.
#[tokio::test]
async fn a_state_is_a_value_not_an_error() {
    use dwdi_codegen::model::{DataStatus, ValueType};
    use dwdi_contract_tests::strategies::field_values;
    let spec = &spec::loaded().spec;
    let mut answered = 0;
    for (action, op) in &spec.operations {
        if op.response.data_status != DataStatus::State {
            continue;
        }
        let params = example_params(spec, action, op);
        let entry = meta::dispatch(action).expect("every operation has a dynamic entry");
        for (name, field) in op.response.data.fields.iter().flatten() {
            if field.ty != ValueType::Enum {
                continue;
            }
            for value in field_values(spec, field) {
                let mut body = op.sample.body.clone();
                body["Data"][name] = serde_json::Value::String(value.clone());
                let server = TestServer::start(vec![Reply::json(200, &body.to_string())]).await;
                let out = (entry.send)(&client(&server), &params)
                    .await
                    .unwrap_or_else(|e| panic!("{action}: {name} = {value} is an error: {e}"));
                assert_eq!(out.data.json[name], value.as_str(), "{action}");
                answered += 1;
            }
        }
    }
    assert!(answered > 0, "the spec has operations that report a state");
}
