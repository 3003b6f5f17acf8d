//! Properties of decoding: arbitrary answers that conform to the spec decode into the
//! generated types, ignoring unknown members, keeping unknown enum values through a
//! decode/encode round trip; the documented error envelope decodes with its keys in either
//! case and converts to the operation's typed error.

use dwdi_codegen::naming::NamePlan;
use dwdi_contract_tests::strategies::{self, known_part, text};
use dwdi_contract_tests::{dispatch, spec};
use dwdi_runtime::envelope::decode_error;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Map, Value};

/// A documented error code of the operation, a gateway code, or one nobody documents.
fn error_call() -> BoxedStrategy<(String, String)> {
    let spec = &spec::loaded().spec;
    let gateway: Vec<String> = spec.gateway_errors.iter().map(|e| e.code.clone()).collect();
    proptest::strategy::Union::new(spec.operations.iter().map(|(action, op)| {
        let action = action.clone();
        let mut codes: Vec<String> = op.errors.iter().map(|e| e.code.clone()).collect();
        codes.extend(gateway.clone());
        prop_oneof![3 => select(codes), 1 => "[A-Z][a-z]{1,8}\\.[A-Z][a-z]{1,8}"]
            .prop_map(move |code| (action.clone(), code))
            .boxed()
    }))
    .boxed()
}

/// `Code` or `code`, and so on, chosen per key.
fn key(pascal: &'static str) -> BoxedStrategy<String> {
    let mut camel = pascal.to_owned();
    camel[..1].make_ascii_lowercase();
    select(vec![pascal.to_owned(), camel]).boxed()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/responses.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn conforming_answers_decode_and_round_trip(
        (action, data) in strategies::response_data(&spec::loaded().spec),
    ) {
        let (typed, _) = dispatch::decode_data(&action, &data)
            .ok_or_else(|| TestCaseError::fail(format!("{action}: no typed dispatch")))?
            .map_err(|e| TestCaseError::fail(format!("{action}: {e} in {data}")))?;
        prop_assert_eq!(typed, known_part(&data));
    }
}

/// The runtime reads an empty text member as absent.
fn present(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/errors.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn error_envelopes_decode_in_either_key_case(
        (action, code) in error_call(),
        status in 400u16..=599,
        keys in (key("Code"), key("Message"), key("RequestId"), key("HostId"), key("Recommend")),
        (message, request_id, host_id, recommend) in (text(), "[0-9A-F-]{8,36}", text(), text()),
    ) {
        let mut body = Map::new();
        body.insert(keys.0, Value::String(code.clone()));
        body.insert(keys.1, Value::String(message.clone()));
        body.insert(keys.2, Value::String(request_id.clone()));
        body.insert(keys.3, Value::String(host_id.clone()));
        body.insert(keys.4, Value::String(recommend.clone()));
        let text = Value::Object(body).to_string();
        let e = decode_error(&action, status, None, text.as_bytes(), dataworks_di::meta::GATEWAY_ERRORS);
        prop_assert_eq!(e.status, status);
        prop_assert_eq!(e.code.as_deref(), Some(code.as_str()));
        prop_assert_eq!(e.message.as_deref(), present(&message));
        prop_assert_eq!(e.request_id.as_deref(), present(&request_id));
        prop_assert_eq!(e.host_id.as_deref(), present(&host_id));
        prop_assert_eq!(e.recommend.as_deref(), present(&recommend));
        // The engine's naming plan says which variant the code converts to: the operation's
        // own for a code it documents, `Gateway` for a gateway code, else `Unknown`.
        let plan = NamePlan::of(&spec::loaded().spec);
        let expected = plan.error_variant(&action, Some(&code)).map(str::to_owned);
        let (variant, display) = dispatch::typed_error(&action, dwdi_runtime::Error::Service(Box::new(e)))
            .ok_or_else(|| TestCaseError::fail(format!("{action}: no typed dispatch")))?;
        prop_assert_eq!(Some(variant), expected);
        prop_assert!(display.contains(&code), "{}", display);
    }
}
