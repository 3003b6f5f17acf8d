//! The contract cases derived from a spec's facts (`dwdi_codegen::cases::derived`), on the
//! minimal fixture: the page-example and required-only requests from the parameters'
//! examples, the sample, the failed outcome where `Data.Status` reports one, each documented
//! error, each gateway class, an undocumented code. And the check that keeps written cases to
//! what cannot be derived.

mod common;

use common::{OP, load_value, minimal, mutated, obj};
use dwdi_codegen::cases::{self, ExpectedResponse};
use serde_json::{Value, json};

fn derived(value: &Value) -> dwdi_codegen::cases::Cases {
    let loaded = load_value(value).unwrap_or_else(|e| panic!("the fixture loads:\n{e}"));
    let (action, op) = loaded.spec.operations.first().expect("an operation");
    cases::derived(&loaded.spec, action, op)
}

#[test]
fn every_fact_a_case_can_be_derived_from_gives_one() {
    let with_outcome = mutated(|v| {
        let response = obj(v, &format!("{OP}/response"));
        response.insert("dataStatus".into(), json!("outcome"));
        response.insert(
            "outcome".into(),
            json!({ "field": "Status", "failure": "FAILED", "message": "Message" }),
        );
    });
    insta::assert_json_snapshot!("derived_cases_of_the_minimal_fixture", derived(&minimal()));
    let with_outcome = derived(&with_outcome);
    let fail = with_outcome
        .response
        .iter()
        .find(|c| c.id == cases::DATA_STATUS_FAIL)
        .expect("a failed-outcome case where Data.Status reports the outcome");
    assert_eq!(fail.body["Data"]["Status"], "FAILED");
    let ExpectedResponse::Error(e) = &fail.expect else {
        panic!("a failed outcome is an error: {fail:?}");
    };
    assert_eq!(e.variant, dwdi_codegen::naming::FAILED_VARIANT);
    assert_eq!(e.code, None);
}

#[test]
fn derived_cases_follow_the_facts() {
    let ids = |c: &dwdi_codegen::cases::Cases| -> Vec<String> {
        c.request
            .iter()
            .map(|c| c.id.clone())
            .chain(c.response.iter().map(|c| c.id.clone()))
            .collect()
    };
    let before = ids(&derived(&minimal()));
    // A new error code is a new case; a removed example leaves only the required parameters.
    let after = derived(&mutated(|v| {
        let errors = common::at(v, &format!("{OP}/errors"));
        errors.as_array_mut().expect("errors").push(json!({
            "status": 404, "code": "Thing.NotFound", "message": "No such thing."
        }));
        obj(v, &format!("{OP}/parameters/Payload")).remove("example");
    }));
    assert!(!before.contains(&"error-Thing-NotFound".to_owned()));
    assert!(ids(&after).contains(&"error-Thing-NotFound".to_owned()));
    assert!(!ids(&after).contains(&cases::REQUIRED_ONLY.to_owned()));
    let example = &after.request[0];
    assert_eq!(
        example.params.keys().collect::<Vec<_>>(),
        ["ProjectId", "TaskType"]
    );
    let error = after
        .response
        .iter()
        .find(|c| c.id == "error-Thing-NotFound")
        .expect("derived");
    assert_eq!(error.status, 404);
    assert_eq!(error.body["Code"], "Thing.NotFound");
    assert_eq!(error.body["Message"], "No such thing.");
}

fn problems(value: &Value) -> String {
    match load_value(value) {
        Ok(_) => panic!("the spec should not load"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_written_case_that_repeats_a_derived_one_is_refused() {
    let value = mutated(|v| {
        let sample = v
            .pointer(&format!("{OP}/sample/body"))
            .cloned()
            .expect("a sample");
        obj(v, OP).insert(
            "cases".into(),
            json!({ "response": [
                {
                    "id": "sample",
                    "description": "The sample again.",
                    "status": 200,
                    "body": sample,
                    "expect": { "data": {} }
                },
                {
                    "id": "param-invalid-again",
                    "description": "A documented error again.",
                    "status": 400,
                    "body": { "Code": "Param.Invalid" },
                    "expect": { "error": {
                        "variant": "ParamInvalid", "status": 400, "code": "Param.Invalid",
                        "message": null, "requestId": null
                    } }
                }
            ] }),
        );
    });
    let text = problems(&value);
    for expected in [
        "/operations/GetThing/cases/response/0/id",
        "case id `sample` is the id of a case derived from the spec",
        "/operations/GetThing/cases/response/0/body",
        "the body is the page's sample",
        "/operations/GetThing/cases/response/1/expect/error/code",
        "Param.Invalid is a documented error of GetThing",
    ] {
        assert!(text.contains(expected), "{expected} missing in:\n{text}");
    }
}

#[test]
fn a_written_case_that_adds_something_loads() {
    let value = mutated(|v| {
        obj(v, OP).insert(
            "cases".into(),
            json!({ "response": [{
                "id": "undocumented-5xx",
                "description": "An undocumented code with a server status.",
                "status": 503,
                "body": { "Code": "Service.Overloaded", "Message": "Busy." },
                "expect": { "error": {
                    "variant": "Unknown", "status": 503, "code": "Service.Overloaded",
                    "message": "Busy.", "requestId": null
                } }
            }] }),
        );
    });
    let loaded = load_value(&value).unwrap_or_else(|e| panic!("loads:\n{e}"));
    let (action, op) = loaded.spec.operations.first().expect("an operation");
    let all = cases::all(&loaded.spec, action, op);
    assert_eq!(
        all.response.last().map(|c| c.id.as_str()),
        Some("undocumented-5xx")
    );
    assert_eq!(
        all.response.len(),
        cases::derived(&loaded.spec, action, op).response.len() + 1
    );
}
