//! Exit code 2 with a message naming what is wrong and what was expected, and nothing sent:
//! each case points `--endpoint` at a loopback server that records every request.

mod common;

use common::*;

/// Runs `call <op> <params…> --endpoint <server>` and checks: exit 2, nothing on stdout,
/// nothing received, and stderr containing every `needle`.
fn refused(op: &str, params: &[(&str, &str)], needles: &[&str]) -> Run {
    refused_args(&[op], params, needles)
}

fn refused_args(lead: &[&str], params: &[(&str, &str)], needles: &[&str]) -> Run {
    let server = TestServer::start_on_thread(vec![]);
    let mut args: Vec<String> = vec!["call".into()];
    args.extend(lead.iter().map(|s| (*s).to_owned()));
    args.extend(param_args(params));
    args.extend(["--endpoint".into(), server.endpoint()]);
    let run = dwdi(Creds::Keys, &args);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "", "{run:?}");
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} not in {}",
            run.stderr
        );
    }
    run.assert_no_secrets(false);
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(server.received().is_empty(), "something was sent");
    run
}

const STOP_OK: [(&str, &str); 3] = [
    ("ProjectId", "10000"),
    ("TaskType", "DI_REALTIME"),
    ("FileId", "100"),
];

#[test]
fn unknown_operation_lists_the_known_ones_and_suggests_the_closest() {
    let run = refused(
        "StopDISyncInstanc",
        &STOP_OK,
        &[
            "unknown operation \"StopDISyncInstanc\"",
            "did you mean StopDISyncInstance?",
            "GenerateDISyncTaskConfigForUpdating",
            "GetDISyncInstanceInfo",
            "QueryDISyncTaskConfigProcessResult",
            "StartDISyncInstance",
        ],
    );
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
}

#[test]
fn unknown_parameter_lists_the_accepted_ones() {
    let mut params = STOP_OK.to_vec();
    params.push(("Colour", "red"));
    refused(
        "StopDISyncInstance",
        &params,
        &[
            "unknown parameter Colour",
            "expected one of ProjectId, TaskType, FileId",
        ],
    );
    // Wire names are case-sensitive.
    refused(
        "StopDISyncInstance",
        &[
            ("projectId", "1"),
            ("TaskType", "DI_REALTIME"),
            ("FileId", "1"),
        ],
        &["unknown parameter projectId"],
    );
}

#[test]
fn missing_required_parameter() {
    refused(
        "StopDISyncInstance",
        &STOP_OK[..2],
        &[
            "StopDISyncInstance: required parameter FileId is missing",
            "expected an integer in 1..=9999999999999999",
        ],
    );
}

#[test]
fn enum_value_outside_what_the_operation_accepts() {
    // TaskType has more values, but Stop accepts only DI_REALTIME.
    refused(
        "StopDISyncInstance",
        &[
            ("ProjectId", "10000"),
            ("TaskType", "DI_SOLUTION"),
            ("FileId", "100"),
        ],
        &[
            "parameter TaskType has invalid value \"DI_SOLUTION\"",
            "expected one of DI_REALTIME",
        ],
    );
}

#[test]
fn integer_out_of_range_or_not_an_integer() {
    refused(
        "StopDISyncInstance",
        &[
            ("ProjectId", "0"),
            ("TaskType", "DI_REALTIME"),
            ("FileId", "100"),
        ],
        &[
            "parameter ProjectId has invalid value \"0\"",
            "expected an integer in 1..=10000000000",
            "out of range",
        ],
    );
    refused(
        "StopDISyncInstance",
        &[
            ("ProjectId", "ten"),
            ("TaskType", "DI_REALTIME"),
            ("FileId", "100"),
        ],
        &["parameter ProjectId", "not an integer"],
    );
}

