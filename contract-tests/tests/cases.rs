//! Runs every contract case of every operation — derived from the spec (the page-example
//! request, the sample, each documented error, the failed outcome, the gateway classes) and
//! written in it — through the generated client, and snapshots what it does with it: the full
//! signed request, the typed value decoded from each answer, the typed error for each code.
//! A new operation, parameter example, error code or sample in the spec is a new or changed
//! test here, with no Rust to write.
//!
//! A case that exercises an erratum says so in its snapshot's description, with the decision
//! the spec took.

use dwdi_codegen::cases::{self, RequestCase, ResponseCase};
use dwdi_codegen::model::Spec;
use dwdi_contract_tests::harness::{
    decode_case, example_params, render_request, request_mismatches, response_mismatches, sign_case,
};
use dwdi_contract_tests::{dispatch, spec};

fn snapshot_name(kind: &str, action: &str, id: &str) -> String {
    format!("{kind}__{action}__{id}")
}

/// The case's description, then each erratum it exercises with the decision taken.
fn description(spec: &Spec, text: &str, errata: &[String]) -> String {
    let mut out = text.to_owned();
    for id in errata {
        if let Some(e) = spec.errata.iter().find(|e| &e.id == id) {
            out.push_str(&format!("\nErratum {id} ({}): {}", e.kind, e.decision));
        }
    }
    out
}

#[test]
fn every_request_case_signs_as_the_spec_says() {
    let spec = &spec::loaded().spec;
    let mut failures = Vec::new();
    let mut ran = 0;
    for (action, op) in &spec.operations {
        for case in &cases::all(spec, action, op).request {
            ran += 1;
            let signed = match sign_case(action, case) {
                Ok(signed) => signed,
                Err(e) => {
                    failures.push(format!("{action} request case {}: {e}", case.id));
                    continue;
                }
            };
            for m in request_mismatches(spec, action, case, &signed) {
                failures.push(format!("{action} request case {}: {m}", case.id));
            }
            snapshot_request(spec, action, case, &render_request(&signed));
        }
    }
    assert!(
        ran >= spec.operations.len(),
        "every operation has a request case"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn snapshot_request(spec: &Spec, action: &str, case: &RequestCase, text: &str) {
    insta::with_settings!({
        description => description(spec, &case.description, &case.errata),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(snapshot_name("request", action, &case.id), text);
    });
}

#[tokio::test]
async fn every_response_case_decodes_through_the_client_as_declared() {
    let spec = &spec::loaded().spec;
    let mut failures = Vec::new();
    let mut ran = 0;
    for (action, op) in &spec.operations {
        let params = example_params(spec, action, op);
        for case in &cases::all(spec, action, op).response {
            ran += 1;
            let decoded = match decode_case(action, &params, case).await {
                Ok(decoded) => decoded,
                Err(e) => {
                    failures.push(format!("{action} response case {}: {e}", case.id));
                    continue;
                }
            };
            for m in response_mismatches(case, &decoded) {
                failures.push(format!("{action} response case {}: {m}", case.id));
            }
            snapshot_response(spec, action, case, &decoded);
        }
    }
    assert!(
        ran >= spec.operations.len(),
        "every operation has response cases"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn snapshot_response(spec: &Spec, action: &str, case: &ResponseCase, decoded: &serde_json::Value) {
    let mut shown = decoded.clone();
    let debug = shown
        .as_object_mut()
        .and_then(|o| o.remove("debug"))
        .and_then(|d| d.as_str().map(str::to_owned));
    let mut text = serde_json::to_string_pretty(&shown).expect("JSON renders");
    if let Some(debug) = debug {
        text.push_str("\n\nAs the generated type:\n");
        text.push_str(&debug);
    }
    insta::with_settings!({
        description => description(spec, &case.description, &case.errata),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(snapshot_name("response", action, &case.id), text);
    });
}

/// Where `Data.Status` reports the call's outcome, a failure in a successful answer is the
/// typed error's `Failed` variant with `Data`'s message, through `send()`: derived for every
/// such operation, so that none is left out.
#[tokio::test]
async fn a_failed_outcome_is_an_error_for_every_operation_that_reports_one() {
    let spec = &spec::loaded().spec;
    let mut checked = Vec::new();
    for (action, op) in &spec.operations {
        let Some(outcome) = &op.response.outcome else {
            continue;
        };
        let derived = cases::derived(spec, action, op);
        let case = derived
            .response
            .iter()
            .find(|c| c.id == cases::DATA_STATUS_FAIL)
            .unwrap_or_else(|| panic!("{action}: no derived failed-outcome case"));
        let decoded = decode_case(action, &example_params(spec, action, op), case)
            .await
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        assert_eq!(
            decoded["variant"],
            dwdi_codegen::naming::FAILED_VARIANT,
            "{action}: {decoded}"
        );
        assert_eq!(decoded["outcome"], outcome.failure.as_str(), "{action}");
        assert_eq!(
            decoded["message"], case.body["Data"][&outcome.message],
            "{action}: the error carries Data.{}",
            outcome.message
        );
        checked.push(action.as_str());
    }
    let reporting = spec
        .operations
        .values()
        .filter(|op| op.response.data_status == dwdi_codegen::model::DataStatus::Outcome)
        .count();
    assert_eq!(checked.len(), reporting, "{checked:?}");
}

/// The generated client's dynamic entries cover exactly the spec's operations (a stale
/// generated client shows here, by name).
#[test]
fn the_typed_dispatch_covers_every_operation() {
    let spec = &spec::loaded().spec;
    for action in spec.operations.keys() {
        assert!(
            dataworks_di::meta::operation(action).is_some(),
            "{action} is in the spec but not in the generated client: run `cargo run -p dwdi-codegen`"
        );
        assert!(
            dispatch::decode_data(action, &serde_json::json!({})).is_some(),
            "{action} has no typed dispatch arm"
        );
    }
    assert_eq!(dataworks_di::meta::OPERATIONS.len(), spec.operations.len());
}
