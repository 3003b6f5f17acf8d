//! Each kind of lint finding, raised by one defect planted in the minimal fixture, with its
//! report pinned by a snapshot.

mod common;

use common::{OP, at, load_value, minimal, mutated, obj};
use dwdi_codegen::lint::{Report, Status};
use dwdi_codegen::model::Kind;
use serde_json::{Value, json};

/// Lints `value`, asserts that exactly the `expected` kinds are found (all unrecorded), and
/// returns the text report.
fn lint(value: &Value, expected: &[Kind]) -> String {
    let loaded = load_value(value).unwrap_or_else(|e| panic!("loads:\n{e}"));
    let report = Report::of(&loaded);
    let kinds: Vec<Kind> = report.entries.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, expected, "{}", report.render_text(&loaded));
    assert!(
        report
            .entries
            .iter()
            .all(|e| e.status == Status::Unrecorded)
    );
    assert_eq!(report.is_clean(), expected.is_empty());
    report.render_text(&loaded)
}

fn set(pointer: &str, value: Value) -> Value {
    mutated(|v| *at(v, &format!("{OP}{pointer}")) = value)
}

#[test]
fn the_minimal_fixture_is_clean() {
    lint(&minimal(), &[]);
}

#[test]
fn example_type() {
    insta::assert_snapshot!(lint(
        &set("/parameters/ProjectId/example", json!("10")),
        &[Kind::ExampleType]
    ));
}

#[test]
fn example_enum_value() {
    insta::assert_snapshot!(lint(
        &set("/response/data/fields/Status/example", json!("STOPPED")),
        &[Kind::ExampleEnumValue]
    ));
}

#[test]
fn example_out_of_range() {
    insta::assert_snapshot!(lint(
        &set("/parameters/ProjectId/example", json!(1000)),
        &[Kind::ExampleOutOfRange]
    ));
}

#[test]
fn example_json_invalid() {
    insta::assert_snapshot!(lint(
        &set(
            "/parameters/Payload/example",
            json!("{\"tables\":\n  [\"t1\"}")
        ),
        &[Kind::ExampleJsonInvalid]
    ));
}

#[test]
fn sample_not_json() {
    insta::assert_snapshot!(lint(
        &set("/sample/body", json!("{\"Success\": tru")),
        &[Kind::SampleNotJson]
    ));
}

#[test]
fn sample_missing_field() {
    let value = mutated(|v| {
        obj(v, &format!("{OP}/sample/body/Data")).remove("Status");
    });
    insta::assert_snapshot!(lint(&value, &[Kind::SampleMissingField]));
}

#[test]
fn sample_unknown_field() {
    let value = mutated(|v| {
        obj(v, &format!("{OP}/sample/body/Data")).insert("Extra".into(), json!(1));
    });
    insta::assert_snapshot!(lint(&value, &[Kind::SampleUnknownField]));
}

#[test]
fn sample_type() {
    insta::assert_snapshot!(lint(
        &set("/sample/body/Success", json!("yes")),
        &[Kind::SampleType]
    ));
}

#[test]
fn sample_enum_value() {
    // A value outside every case of an enum chosen by TaskType is reported once, not also as a
    // contradiction of the condition.
    insta::assert_snapshot!(lint(
        &set("/sample/body/Data/Status", json!("STOPPED")),
        &[Kind::SampleEnumValue]
    ));
}

#[test]
fn sample_embedded_json_invalid() {
    insta::assert_snapshot!(lint(
        &set("/sample/body/Data/Content", json!("{\"a\": 1,\n \"b\": ]}")),
        &[Kind::SampleEmbeddedJsonInvalid]
    ));
}

#[test]
fn sample_null_violated() {
    insta::assert_snapshot!(lint(
        &set("/sample/body/Data/Message", json!("fileId[100] is invalid")),
        &[Kind::SampleNullViolated]
    ));
}

#[test]
fn a_failure_sample_may_carry_a_message() {
    let value = mutated(|v| {
        *at(v, &format!("{OP}/sample/body/Success")) = json!(false);
        *at(v, &format!("{OP}/sample/body/Data/Message")) = json!("fileId[100] is invalid");
    });
    lint(&value, &[]);
}

