//! Replays every committed seed and regression input of every fuzz target through the
//! functions the targets call (`dwdi_fuzz_harness::TARGETS`): a crash the fuzzer once found
//! fails this stable test if it comes back, with no nightly and no cargo-fuzz.
//!
//! Inputs live in `fuzz/seeds/<target>/` (the seed corpora, written by `fuzz/seeds.py`) and
//! `fuzz/regressions/<target>/` (one file per crash or timeout found, named after it).

use std::path::{Path, PathBuf};

use dwdi_fuzz_harness::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn replay(kind: &str) -> usize {
    let mut total = 0;
    for (name, run) in TARGETS {
        for file in inputs(kind, name) {
            let data = std::fs::read(&file).expect("a readable input");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "target {name}: {} panics (replay it with `cargo +nightly fuzz run {name} {}`)",
                file.display(),
                file.display()
            );
            total += 1;
        }
    }
    total
}

#[test]
fn every_seed_runs_clean() {
    let n = replay("seeds");
    for (name, _) in TARGETS {
        assert!(
            !inputs("seeds", name).is_empty(),
            "target {name} has no seeds in fuzz/seeds/{name}/ (run fuzz/seeds.py)"
        );
    }
    assert!(n > 0);
}

#[test]
fn every_regression_input_runs_clean() {
    replay("regressions");
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    for (name, _) in TARGETS {
        let file = fuzz_dir()
            .join("targets/fuzz_targets")
            .join(format!("{name}.rs"));
        assert!(file.is_file(), "{} is missing", file.display());
    }
}
