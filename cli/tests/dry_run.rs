//! `dwdi call --dry-run`: one reviewed snapshot per operation (page examples as parameters,
//! fixed fake credentials, pinned date and nonce), the signature checked by the shared
//! independent verifier, and the secret/token rules.

mod common;

use common::*;
use serde_json::Value;

fn dry_run_args(op: &str, params: &[(&str, &str)]) -> Vec<String> {
    let mut args: Vec<String> = vec!["call".into(), op.into()];
    args.extend(param_args(params));
    args.extend(
        [
            "--dry-run",
            "--region",
            "cn-hangzhou",
            "--signature-date",
            DATE,
            "--signature-nonce",
            NONCE,
        ]
        .map(String::from),
    );
    args
}

fn dry_run(creds: Creds, op: &str, params: &[(&str, &str)]) -> (Run, Value) {
    let run = dwdi(creds, &dry_run_args(op, params));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON object");
    (run, json)
}

#[test]
fn snapshots_of_each_operation() {
    for (op, params) in examples() {
        let (run, json) = dry_run(Creds::Keys, op, &params);
        run.assert_no_secrets(false);
        assert_eq!(json["headers"]["x-acs-action"], op);
        assert!(json["headers"].get("x-acs-security-token").is_none());
        insta::assert_json_snapshot!(op, json);
    }
}

#[test]
fn sts_token_header_is_shown_and_the_secret_never() {
    let (op, params) = &examples()[2];
    let (run, json) = dry_run(Creds::Sts, op, params);
    run.assert_no_secrets(true);
    let headers = &json["headers"];
    assert_eq!(headers["x-acs-security-token"], SECURITY_TOKEN);
    assert_eq!(headers["x-acs-accesskey-id"], ACCESS_KEY_ID);
    let auth = headers["authorization"].as_str().expect("authorization");
    assert!(
        auth.contains("x-acs-security-token"),
        "token is signed: {auth}"
    );
    verify_signature(&json, ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    insta::assert_json_snapshot!("StartDISyncInstance_sts", json);
}

#[test]
fn signatures_verify_independently() {
    for (op, params) in examples() {
        let (_, json) = dry_run(Creds::Keys, op, &params);
        verify_signature(&json, ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    }
}

#[test]
fn output_is_exactly_one_object_with_sorted_headers() {
    let (op, params) = &examples()[0];
    let (run, json) = dry_run(Creds::Keys, op, params);
    let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["method", "url", "headers", "body"]);
    let names: Vec<&String> = json["headers"]
        .as_object()
        .expect("headers")
        .keys()
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(
        names
            .iter()
            .all(|n| n.chars().all(|c| !c.is_ascii_uppercase()))
    );
    // Headers sorted in the text itself, not only after parsing.
    let host = run.stdout.find("\"host\"").expect("host");
    let action = run.stdout.find("\"x-acs-action\"").expect("action");
    assert!(host < action);
    assert_eq!(json["method"], "POST");
    assert_eq!(json["body"], "");
}

#[test]
fn same_request_whatever_the_flag_position_or_pair_form() {
    let (op, params) = &examples()[2];
    let (_, expected) = dry_run(Creds::Keys, op, params);
    let mut args: Vec<String> = [
        "call",
        "--dry-run",
        "--signature-nonce",
        NONCE,
        op,
        "--region=cn-hangzhou",
    ]
    .map(String::from)
    .to_vec();
    for (n, v) in params.iter().rev() {
        args.push(format!("--{n}={v}"));
    }
    args.push(format!("--signature-date={DATE}"));
    let run = dwdi(Creds::Keys, &args);
    assert_eq!(run.code, 0, "{run:?}");
    let got: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(got, expected);
}

#[test]
fn an_offset_date_signs_the_same_instant() {
    let (op, params) = &examples()[0];
    let (_, expected) = dry_run(Creds::Keys, op, params);
    let mut args = dry_run_args(op, params);
    let i = args.iter().position(|a| a == DATE).expect("date arg");
    args[i] = "2024-01-02T11:04:05+08:00".into();
    let run = dwdi(Creds::Keys, &args);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).expect("json"),
        expected
    );
}