#[test]
fn malformed_json_string_parameter() {
    let mut params = STOP_OK.to_vec();
    params.push(("StartParam", r#"{"failoverLimit":{"count":10,}"#));
    refused(
        "StartDISyncInstance",
        &params,
        &[
            "parameter StartParam has invalid value",
            "expected a StartParam JSON document",
            "JSON error",
            "line 1 column",
        ],
    );
}

#[test]
fn repeated_parameter() {
    let mut params = STOP_OK.to_vec();
    params.push(("FileId", "7"));
    refused(
        "StopDISyncInstance",
        &params,
        &["parameter FileId is given more than once"],
    );
}

#[test]
fn malformed_pairs() {
    refused_args(
        &["StopDISyncInstance", "--ProjectId", "1", "stray"],
        &[],
        &["unexpected argument \"stray\"", "--Name value"],
    );
    // A fixed flag is never swallowed as a value: this must not send a call.
    refused_args(
        &[
            "StopDISyncInstance",
            "--ProjectId",
            "1",
            "--FileId",
            "--dry-run",
        ],
        &[],
        &["parameter --FileId has no value", "--FileId=--dry-run"],
    );
    let run = dwdi(Creds::Keys, &["call", "StopDISyncInstance", "--ProjectId"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("parameter --ProjectId has no value"),
        "{run:?}"
    );
}

#[test]
fn no_operation() {
    let run = dwdi(Creds::Keys, &["call"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no operation given"), "{run:?}");
    assert!(run.stderr.contains("StopDISyncInstance"), "{run:?}");
}

#[test]
fn bad_fixed_flags() {
    let base = [
        "call",
        "StopDISyncInstance",
        "--ProjectId",
        "1",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "1",
    ];
    // Every case that would send if its check broke sends to a loopback port that is closed.
    let closed = dwdi_test_support::closed_port_endpoint();
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        dwdi(Creds::Keys, &a)
    };
    for (extra, needle) in [
        (
            &["--signature-date", DATE, "--endpoint", &closed][..],
            "--signature-date applies to --dry-run only",
        ),
        (
            &["--signature-nonce", "n", "--endpoint", &closed][..],
            "--signature-nonce applies to --dry-run only",
        ),
        (
            &["--dry-run", "--signature-date", "2024-01-02T03:04:05.5Z"][..],
            "fractional seconds",
        ),
        (
            &["--dry-run", "--signature-date", "yesterday"][..],
            "expected RFC 3339",
        ),
        (
            &["--dry-run", "--signature-nonce", "has space"][..],
            "invalid --signature-nonce",
        ),
        (
            &["--region", "a", "--region", "b", "--endpoint", &closed][..],
            "'--region",
        ),
        (
            &["--max-attempts", "0", "--endpoint", &closed][..],
            "--max-attempts",
        ),
        (
            &["--endpoint", "http://example.com", "--dry-run"][..],
            "plain http",
        ),
    ] {
        let run = with(extra);
        assert_eq!(run.code, 2, "{extra:?}: {run:?}");
        assert!(
            run.stderr.contains(needle),
            "{needle:?} not in {}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn missing_credentials_or_region() {
    let args = [
        "call",
        "StopDISyncInstance",
        "--ProjectId",
        "1",
        "--TaskType",
        "DI_REALTIME",
        "--FileId",
        "1",
    ];
    let closed = dwdi_test_support::closed_port_endpoint();
    let run = dwdi(Creds::None, &[&args[..], &["--endpoint", &closed]].concat());
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("no Alibaba Cloud credentials found"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"),
        "{run:?}"
    );

    let run = dwdi(Creds::Keys, &args);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no region"), "{run:?}");
    run.assert_no_secrets(false);

    // The region from the environment is enough.
    let env = Env::new(Creds::Keys).var("ALIBABA_CLOUD_REGION_ID", "cn-shanghai");
    let run = env.run(&[&args[..], &["--dry-run"]].concat());
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("dataworks.cn-shanghai.aliyuncs.com"),
        "{run:?}"
    );
}
