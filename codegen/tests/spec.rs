//! The workspace's spec: it loads, its schema file is fresh, its summary is pinned, and the
//! lint finds exactly the recorded errata.

mod common;

use common::{real_spec, real_spec_text};
use dwdi_codegen::lint::{Report, Status};
use dwdi_codegen::model::spec_schema_text;
use dwdi_codegen::summary::summary;

#[test]
fn spec_loads_and_names_its_schema() {
    let loaded = real_spec();
    assert_eq!(loaded.spec.product, "dataworks-public");
    assert_eq!(loaded.spec.api_version, "2020-05-18");
    assert_eq!(loaded.spec.schema.as_deref(), Some("./spec.schema.json"));
    assert_eq!(loaded.spec.operations.len(), 5);
}

#[test]
fn spec_schema_file_is_fresh() {
    let on_disk = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/spec.schema.json"
    ))
    .unwrap_or_default();
    assert!(
        on_disk == spec_schema_text(),
        "spec/spec.schema.json is stale: run `cargo run -p dwdi-codegen -- spec-schema` and commit"
    );
}

#[test]
fn lint_finds_exactly_the_recorded_errata() {
    let loaded = real_spec();
    let report = Report::of(&loaded.spec);
    let unexpected: Vec<_> = report
        .entries
        .iter()
        .filter(|e| e.status != Status::Known)
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    let recorded = loaded
        .spec
        .errata
        .iter()
        .filter(|e| !e.kind.is_absence())
        .count();
    assert_eq!(report.entries.len(), recorded);
    assert_eq!(report.absences.len(), 3);
    insta::assert_snapshot!("real_spec_lint_text", report.render_text(&loaded));
    insta::assert_snapshot!("real_spec_lint_json", report.to_json());
}

#[test]
fn removing_any_erratum_fails_the_lint_at_its_place() {
    let loaded = real_spec();
    let mut checked = 0;
    for (i, erratum) in loaded.spec.errata.iter().enumerate() {
        if erratum.kind.is_absence() {
            continue;
        }
        let mut spec = loaded.spec.clone();
        spec.errata.remove(i);
        let report = Report::of(&spec);
        assert!(
            !report.is_clean(),
            "removing {} leaves the lint clean",
            erratum.id
        );
        let failing: Vec<_> = report
            .entries
            .iter()
            .filter(|e| e.status == Status::Unrecorded)
            .collect();
        assert_eq!(failing.len(), 1, "removing {}: {failing:#?}", erratum.id);
        assert_eq!(failing[0].operation, erratum.operation, "{}", erratum.id);
        assert_eq!(failing[0].pointer, erratum.pointer, "{}", erratum.id);
        assert_eq!(failing[0].kind, erratum.kind, "{}", erratum.id);
        checked += 1;
    }
    assert_eq!(checked, 15);
}

#[test]
fn an_erratum_that_matches_nothing_is_stale() {
    let loaded = real_spec();
    let mut spec = loaded.spec.clone();
    let erratum = spec
        .errata
        .iter_mut()
        .find(|e| e.id == "STA-1")
        .expect("STA-1 is recorded");
    erratum.pointer = "/operations/StartDISyncInstance/sample/body/Data/Status".into();
    let report = Report::of(&spec);
    let stale: Vec<_> = report
        .entries
        .iter()
        .filter(|e| e.status == Status::Stale)
        .map(|e| e.erratum.clone())
        .collect();
    assert_eq!(stale, vec![Some("STA-1".to_owned())]);
    assert!(!report.is_clean());
}

#[test]
fn summary_of_the_spec() {
    insta::assert_snapshot!(summary(&real_spec().spec));
}

#[test]
fn samples_keep_the_pages_key_order() {
    // The Query page's sample text, key order included, is held verbatim.
    let text = real_spec_text();
    let get = text.find("\"Status\": \"RUN\"").expect("Get sample");
    let msg = text[get..]
        .find("\"Message\"")
        .expect("Message follows Status");
    let name = text[get..].find("\"Name\"").expect("Name follows Message");
    assert!(msg < name);
}
