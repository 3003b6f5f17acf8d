//! Loading errors concern the spec file itself. Each kind is pinned by a snapshot of its
//! message, and every problem of a file is reported at once.

mod common;

use std::path::Path;

use common::{OP, at, load_value, minimal, mutated, obj};
use dwdi_codegen::{LoadError, load_path, load_str};
use serde_json::{Value, json};

fn problems(value: &Value) -> String {
    match load_value(value) {
        Ok(_) => panic!("the spec should not load"),
        Err(e) => e.to_string(),
    }
}

fn count(err: &str) -> usize {
    err.lines()
        .filter(|l| l.starts_with("  fixture.json:"))
        .count()
}

#[test]
fn the_minimal_fixture_loads() {
    let loaded = load_value(&minimal()).expect("loads");
    assert_eq!(loaded.spec.operations.len(), 1);
    assert_eq!(loaded.sha256.len(), 64);
}

#[test]
fn unreadable_file() {
    let err = load_path(Path::new("no/such/spec.json")).expect_err("missing file");
    assert!(matches!(err, LoadError::Read { .. }));
    assert!(
        err.to_string()
            .starts_with("no/such/spec.json: cannot read the spec: ")
    );
}

#[test]
fn not_json() {
    let err = load_str(
        "{\n  \"product\": \"x\",\n  \"style\": \n}",
        Path::new("fixture.json"),
    )
    .expect_err("not JSON")
    .to_string();
    insta::assert_snapshot!(err);
}

