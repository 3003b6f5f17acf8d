//! `dwdi-codegen import`: importing is idempotent to the byte, never touches the hand-written
//! spec, changes only what changed in the metadata (and `diff` names and classifies each
//! change), handles every operation of the metadata, and writes nothing when it fails.
//!
//! Every test works on a scratch copy of `spec/`; the operations and the metadata file come
//! from the committed layer's header, so a new metadata file needs no edit here.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_spec_dir, real_spec};
use dwdi_codegen::load_path;
use serde_json::Value;

/// The second file of the rehearsal pair: the first with realistic changes.
const CHANGED: &str = "rehearsal/dataworks-public-2020-05-18.di-subset.changed.api-docs.json";

/// The first file of the pair, in `spec/metadata/`: the second's name without `.changed`.
fn first_of_pair() -> String {
    Path::new(CHANGED)
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a file name")
        .replace(".changed.", ".")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch copy of `spec/`, and the committed layer's metadata file and operations.
struct Scratch {
    dir: tempfile::TempDir,
    metadata: PathBuf,
    operations: String,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_spec_dir(dir.path());
        let loaded = real_spec();
        let header = &loaded.layers[0].header;
        Scratch {
            metadata: dir.path().join("metadata").join(&header.file),
            operations: header.operations.join(","),
            dir,
        }
    }

    fn spec(&self) -> PathBuf {
        self.dir.path().join("dataworks-di.json")
    }

    fn layer(&self) -> PathBuf {
        let loaded = real_spec();
        self.dir
            .path()
            .join("imported")
            .join(loaded.layers[0].path.file_name().expect("a file name"))
    }

    /// Runs `dwdi-codegen import METADATA [--operations ...] --spec <scratch spec>`.
    fn import(&self, metadata: &Path, operations: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi-codegen"));
        cmd.arg("import").arg(metadata);
        if let Some(ops) = operations {
            cmd.args(["--operations", ops]);
        }
        cmd.arg("--spec").arg(self.spec());
        cmd.output().expect("the binary runs")
    }

    /// Every file under the scratch `spec/`, path → bytes.
    fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.dir.path().to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = std::fs::read(&path).expect("readable");
                    out.insert(path, bytes);
                }
            }
        }
        out
    }

    /// `text` with the scratch directory written as `[scratch]`.
    fn redact(&self, text: &[u8]) -> String {
        String::from_utf8_lossy(text).replace(&self.dir.path().display().to_string(), "[scratch]")
    }
}

#[test]
fn importing_the_same_file_again_changes_no_byte() {
    let scratch = Scratch::new();
    let before = scratch.files();
    let out = scratch.import(&scratch.metadata, Some(&scratch.operations));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("is up to date"), "{stdout}");
    assert!(
        stdout.ends_with("diff: 0 change(s), 0 breaking\n"),
        "{stdout}"
    );
    assert!(
        scratch.files() == before,
        "an import of the same file changed a file"
    );

    // The committed layer is exactly what the importer writes from the committed metadata.
    std::fs::remove_file(scratch.layer()).expect("removed");
    let out = scratch.import(&scratch.metadata, Some(&scratch.operations));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("import: wrote"));
    assert!(
        scratch.files() == before,
        "the layer written afresh differs from the committed one: run `cargo run -p dwdi-codegen -- import` and commit"
    );
    let again = scratch.import(&scratch.metadata, Some(&scratch.operations));
    assert!(String::from_utf8_lossy(&again.stdout).contains("is up to date"));
    assert!(scratch.files() == before);
}

#[test]
fn the_rehearsal_pair_changes_only_what_changed_and_diff_classifies_each_change() {
    let scratch = Scratch::new();
    // Start from the pair's first file, whichever file the workspace's layer comes from now
    // (after a metadata update, or in the rehearsal, which imports the second).
    let first = scratch.dir.path().join("metadata").join(first_of_pair());
    let out = scratch.import(&first, Some(&scratch.operations));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let hand = std::fs::read(scratch.spec()).expect("readable");
    let old_layer = read_json(&scratch.layer());
    let old_effective = load_path(&scratch.spec()).expect("loads before");

    let out = scratch.import(&workspace().join(CHANGED), Some(&scratch.operations));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // The hand-written spec is untouched; the hand-written text for the removed field is
    // reported as dropped.
    assert_eq!(std::fs::read(scratch.spec()).expect("readable"), hand);
    insta::assert_snapshot!("rehearsal_import_stdout", scratch.redact(&out.stdout));
    insta::assert_snapshot!("rehearsal_import_stderr", scratch.redact(&out.stderr));

    // Only the facts that changed changed in the layer (and its header's hash).
    let new_layer = read_json(&scratch.layer());
    let mut changed = Vec::new();
    leaf_changes(&old_layer, &new_layer, "", &mut changed);
    insta::assert_snapshot!("rehearsal_layer_changes", changed.join("\n"));

    // `dwdi-codegen diff` between the effective specs says the same as the import.
    let new_effective = load_path(&scratch.spec()).expect("loads after");
    let old_file = scratch.dir.path().join("old-effective.json");
    let new_file = scratch.dir.path().join("new-effective.json");
    std::fs::write(&old_file, effective(&old_effective)).expect("written");
    std::fs::write(&new_file, effective(&new_effective)).expect("written");
    let diff = Command::new(env!("CARGO_BIN_EXE_dwdi-codegen"))
        .arg("diff")
        .args([&old_file, &new_file])
        .output()
        .expect("runs");
    assert_eq!(diff.status.code(), Some(1), "breaking changes exit 1");
    let diff_text = String::from_utf8_lossy(&diff.stdout).into_owned();
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with(&diff_text),
        "{diff_text}"
    );
    // Each kind of change of the pair is named and classified.
    for (kind, breaking) in [
        ("optional-parameter-added", false),
        ("request-enum-value-added", false),
        ("field-removed", true),
        ("type-changed", true),
        ("error-code-added", false),
    ] {
        let class = if breaking { "BREAKING " } else { "compatible" };
        assert!(
            diff_text.contains(&format!("{class} {kind} ")),
            "{kind} is not listed as {class}:\n{diff_text}"
        );
    }
    // The lint stays clean: the changed facts are ones the pages do not state differently.
    let report = dwdi_codegen::lint::Report::of(&new_effective);
    assert!(report.is_clean(), "{}", report.render_text(&new_effective));
}

