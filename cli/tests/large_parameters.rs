//! A parameter too long for a URL: `dwdi call` refuses it before sending (exit 2), naming the
//! parameter, its size and the limit (issue 13 #5).

mod common;

use common::*;

#[test]
fn a_50_kb_task_param_is_refused_with_its_name_size_and_the_limit() {
    let server = TestServer::start_on_thread(vec![]);
    let tables: Vec<String> = (0..5200).map(|i| format!("\"t {i}\"")).collect();
    let task_param = format!(
        r#"{{ "steps": [ {{ "parameter": {{ "connection": [ {{ "table": [ {} ] }} ] }}, "name": "Reader", "category": "reader" }} ] }}"#,
        tables.join(", ")
    );
    let size = task_param.len().to_string();
    let run = dwdi(
        Creds::Keys,
        &[
            "call",
            "GenerateDISyncTaskConfigForUpdating",
            "--ProjectId",
            "10000",
            "--TaskType",
            "DI_REALTIME",
            "--TaskId",
            "100",
            "--TaskParam",
            &task_param,
            "--endpoint",
            &server.endpoint(),
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    for needle in [
        "GenerateDISyncTaskConfigForUpdating",
        "TaskParam",
        size.as_str(),
        "65534",
    ] {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} not in {}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("Parsed Url"), "{}", run.stderr);
    assert!(
        run.stderr.len() < 2000,
        "the value is not echoed: {}",
        run.stderr.len()
    );
    run.assert_no_secrets(false);
    assert!(server.received().is_empty(), "nothing is sent");
}
