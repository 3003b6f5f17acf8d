//! The workspace's spec: it loads with its imported layer, its schema file is fresh, its
//! summary is pinned, and the lint finds exactly the recorded errata. Expectations come from
//! the spec itself or from snapshots, so that a documentation change needs no edit here.

mod common;

use common::{real_spec, without_positions};
use dwdi_codegen::import::provenance::Source;
use dwdi_codegen::lint::{Report, Status};
use dwdi_codegen::model::spec_schema_text;
use dwdi_codegen::summary::summary;
use serde_json::Value;

#[test]
fn spec_loads_with_its_layer_and_names_its_schema() {
    let loaded = real_spec();
    assert_eq!(loaded.spec.schema.as_deref(), Some("./spec.schema.json"));
    assert!(
        loaded.spec.imports.is_empty(),
        "the effective spec has no imports"
    );
    assert_eq!(loaded.layers.len(), 1, "one imported layer");
    let layer = &loaded.layers[0];
    assert_eq!(loaded.spec.product, layer.header.product);
    assert_eq!(loaded.spec.api_version, layer.header.api_version);
    // Every imported operation is in the effective spec, and (for now) nothing else.
    let ops: Vec<&String> = loaded.spec.operations.keys().collect();
    let imported: Vec<&String> = layer.header.operations.iter().collect();
    assert_eq!(ops, imported);
    assert!(loaded.dropped.is_empty(), "{:#?}", loaded.dropped);
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
    let report = Report::of(&loaded);
    let unexpected: Vec<_> = report
        .entries
        .iter()
        .filter(|e| e.status != Status::Known)
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    let (recorded, absent): (Vec<_>, Vec<_>) = loaded
        .spec
        .errata
        .iter()
        .partition(|e| !e.kind.is_recorded_by_hand());
    assert_eq!(report.entries.len(), recorded.len());
    assert_eq!(report.absences.len(), absent.len());
    let text = report.render_text(&loaded);
    // Positions are real in the report, and left out of the snapshot.
    assert!(text.contains("spec/dataworks-di.json:"), "{text}");
    insta::assert_snapshot!("real_spec_lint_text", without_positions(&text));
    insta::assert_snapshot!("real_spec_lint_json", report.to_json());
}

#[test]
fn removing_any_erratum_fails_the_lint_at_its_place() {
    let loaded = real_spec();
    let mut checked = 0;
    for (i, erratum) in loaded.spec.errata.iter().enumerate() {
        if erratum.kind.is_recorded_by_hand() {
            continue;
        }
        let mut without = loaded.clone();
        without.spec.errata.remove(i);
        let report = Report::of(&without);
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
    let recorded = loaded
        .spec
        .errata
        .iter()
        .filter(|e| !e.kind.is_recorded_by_hand())
        .count();
    assert_eq!(checked, recorded);
    assert!(checked > 0);
}

#[test]
fn every_page_metadata_disagreement_is_recorded() {
    // The comparison between the pages and the metadata has found something, and each
    // disagreement is an erratum of kind sources-disagree at the same place.
    let loaded = real_spec();
    let report = Report::of(&loaded);
    let disagreements: Vec<_> = report
        .entries
        .iter()
        .filter(|e| e.kind.as_str() == "sources-disagree")
        .collect();
    assert!(!disagreements.is_empty());
    assert!(disagreements.iter().all(|e| e.status == Status::Known));
    for d in &loaded.disagreements {
        assert!(
            disagreements.iter().any(|e| e.pointer == d.pointer),
            "{} is not reported",
            d.pointer
        );
    }
}

#[test]
fn an_erratum_that_matches_nothing_is_stale() {
    let loaded = real_spec();
    let mut moved = loaded.clone();
    let erratum = moved
        .spec
        .errata
        .iter_mut()
        .find(|e| !e.kind.is_recorded_by_hand())
        .expect("a recorded erratum");
    let id = erratum.id.clone();
    erratum.pointer = format!("/operations/{}/summary", erratum.operation);
    let report = Report::of(&moved);
    let stale: Vec<_> = report
        .entries
        .iter()
        .filter(|e| e.status == Status::Stale)
        .map(|e| e.erratum.clone())
        .collect();
    assert_eq!(stale, vec![Some(id)]);
    assert!(!report.is_clean());
}

#[test]
fn summary_of_the_spec() {
    insta::assert_snapshot!(summary(&real_spec()));
}

#[test]
fn every_fact_of_an_operation_says_where_it_comes_from() {
    let loaded = real_spec();
    let mut facts = 0;
    for (name, op) in &loaded.value["operations"]
        .as_object()
        .expect("operations")
        .clone()
    {
        let at = format!("/operations/{}", dwdi_codegen::position::escape_token(name));
        let mut pointers = Vec::new();
        leaves(op, &at, &mut pointers);
        for pointer in pointers {
            if pointer.contains("/cases/") {
                continue; // contract cases are the spec's own tests, not documented facts
            }
            let source = loaded
                .provenance
                .of(&pointer)
                .unwrap_or_else(|| panic!("{pointer} has no source"));
            if let Source::Decision { reason } = source {
                let text = loaded.value.pointer(reason).and_then(Value::as_str);
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{pointer}: its decision at {reason} gives no reason"
                );
            }
            facts += 1;
        }
    }
    assert!(facts > 100, "{facts} facts");
}

fn leaves(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                leaves(
                    v,
                    &format!("{at}/{}", dwdi_codegen::position::escape_token(k)),
                    out,
                );
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, &format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at.to_owned()),
    }
}

#[test]
fn samples_keep_the_key_order_of_their_source() {
    // serde_json keeps the order the metadata prints (preserve_order): each sample's keys are
    // in the order of the text they come from.
    let loaded = real_spec();
    let layer = &loaded.layers[0];
    let mut compared = 0;
    for (name, op) in &loaded.spec.operations {
        let Some(data) = op.sample.body.get("Data").and_then(Value::as_object) else {
            continue;
        };
        let at = format!("/operations/{name}/sample/body/Data");
        let lines: Vec<usize> = data
            .keys()
            .filter_map(|k| layer.positions.get(&format!("{at}/{k}")))
            .map(|p| p.line)
            .collect();
        assert_eq!(lines.len(), data.len(), "{name}");
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{name}: {lines:?}");
        compared += 1;
    }
    assert!(compared > 0);
}