#[test]
fn sample_condition_contradiction() {
    let value = mutated(|v| {
        obj(v, &format!("{OP}/sample/body/Data"))
            .insert("Info".into(), json!({"Id": 1, "Steps": [{"StepId": 2}]}));
    });
    insta::assert_snapshot!(lint(&value, &[Kind::SampleConditionContradiction]));
}

#[test]
fn a_solution_sample_fits_its_condition() {
    let value = mutated(|v| {
        let data = obj(v, &format!("{OP}/sample/body/Data"));
        data.insert("Status".into(), json!("success"));
        data.insert("Name".into(), Value::Null);
        data.insert("Info".into(), json!({"Id": 1, "Steps": []}));
    });
    lint(&value, &[]);
}

#[test]
fn valid_values_empty() {
    insta::assert_snapshot!(lint(
        &set(
            "/parameters/TaskType/stated/validValues",
            json!([{"values": []}, {"values": []}])
        ),
        &[Kind::ValidValuesEmpty]
    ));
}

#[test]
fn valid_values_conflict() {
    insta::assert_snapshot!(lint(
        &set(
            "/parameters/TaskType/stated/validValues",
            json!([{"values": ["DI_REALTIME"]}, {"values": ["DI_SOLUTION", "DI_REALTIME"]}])
        ),
        &[Kind::ValidValuesConflict]
    ));
}

#[test]
fn lists_under_different_conditions_do_not_conflict() {
    lint(
        &set(
            "/parameters/TaskType/stated/validValues",
            json!([
                {"when": {"param": "TaskType", "in": ["DI_REALTIME"]}, "values": ["DI_REALTIME"]},
                {"values": ["DI_SOLUTION", "DI_REALTIME"]}
            ]),
        ),
        &[],
    );
}

#[test]
fn range_sources_disagree() {
    let value = mutated(|v| {
        obj(v, &format!("{OP}/parameters/ProjectId/stated"))
            .insert("designRange".into(), json!({"minimum": 0, "maximum": 100}));
    });
    insta::assert_snapshot!(lint(&value, &[Kind::RangeSourcesDisagree]));
}

#[test]
fn prose_key_mismatch() {
    insta::assert_snapshot!(lint(
        &set(
            "/parameters/Payload/stated/proseKeys",
            json!(["Tables", "selectedTables"])
        ),
        &[Kind::ProseKeyMismatch]
    ));
}

#[test]
fn recorded_errata_are_known_and_stale_ones_fail() {
    let value = mutated(|v| {
        *at(v, &format!("{OP}/sample/body/Data/Message")) = json!("boom");
        let errata = at(v, "/errata").as_array_mut().expect("array");
        errata.push(json!({
            "id": "E-1", "operation": "GetThing", "pointer": "/operations/GetThing/sample/body/Data/Message",
            "kind": "sample-null-violated", "pageSays": "Message is boom.", "problem": "Filled on success.",
            "decision": "Keep null on success."
        }));
        errata.push(json!({
            "id": "E-2", "operation": "GetThing", "pointer": "/operations/GetThing/sample/body/Data/Name",
            "kind": "sample-null-violated", "pageSays": "-", "problem": "-", "decision": "-"
        }));
        errata.push(json!({
            "id": "E-3", "operation": "GetThing", "pointer": "/operations/GetThing/lastUpdated",
            "kind": "absent-date", "pageSays": "No date.", "problem": "Revision unknown.", "decision": "null"
        }));
    });
    let loaded = load_value(&value).expect("loads");
    let report = Report::of(&loaded);
    let statuses: Vec<(Option<&str>, Status)> = report
        .entries
        .iter()
        .map(|e| (e.erratum.as_deref(), e.status))
        .collect();
    assert_eq!(
        statuses,
        vec![(Some("E-1"), Status::Known), (Some("E-2"), Status::Stale)]
    );
    assert_eq!(report.absences.len(), 1);
    assert!(!report.is_clean());
    insta::assert_snapshot!(report.render_text(&loaded));
    insta::assert_snapshot!(report.to_json());
}
