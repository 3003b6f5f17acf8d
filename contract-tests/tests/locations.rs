//! Where parameters travel, for every operation, through the generated client: a parameter the
//! spec puts in the form body goes there (signed: V3 over the body's hash, V2 with the query),
//! whatever its size; one the spec puts in the query and that would make the URL too long is
//! refused before anything is sent, naming the operation, the parameter, its size and the
//! limit. Nothing here names an operation or a parameter: they come from the generated tables
//! and the spec's examples.

use dataworks_di::{Client, meta};
use dwdi_contract_tests::harness::wire_text;
use dwdi_contract_tests::spec;
use dwdi_runtime::describe::{ParamKind, ParamLocation};
use dwdi_runtime::{Credentials, MAX_URL_LEN, RetryPolicy, SignatureVersion};
use dwdi_test_support::{Reply, TestServer, form_decode, verify_received};

const SECRET: &str = "test-secret";

fn client(server: &TestServer, version: SignatureVersion) -> Client {
    let runtime = Client::runtime_builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new("test-id", SECRET))
        .signature_version(version)
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .build()
        .expect("runtime");
    Client::new(runtime)
}

/// `pairs` (a query or a form body) decoded.
fn decode(pairs: &str) -> Vec<(String, String)> {
    pairs
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// (action, parameter, where it travels, the call's parameters).
type BigCall = (String, &'static str, ParamLocation, Vec<(String, String)>);

/// Every JSON parameter with an example, in every operation: (action, parameter, the example
/// call with that parameter's document grown past what a URL can carry).
fn big_documents() -> Vec<BigCall> {
    let spec = &spec::loaded().spec;
    let mut out = Vec::new();
    for (action, op) in &spec.operations {
        let desc = meta::operation(action).expect("generated");
        for param in desc.params {
            let ParamKind::JsonString { .. } = param.kind else {
                continue;
            };
            let Some(example) = op.parameters[param.name]
                .example
                .as_ref()
                .and_then(|e| e.as_str())
            else {
                continue;
            };
            // An undocumented member keeps the document valid (a warning, not an error).
            let mut doc: serde_json::Value = serde_json::from_str(example).expect("JSON");
            doc["dwdiPadding"] = "x y/z".repeat(MAX_URL_LEN / 4).into();
            let call = op
                .parameters
                .iter()
                .filter_map(|(name, p)| {
                    let value = if name == param.name {
                        doc.to_string()
                    } else {
                        wire_text(p.example.as_ref()?)
                    };
                    Some((name.clone(), value))
                })
                .collect();
            out.push((action.clone(), param.name, param.location, call));
        }
    }
    out
}

#[tokio::test]
async fn a_body_parameter_of_any_size_is_sent_signed_in_the_body() {
    let spec = &spec::loaded().spec;
    let mut sent = 0;
    for (action, name, location, call) in big_documents() {
        if location != ParamLocation::Body {
            continue;
        }
        for version in [SignatureVersion::V3, SignatureVersion::V2] {
            let sample = spec.operations[&action].sample.body.to_string();
            let server = TestServer::start(vec![Reply::json(200, &sample)]).await;
            let entry = meta::dispatch(&action).expect("dynamic entry");
            (entry.send)(&client(&server, version), &call)
                .await
                .unwrap_or_else(|e| panic!("{action} {version:?}: {e:?}"));
            let received = server.received();
            assert_eq!(received.len(), 1, "{action}");
            let r = &received[0];
            assert_eq!(
                r.header("content-type"),
                Some("application/x-www-form-urlencoded"),
                "{action}"
            );
            let body = decode(&r.body);
            let query = decode(r.target.split_once('?').map_or("", |(_, q)| q));
            let value = &call.iter().find(|(n, _)| n == name).expect("given").1;
            assert_eq!(body, vec![(name.to_owned(), value.clone())], "{action}");
            assert!(query.iter().all(|(n, _)| n != name), "{action}");
            verify_received(r, SECRET).unwrap_or_else(|e| panic!("{action} {version:?}: {e}"));
            // The signature covers the body: one changed byte and it no longer verifies.
            let mut changed = r.clone();
            changed.body = changed.body.replacen("x", "w", 1);
            assert!(
                verify_received(&changed, SECRET).is_err(),
                "{action} {version:?}: a changed body still verifies"
            );
            sent += 1;
        }
    }
    assert!(sent > 0, "the spec puts some parameter in the body");
}

#[tokio::test]
async fn a_query_parameter_too_long_for_a_url_is_refused_before_sending() {
    let mut refused = 0;
    for (action, name, location, call) in big_documents() {
        if location != ParamLocation::Query {
            continue;
        }
        let server = TestServer::start(vec![]).await;
        let entry = meta::dispatch(&action).expect("dynamic entry");
        let error = (entry.send)(&client(&server, SignatureVersion::V3), &call)
            .await
            .expect_err("refused");
        let message = error.message.clone();
        let size = call
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.len())
            .expect("given");
        for needle in [name, &size.to_string(), &MAX_URL_LEN.to_string()] {
            assert!(
                message.contains(needle),
                "{action}: {needle:?} is not in {message}"
            );
        }
        assert!(message.len() < 2000, "{action}: the value is not echoed");
        assert!(server.received().is_empty(), "{action}: nothing is sent");
        refused += 1;
    }
    assert!(
        refused > 0,
        "the spec puts some JSON parameter in the query"
    );
}
