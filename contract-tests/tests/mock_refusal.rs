//! The local DataWorks refuses what the generated tables say is wrongly typed, as the service
//! does: for every parameter of every operation that has a type text can violate (an integer,
//! a boolean, an enum, a JSON document), a request carrying the operation's example values and
//! one wrongly typed value — signed, but never checked by a client — gets the operation's
//! parameter error code (its first documented 400 code). Nothing here names an operation, a
//! parameter or a code: they come from the generated tables.
//!
//! Each refusal is printed (`--nocapture`) as `refused <Action> <Param>=<value>: <code>`, which
//! the rehearsal (`rehearsal/run`) reads to check the parameters it adds.

use dataworks_di::meta;
use dwdi_contract_tests::harness::example_params;
use dwdi_contract_tests::spec;
use dwdi_mock::{MockConfig, MockServer};
use dwdi_runtime::describe::ParamKind;
use dwdi_runtime::{Credentials, Error, RetryPolicy, RpcRequest, Runtime};

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
async fn the_mock_refuses_a_wrongly_typed_value_for_every_parameter_with_the_parameter_error_code()
{
    let config = MockConfig::default();
    let (id, secret) = (
        config.access_key_id.clone(),
        config.access_key_secret.clone(),
    );
    let server = MockServer::start(config).await.expect("the mock starts");
    // A raw runtime: the generated client would refuse these values before sending.
    let runtime = Runtime::builder()
        .endpoint(server.url())
        .credentials(Credentials::new(id, secret))
        .error_classes(meta::GATEWAY_ERRORS)
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime");
    let spec = &spec::loaded().spec;
    let mut failures = Vec::new();
    let mut refused = 0;
    for (action, op) in &spec.operations {
        let entry = meta::dispatch(action).expect("every operation has a dynamic entry");
        let Some(expected) = entry.desc.errors.iter().find(|e| e.status == 400) else {
            failures.push(format!("{action}: documents no 400 code to refuse with"));
            continue;
        };
        let example = example_params(spec, action, op);
        for param in entry.desc.params {
            let Some(wrong) = wrong_value(&param.kind) else {
                continue;
            };
            let mut request = RpcRequest::new(entry.desc.action, meta::API_VERSION);
            for (name, value) in example.iter().filter(|(n, _)| n != param.name) {
                request = request.param(name.clone(), value.clone());
            }
            request = request.param(param.name, wrong);
            match runtime.call(request).await {
                Err(Error::Service(e)) if e.code.as_deref() == Some(expected.code) => {
                    assert_eq!(e.status, expected.status, "{action} {}", param.name);
                    println!("refused {action} {}={wrong}: {}", param.name, expected.code);
                    refused += 1;
                }
                Err(e) => failures.push(format!(
                    "{action} {}={wrong}: expected {} (HTTP {}), got {e}",
                    param.name, expected.code, expected.status
                )),
                Ok(_) => failures.push(format!("{action} {}={wrong} was accepted", param.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(refused > 0, "the spec has typed parameters");
}
