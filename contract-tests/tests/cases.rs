//! Runs every contract case the spec declares, for every operation, and snapshots what dwdi
//! does with it: the full signed request, the typed value decoded from each answer, the typed
//! error for each documented code. A new case or operation in the spec is a new test here.
//!
//! A case that exercises an erratum says so in its snapshot's name (`__errata-QRY-4-QRY-5`)
//! and description, with the decision the spec took.

use dwdi_codegen::cases::{RequestCase, ResponseCase};
use dwdi_codegen::model::Spec;
use dwdi_contract_tests::harness::{
    decode_case, render_request, request_mismatches, response_mismatches, sign_case,
};
use dwdi_contract_tests::{dispatch, spec};

fn snapshot_name(kind: &str, action: &str, id: &str, errata: &[String]) -> String {
    if errata.is_empty() {
        format!("{kind}__{action}__{id}")
    } else {
        format!("{kind}__{action}__{id}__errata-{}", errata.join("-"))
    }
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
fn every_request_case_signs_exactly_as_declared() {
    let spec = &spec::loaded().spec;
    let mut failures = Vec::new();
    let mut ran = 0;
    for (action, op) in &spec.operations {
        for case in &op.cases.request {
            ran += 1;
            let signed = match sign_case(action, case) {
                Ok(signed) => signed,
                Err(e) => {
                    failures.push(format!("{action} request case {}: {e}", case.id));
                    continue;
                }
            };
            for m in request_mismatches(case, &signed) {
                failures.push(format!("{action} request case {}: {m}", case.id));
            }
            snapshot_request(spec, action, case, &render_request(&signed));
        }
    }
    assert!(ran > 0, "the spec declares no request case");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn snapshot_request(spec: &Spec, action: &str, case: &RequestCase, text: &str) {
    insta::with_settings!({
        description => description(spec, &case.description, &case.errata),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(snapshot_name("request", action, &case.id, &case.errata), text);
    });
}

#[tokio::test]
async fn every_response_case_decodes_as_declared() {
    let spec = &spec::loaded().spec;
    let mut failures = Vec::new();
    let mut ran = 0;
    for (action, op) in &spec.operations {
        for case in &op.cases.response {
            ran += 1;
            let decoded = match decode_case(action, op.response.outcome.as_ref(), case).await {
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
    assert!(ran > 0, "the spec declares no response case");
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
        insta::assert_snapshot!(snapshot_name("response", action, &case.id, &case.errata), text);
    });
}

/// Every operation is seeded: a request case from the page's examples, a response case for
/// its sample, and one for each documented error code.
#[test]
fn every_operation_has_its_seed_cases() {
    let spec = &spec::loaded().spec;
    let mut missing = Vec::new();
    for (action, op) in &spec.operations {
        if op.cases.request.is_empty() {
            missing.push(format!(
                "{action}: no request case; expected one built from the page's examples"
            ));
        }
        if !op.cases.response.iter().any(|c| c.body == op.sample.body) {
            missing.push(format!(
                "{action}: no response case whose body is the page's sample"
            ));
        }
        for error in &op.errors {
            let covered = op.cases.response.iter().any(|c| {
                matches!(&c.expect, dwdi_codegen::cases::ExpectedResponse::Error(e)
                    if e.code.as_deref() == Some(error.code.as_str()))
            });
            if !covered {
                missing.push(format!(
                    "{action}: no response case for the documented error {}",
                    error.code
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The build script's typed dispatch and the generated client cover exactly the spec's
/// operations (a stale generated client or a missing arm shows here, by name).
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
