//! The generated client's dynamic entries (`dataworks_di::meta::dispatch`), for every operation
//! of the spec: an action name and text parameters go through the typed builder and `send()`,
//! and a value of the wrong type for any parameter is refused before anything is sent. Nothing
//! here names an operation, a parameter or a value: they come from the spec and its tables.

use dataworks_di::Client;
use dataworks_di::meta;
use dwdi_codegen::naming::INVALID_VARIANT;
use dwdi_contract_tests::harness::wire_params;
use dwdi_contract_tests::spec;
use dwdi_runtime::describe::ParamKind;
use dwdi_runtime::{Credentials, RetryPolicy};
use dwdi_test_support::{Reply, TestServer, form_decode};

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

/// The query parameters a request carried, decoded.
fn query(target: &str) -> Vec<(String, String)> {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
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
        let Some(case) = op.cases.request.first() else {
            continue;
        };
        let params = wire_params(case);
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
        let mut sent = query(&received[0].target);
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
        let Some(case) = op.cases.request.first() else {
            continue;
        };
        let entry = meta::dispatch(action).expect("every operation has a dynamic entry");
        for param in entry.desc.params {
            let Some(wrong) = wrong_value(&param.kind) else {
                continue;
            };
            let mut params: Vec<(String, String)> = wire_params(case)
                .into_iter()
                .filter(|(name, _)| name != param.name)
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
