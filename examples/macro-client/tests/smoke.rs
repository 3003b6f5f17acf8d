//! The macro's expansion works as a client: descriptions, enums, builders and validation,
//! without sending anything (the endpoint is a closed loopback port).

use dwdi_example_macro_client::Client;
use dwdi_example_macro_client::meta::{API_VERSION, OPERATIONS, operation};
use dwdi_example_macro_client::types::{
    GetDiSyncInstanceInfoData, GetDiSyncInstanceInfoStatus, TaskType,
};
use dwdi_runtime::describe::Problem;
use dwdi_runtime::{Credentials, MapEnv};

fn client() -> Client {
    let runtime = Client::runtime_builder()
        // An empty environment: nothing from the machine running the tests leaks in.
        .env(MapEnv::new())
        .endpoint("http://127.0.0.1:1")
        .credentials(Credentials::new(
            "test-access-key-id",
            "test-access-key-secret",
        ))
        .build()
        .expect("a runtime with an explicit endpoint and keys builds");
    Client::new(runtime)
}

#[test]
fn the_expansion_describes_every_operation_of_the_spec() {
    let actions: Vec<&str> = OPERATIONS.iter().map(|op| op.action).collect();
    assert_eq!(
        actions,
        [
            "CreateDISyncTask",
            "GenerateDISyncTaskConfigForCreating",
            "GenerateDISyncTaskConfigForUpdating",
            "GetDISyncInstanceInfo",
            "QueryDISyncTaskConfigProcessResult",
            "StartDISyncInstance",
            "StopDISyncInstance",
            "UpdateDISyncTask",
        ]
    );
    assert!(operation("NoSuchAction").is_none());
}

#[test]
fn stop_accepts_only_real_time_tasks() {
    let stop = operation("StopDISyncInstance").expect("described");
    let with = |task_type| {
        stop.validate([
            ("ProjectId", "10000"),
            ("TaskType", task_type),
            ("FileId", "100"),
        ])
    };
    assert_eq!(with("DI_REALTIME"), Ok(()));
    let refused = with("DI_SOLUTION").expect_err("only DI_REALTIME can be stopped");
    assert_eq!(refused.parameter, "TaskType");
    assert!(
        matches!(&refused.problem, Problem::Invalid { value, .. } if value == "DI_SOLUTION"),
        "{refused:?}"
    );
}

#[test]
fn enums_keep_values_they_do_not_know() {
    assert_eq!(TaskType::from("DI_REALTIME"), TaskType::DiRealtime);
    assert!(matches!(TaskType::from("NEW"), TaskType::Unknown(v) if v.as_str() == "NEW"));
    assert_eq!(TaskType::from("NEW").as_str(), "NEW");
    assert_eq!(TaskType::DiSolution.to_string(), "DI_SOLUTION");

    let data: GetDiSyncInstanceInfoData =
        serde_json::from_str(r#"{"Status": "RESTARTING", "Message": null, "Name": "t"}"#)
            .expect("an unknown status still decodes");
    assert!(matches!(
        &data.status,
        GetDiSyncInstanceInfoStatus::Unknown(v) if v.as_str() == "RESTARTING"
    ));
    assert_eq!(data.name.as_deref(), Some("t"));
}

#[test]
fn a_builder_makes_the_request_with_the_pages_example_values() {
    let client = client();
    let builder = client
        .start_di_sync_instance()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .start_param(r#"{"failoverLimit":{"count":10,"interval":30}}"#);
    assert_eq!(
        builder.to_params(),
        [
            ("ProjectId", "10000".to_owned()),
            ("TaskType", "DI_REALTIME".to_owned()),
            ("FileId", "100".to_owned()),
            (
                "StartParam",
                r#"{"failoverLimit":{"count":10,"interval":30}}"#.to_owned()
            ),
        ]
    );
    let request = builder.to_request().expect("the example values are valid");
    assert_eq!(request.action, "StartDISyncInstance");
    assert_eq!(request.version, API_VERSION);
    let names: Vec<&str> = request.params.iter().map(|(n, _)| n.as_ref()).collect();
    assert_eq!(names, ["ProjectId", "TaskType", "FileId", "StartParam"]);
}

#[test]
fn a_builder_refuses_project_id_0_naming_the_parameter() {
    let client = client();
    let refused = client
        .get_di_sync_instance_info()
        .project_id(0)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .to_request()
        .expect_err("ProjectId starts at 1");
    assert_eq!(refused.operation, "GetDISyncInstanceInfo");
    assert_eq!(refused.parameter, "ProjectId");
    assert!(refused.to_string().contains("ProjectId"), "{refused}");

    let missing = client
        .get_di_sync_instance_info()
        .task_type(TaskType::DiRealtime)
        .to_request()
        .expect_err("ProjectId is required");
    assert_eq!(missing.parameter, "ProjectId");
    assert!(matches!(missing.problem, Problem::Missing { .. }));
}
