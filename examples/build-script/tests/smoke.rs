//! The client the build script generated works: descriptions, enums, builders, validation.
//! Nothing is sent (the endpoint is a closed loopback port).

use dwdi_example_build_script::Client;
use dwdi_example_build_script::meta::{OPERATIONS, SPEC_SHA256, operation};
use dwdi_example_build_script::types::{
    GetDiSyncInstanceInfoData, GetDiSyncInstanceInfoStatus, TaskType,
};
use dwdi_runtime::{Credentials, MapEnv};

fn client() -> Client {
    let runtime = Client::runtime_builder()
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
fn generated_from_the_workspace_spec() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/dataworks-di.json"
    ))
    .expect("the spec is readable");
    let spec: serde_json::Value = serde_json::from_str(&text).expect("the spec is JSON");
    let mut in_spec: Vec<&str> = spec["operations"]
        .as_object()
        .expect("operations")
        .keys()
        .map(String::as_str)
        .collect();
    in_spec.sort();
    let generated: Vec<&str> = OPERATIONS.iter().map(|op| op.action).collect();
    assert_eq!(generated, in_spec);
    assert_eq!(SPEC_SHA256.len(), 64);
    assert!(operation("StopDISyncInstance").is_some());
}

#[test]
fn builders_validate_and_enums_stay_open() {
    let client = client();
    let request = client
        .get_di_sync_instance_info()
        .project_id(10000)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .to_request()
        .expect("the page's example values are valid");
    assert_eq!(request.action, "GetDISyncInstanceInfo");

    let refused = client
        .get_di_sync_instance_info()
        .project_id(0)
        .task_type(TaskType::DiRealtime)
        .file_id(100)
        .to_request()
        .expect_err("ProjectId starts at 1");
    assert_eq!(refused.parameter, "ProjectId");

    assert!(matches!(TaskType::from("NEW"), TaskType::Unknown(v) if v.as_str() == "NEW"));
    let data: GetDiSyncInstanceInfoData =
        serde_json::from_str(r#"{"Status": "RESTARTING"}"#).expect("decodes");
    assert!(matches!(
        &data.status,
        GetDiSyncInstanceInfoStatus::Unknown(v) if v.as_str() == "RESTARTING"
    ));
}
