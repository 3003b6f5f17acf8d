//! Property: for arbitrary valid inputs of every operation (generated from the spec), the
//! signed request carries exactly those parameters (read back by an independent decoder), in
//! a canonical query (or, where the spec says, the form body), with a signature an independent
//! V3 verifier accepts; tricky text (spaces, `*`, `~`, `/`, `+`, `=`, `&`, `%`, non-ASCII)
//! survives.

use dataworks_di::Client;
use dwdi_contract_tests::harness::{as_received, encoded_text_of, sent_params, sign_any_json};
use dwdi_contract_tests::{spec, strategies};
use dwdi_runtime::{AcsDate, Credentials};
use dwdi_test_support::verify_v3;
use dwdi_wire_verify::query::check_canonical;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const SECRET: &str = "test-access-key-secret";

/// A client that only signs, for the spec's first region.
fn client() -> Client {
    let region = spec::loaded()
        .spec
        .endpoints
        .regions
        .keys()
        .next()
        .expect("a region");
    let runtime = Client::runtime_builder()
        .region(region.clone())
        .credentials(Credentials::new("test-access-key-id", SECRET))
        .build()
        .expect("a runtime with a region and credentials");
    Client::new(runtime)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/requests.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_inputs_encode_canonically_decode_back_and_verify(
        (action, params) in strategies::valid_call(&spec::loaded().spec),
        secs in 946_684_800u64..4_102_444_800,
        nonce in "[0-9a-f]{32}",
    ) {
        let date = AcsDate::from_unix(secs);
        let signed = sign_any_json(&client(), &action, &params, date.as_str(), &nonce)
            .map_err(|e| TestCaseError::fail(format!("a valid call was refused: {e}")))?;
        let query = signed.query();
        check_canonical(query).map_err(|e| TestCaseError::fail(format!("query {query:?}: {e}")))?;
        // Every parameter arrives, in the query or (where the spec says) the form body.
        let mut sent = sent_params(&signed).map_err(TestCaseError::fail)?;
        let mut given = params.clone();
        sent.sort();
        given.sort();
        prop_assert_eq!(sent, given, "query {}", query);
        prop_assert_eq!(signed.header("x-acs-action"), Some(action.as_str()));
        prop_assert_eq!(signed.header("x-acs-date"), Some(date.as_str()));
        prop_assert_eq!(signed.header("x-acs-signature-nonce"), Some(nonce.as_str()));
        verify_v3(&as_received(&signed), SECRET).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn tricky_text_survives_encoding_exactly() {
    let spec = &spec::loaded().spec;
    let tricky = "a b*c~d/e+f=g&h%i 中文 é 🙂";
    let client = client();
    let mut tested = 0;
    for (action, op) in &spec.operations {
        let Some((name, _)) = op.parameters.iter().find(|(_, p)| {
            matches!(
                p.ty,
                dwdi_codegen::model::ValueType::String | dwdi_codegen::model::ValueType::JsonString
            )
        }) else {
            continue;
        };
        let mut params: Vec<(String, String)> = op
            .parameters
            .iter()
            .filter(|(_, p)| p.required)
            .filter_map(|(n, p)| Some((n.clone(), example_text(p.example.as_ref()?))))
            .filter(|(n, _)| n != name)
            .collect();
        let value = if op.parameters[name].ty == dwdi_codegen::model::ValueType::JsonString {
            serde_json::json!({ "text": tricky }).to_string()
        } else {
            tricky.to_owned()
        };
        params.push((name.clone(), value.clone()));
        let signed = sign_any_json(
            &client,
            action,
            &params,
            "2024-01-02T03:04:05Z",
            "0123456789abcdef0123456789abcdef",
        )
        .unwrap_or_else(|e| panic!("{action}: {e}"));
        let sent = sent_params(&signed).expect("decodes");
        assert!(
            sent.contains(&(name.clone(), value.clone())),
            "{action}: {name} = {value:?} did not survive; sent {sent:?}"
        );
        let (encoded, in_body) = encoded_text_of(&signed, action, name);
        assert!(encoded.contains("%2A") && encoded.contains('~'), "{action}");
        assert!(
            encoded.contains("%2B") && !encoded.contains('*'),
            "{action}"
        );
        // The query is RFC 3986 (a space is %20); a form body is form-encoded as the pinned
        // SDK sends it (a space is `+`), and its hash is what is signed.
        let space = if in_body { "a+b" } else { "a%20b" };
        assert!(encoded.contains(space), "{action}: {encoded}");
        verify_v3(&as_received(&signed), SECRET).expect("verifies");
        tested += 1;
    }
    assert!(tested > 0, "no operation has a text parameter");
}

fn example_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