#[test]
fn without_pins_the_date_is_now_and_the_nonce_fresh() {
    let (op, params) = &examples()[0];
    let mut args: Vec<String> = vec!["call".into(), (*op).into()];
    args.extend(param_args(params));
    args.extend(["--dry-run", "--region", "cn-hangzhou"].map(String::from));
    let a: Value = serde_json::from_str(&dwdi(Creds::Keys, &args).stdout).expect("json");
    let b: Value = serde_json::from_str(&dwdi(Creds::Keys, &args).stdout).expect("json");
    let nonce = |v: &Value| {
        v["headers"]["x-acs-signature-nonce"]
            .as_str()
            .map(String::from)
    };
    assert_ne!(nonce(&a), nonce(&b));
    assert_eq!(nonce(&a).map(|n| n.len()), Some(32));
    verify_signature(&a, ACCESS_KEY_ID, ACCESS_KEY_SECRET);
}

#[test]
fn dry_run_sends_nothing() {
    let server = TestServer::start_on_thread(vec![]);
    let (op, params) = &examples()[3];
    let mut args: Vec<String> = vec!["call".into(), (*op).into(), "--dry-run".into()];
    args.extend(param_args(params));
    args.extend(["--endpoint".into(), server.endpoint()]);
    let run = dwdi(Creds::Keys, &args);
    assert_eq!(run.code, 0, "{run:?}");
    let json: Value = serde_json::from_str(&run.stdout).expect("json");
    assert!(
        json["url"]
            .as_str()
            .is_some_and(|u| u.starts_with(&format!("{}/?", server.endpoint()))),
        "{json}"
    );
    assert_eq!(json["headers"]["host"], server.addr.to_string());
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(server.received().is_empty());
}

#[test]
fn credentials_come_from_the_named_profile() {
    let env = Env::new(Creds::None);
    let dir = env.home().join(".aliyun");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("config.json"),
        format!(
            r#"{{"current":"default","profiles":[
                {{"name":"default","mode":"AK","access_key_id":"defaultId","access_key_secret":"x","region_id":"cn-shanghai"}},
                {{"name":"work","mode":"AK","access_key_id":"workId","access_key_secret":"{ACCESS_KEY_SECRET}","region_id":"cn-beijing"}}]}}"#
        ),
    )
    .expect("write profile");
    let (op, params) = &examples()[0];
    let mut args: Vec<String> = ["call", op, "--dry-run", "--profile", "work"]
        .map(String::from)
        .to_vec();
    args.extend(param_args(params));
    let run = env.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    run.assert_no_secrets(false);
    let json: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["headers"]["host"], "dataworks.cn-beijing.aliyuncs.com");
    let auth = json["headers"]["authorization"].as_str().expect("auth");
    assert!(auth.contains("Credential=workId,"), "{auth}");
    verify_signature(&json, "workId", ACCESS_KEY_SECRET);
}

/// Checks a printed dry-run with the shared verifier (`dwdi-wire-verify`, independent of the
/// runtime's signer): a V3 signature by `key_id` with `secret`, for the URL's host.
fn verify_signature(json: &Value, key_id: &str, secret: &str) {
    let text = |v: &Value| v.as_str().expect("a string").to_owned();
    let headers: Vec<(String, String)> = json["headers"]
        .as_object()
        .expect("headers")
        .iter()
        .map(|(name, value)| (name.clone(), text(value)))
        .collect();
    let url = text(&json["url"]);
    let (path, query) = dwdi_wire_verify::split_target(&url);
    let method = text(&json["method"]);
    let body = text(&json["body"]);
    let request = dwdi_wire_verify::Request {
        method: &method,
        path,
        query,
        headers: &headers,
        body: body.as_bytes(),
    };
    let parsed = dwdi_wire_verify::verify(request, secret).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(parsed.scheme(), dwdi_wire_verify::Scheme::V3(_)));
    assert_eq!(parsed.access_key_id(), key_id);
    let host = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split(['/', '?']).next())
        .expect("a host in the URL");
    assert_eq!(parsed.request().header("host"), Some(host));
}

#[test]
fn the_dry_run_check_accepts_the_published_vector() {
    // Alibaba's V3 documentation vector (ECS RunInstances), as a dry-run would print it: the
    // JSON-to-request adaptation above loses nothing.
    use dwdi_wire_verify::vectors::v3;
    let headers: serde_json::Map<String, Value> = v3::headers()
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect();
    let json = serde_json::json!({
        "method": v3::METHOD,
        "url": format!("https://{}/?{}", v3::HOST, v3::QUERY),
        "headers": headers,
        "body": "",
    });
    verify_signature(&json, v3::ACCESS_KEY_ID, v3::ACCESS_KEY_SECRET);
}