#[test]
fn format_violations_are_all_reported() {
    let err = problems(&mutated(|v| {
        let p = obj(v, &format!("{OP}/parameters/ProjectId"));
        p.insert("colour".into(), json!("blue"));
        p.insert("required".into(), json!("yes"));
        *at(v, "/style") = json!("REST");
    }));
    assert_eq!(count(&err), 3, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn duplicate_keys() {
    let text = serde_json::to_string_pretty(&minimal())
        .expect("serialises")
        .replace("\"Payload\": {", "\"ProjectId\": {");
    let err = load_str(&text, Path::new("fixture.json"))
        .expect_err("duplicate key")
        .to_string();
    insta::assert_snapshot!(err);
}

#[test]
fn undeclared_references() {
    let err = problems(&mutated(|v| {
        *at(v, &format!("{OP}/parameters/TaskType/enum")) = json!("TaskKind");
        *at(v, &format!("{OP}/response/data/fields/Content/document")) = json!("Manifest");
        *at(
            v,
            &format!("{OP}/response/data/fields/Status/enumBy/cases/DI_SOLUTION"),
        ) = json!("NoSuchEnum");
    }));
    assert_eq!(count(&err), 3, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn names_that_collide_as_rust_identifiers() {
    let err = problems(&mutated(|v| {
        let copy = at(v, &format!("{OP}/parameters/ProjectId")).clone();
        obj(v, &format!("{OP}/parameters")).insert("projectId".into(), copy);
        obj(v, "/enums/TaskType/values").insert(
            "DiRealtime".into(),
            json!({"description": "Same name in Rust."}),
        );
        obj(v, "/documents").insert("task_type".into(), json!({"description": "Clash."}));
    }));
    assert_eq!(count(&err), 3, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn errata_that_point_at_nothing() {
    let err = problems(&mutated(|v| {
        let errata = at(v, "/errata").as_array_mut().expect("array");
        errata.push(json!({
            "id": "X-1", "operation": "GetThing", "pointer": "/operations/GetThing/parameters/Nope",
            "kind": "example-type", "pageSays": "-", "problem": "-", "decision": "-"
        }));
        errata.push(json!({
            "id": "X-1", "operation": "Missing", "pointer": "/operations/GetThing",
            "kind": "example-type", "pageSays": "-", "problem": "-", "decision": "-"
        }));
        errata.push(json!({
            "id": "X-3", "operation": "GetThing", "pointer": "/enums/TaskType",
            "kind": "absent-date", "pageSays": "-", "problem": "-", "decision": "-"
        }));
    }));
    assert_eq!(count(&err), 4, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn examples_of_the_specs_own_making_must_fit() {
    let err = problems(&mutated(|v| {
        let p = obj(v, &format!("{OP}/parameters/ProjectId"));
        p.insert("example".into(), json!(0));
        p.insert("exampleOrigin".into(), json!("spec"));
        let t = obj(v, &format!("{OP}/parameters/TaskType"));
        t.insert("accepts".into(), json!(["DI_REALTIME"]));
        t.insert("example".into(), json!("DI_SOLUTION"));
        t.insert("exampleOrigin".into(), json!("spec"));
    }));
    assert_eq!(count(&err), 2, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn type_keys_must_match_the_type() {
    let err = problems(&mutated(|v| {
        obj(v, &format!("{OP}/response/data/fields/Status")).remove("enumBy");
        obj(v, &format!("{OP}/response/data/fields/Name")).insert("enum".into(), json!("TaskType"));
        obj(v, &format!("{OP}/response/data/fields/Info/fields/Steps")).remove("items");
        obj(v, &format!("{OP}/parameters/Payload")).remove("document");
        *at(v, &format!("{OP}/parameters/ProjectId/type")) = json!("array");
    }));
    assert_eq!(count(&err), 5, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn enum_values_and_conditions_must_be_declared() {
    let err = problems(&mutated(|v| {
        *at(v, &format!("{OP}/parameters/TaskType/accepts")) = json!(["DI_REALTIME", "DI_BATCH"]);
        *at(v, &format!("{OP}/response/data/fields/Name/nullWhen")) =
            json!({"param": "Kind", "in": ["DI_SOLUTION"]});
        *at(v, &format!("{OP}/response/data/fields/Info/nullWhen")) =
            json!({"param": "TaskType", "in": ["DI_NEVER"]});
        *at(v, &format!("{OP}/parameters/ProjectId/range/minimum")) = json!(1000);
        *at(v, &format!("{OP}/lastUpdated")) = json!("Oct 17, 2024");
    }));
    assert_eq!(count(&err), 5, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn names_the_generator_would_emit_twice_or_reserve() {
    let err = problems(&mutated(|v| {
        obj(v, &format!("{OP}/response/data/fields")).insert(
            "Data".into(),
            json!({"description": "Clashes with the Data struct.", "type": "object",
                   "nullWhen": {"outcome": "failure"},
                   "fields": {"X": {"description": "x", "type": "string"}}}),
        );
        obj(v, "/enums/RealtimeStatus/values").insert(
            "UNKNOWN".into(),
            json!({"description": "Reserved in Rust."}),
        );
        let copy = at(v, &format!("{OP}/parameters/ProjectId")).clone();
        obj(v, &format!("{OP}/parameters")).insert("Send".into(), copy);
    }));
    assert_eq!(count(&err), 3, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn roles_are_played_once_by_a_member_of_their_type() {
    let err = problems(&mutated(|v| {
        // Two workspaces, a task role on an enum, a role on a nested member.
        obj(v, &format!("{OP}/parameters/ProjectId")).insert("role".into(), json!("workspace"));
        obj(v, &format!("{OP}/parameters/TaskType")).insert("role".into(), json!("workspace"));
        obj(v, &format!("{OP}/parameters/Payload")).insert("role".into(), json!("processInput"));
        obj(v, &format!("{OP}/response/data/fields/Info/fields/Id"))
            .insert("role".into(), json!("process"));
    }));
    assert_eq!(count(&err), 3, "{err}");
    assert!(err.contains("already plays role `workspace`"), "{err}");
    assert!(
        err.contains(
            "role `workspace` is played by a parameter of type `int64`; this one is `enum`"
        ),
        "{err}"
    );
    assert!(
        err.contains("/fields/Info/fields/Id/role`: a role belongs to a member of `Data` itself"),
        "{err}"
    );
    let loaded = load_value(&mutated(|v| {
        obj(v, &format!("{OP}/parameters/ProjectId")).insert("role".into(), json!("workspace"));
    }))
    .expect("one workspace loads");
    let op = &loaded.spec.operations["GetThing"];
    assert!(op.parameters["ProjectId"].role.is_some());
}
