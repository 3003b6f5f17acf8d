//! Discoverability: `dwdi --help` and `dwdi call --help` list the operations; `dwdi call
//! <Operation> --help` lists its parameters.

mod common;

use common::*;

const OPERATIONS: [&str; 5] = [
    "GenerateDISyncTaskConfigForUpdating",
    "GetDISyncInstanceInfo",
    "QueryDISyncTaskConfigProcessResult",
    "StartDISyncInstance",
    "StopDISyncInstance",
];

#[test]
fn top_level_and_call_help_list_the_operations() {
    for args in [
        &["--help"][..],
        &["call", "--help"],
        &["call", "-h"],
        &["help", "call"],
    ] {
        let run = dwdi(Creds::None, args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        for op in OPERATIONS {
            assert!(run.stdout.contains(op), "{args:?}: {op} not listed");
        }
    }
    let run = dwdi(Creds::None, &["call", "--help"]);
    for needle in [
        "--dry-run",
        "--signature-date",
        "--signature-nonce",
        "--region",
        "--endpoint",
        "--profile",
        "--max-attempts",
        "Exit codes:",
    ] {
        assert!(run.stdout.contains(needle), "{needle} missing");
    }
}

#[test]
fn operation_help_lists_its_parameters() {
    let run = dwdi(Creds::None, &["call", "StopDISyncInstance", "--help"]);
    assert_eq!(run.code, 0, "{run:?}");
    for needle in [
        "StopDISyncInstance: Stops a real-time synchronization task.",
        "--ProjectId (required): an integer in 1..=10000000000",
        "--TaskType (required): one of DI_REALTIME",
        "--FileId (required)",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} not in {}",
            run.stdout
        );
    }
    let run = dwdi(Creds::None, &["call", "StartDISyncInstance", "-h"]);
    assert!(
        run.stdout.contains("--StartParam (optional)"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_arguments_prints_usage_with_exit_2() {
    let run = dwdi(Creds::None, &[] as &[&str]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("Usage: dwdi"), "{run:?}");
    let run = dwdi(Creds::None, &["frobnicate"]);
    assert_eq!(run.code, 2, "{run:?}");
}