#[test]
fn every_operation_of_the_metadata_imports_and_loads() {
    let scratch = Scratch::new();
    let out = scratch.import(&scratch.metadata, None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let loaded = load_path(&scratch.spec()).unwrap_or_else(|e| panic!("loads:\n{e}"));
    let metadata = read_json(&scratch.metadata);
    let all: Vec<&String> = metadata["apis"].as_object().expect("apis").keys().collect();
    let ops: Vec<&String> = loaded.spec.operations.keys().collect();
    let mut sorted_all = all.clone();
    let mut sorted_ops = ops.clone();
    sorted_all.sort();
    sorted_ops.sort();
    assert_eq!(sorted_ops, sorted_all);
    // The spec has every operation the metadata describes.
    assert_eq!(all.len(), real_spec().spec.operations.len());
    // Every operation is complete, and generates.
    for name in all {
        let op = &loaded.spec.operations[name];
        assert!(!op.methods.is_empty(), "{name}");
        assert!(!op.summary.is_empty(), "{name}");
    }
    let code = dwdi_codegen::engine::render_items(&loaded, &Default::default());
    for name in loaded.spec.operations.keys() {
        assert!(
            code.contains(&format!("\"{name}\"")),
            "{name} is not generated"
        );
    }
}

#[test]
fn a_failing_import_writes_nothing() {
    let scratch = Scratch::new();
    let before = scratch.files();

    let out = scratch.import(
        &scratch.metadata,
        Some("GetDISyncInstanceInfo,NoSuchOperation"),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`NoSuchOperation`"), "{stderr}");
    assert!(stderr.contains("expected one of"), "{stderr}");

    let out = scratch.import(&scratch.dir.path().join("no-such.json"), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such.json: cannot read"));

    // Metadata that drops a fact an erratum points at: the spec would not load.
    let mut metadata = read_json(&scratch.metadata);
    let solution = metadata
        .pointer_mut("/apis/GetDISyncInstanceInfo/responses/200/schema/properties/Data/properties/SolutionInfo/properties")
        .and_then(Value::as_object_mut)
        .expect("SolutionInfo's fields");
    solution.remove("Status");
    let broken = scratch.dir.path().join("broken.api-docs.json");
    std::fs::write(&broken, serde_json::to_string(&metadata).expect("text")).expect("written");
    let mut after_broken = scratch.files();
    after_broken.remove(&broken);
    assert!(after_broken == before);
    let out = scratch.import(&broken, Some(&scratch.operations));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the spec does not load with the new layer"),
        "{stderr}"
    );
    assert!(stderr.contains("points at nothing"), "{stderr}");
    let mut after = scratch.files();
    after.remove(&broken);
    assert!(after == before, "a failed import wrote a file");
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

fn effective(loaded: &dwdi_codegen::LoadedSpec) -> String {
    dwdi_codegen::outputs::effective_spec_text(loaded)
}

/// Every JSON pointer whose value differs between `old` and `new`, leaf by leaf.
fn leaf_changes(old: &Value, new: &Value, at: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            for key in o.keys().chain(n.keys().filter(|k| !o.contains_key(*k))) {
                let k_at = format!("{at}/{}", dwdi_codegen::position::escape_token(key));
                match (o.get(key), n.get(key)) {
                    (Some(a), Some(b)) => leaf_changes(a, b, &k_at, out),
                    (Some(_), None) => out.push(format!("removed {k_at}")),
                    (None, _) => out.push(format!("added {k_at}")),
                }
            }
        }
        (Value::Array(o), Value::Array(n)) if o.len() == n.len() => {
            for (i, (a, b)) in o.iter().zip(n).enumerate() {
                leaf_changes(a, b, &format!("{at}/{i}"), out);
            }
        }
        (a, b) if a != b => out.push(format!("changed {at}")),
        _ => {}
    }
}
