//! Issue 13 #2 through the binary: what the user names explicitly wins (a named profile over
//! the environment's keys), two sources are never mixed without a warning, and an endpoint's
//! user information is never echoed.

mod common;

use common::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, Creds, Env, examples, param_args};
use serde_json::Value;

const PROFILES: &str = r#"{"current":"default","profiles":[
    {"name":"default","mode":"AK","access_key_id":"defaultId","access_key_secret":"default-secret","region_id":"cn-shanghai"},
    {"name":"work","mode":"AK","access_key_id":"workId","access_key_secret":"work-secret","region_id":"cn-beijing"}]}"#;

fn env_with_profiles(creds: Creds) -> Env {
    let env = Env::new(creds);
    let dir = env.home().join(".aliyun");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("config.json"), PROFILES).expect("write profile");
    env
}

fn dry_run(env: &Env, extra: &[&str]) -> (common::Run, Option<Value>) {
    let (op, params) = &examples()[0];
    let mut args: Vec<String> = ["call", op, "--dry-run"].map(String::from).to_vec();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.extend(param_args(params));
    let run = env.run(&args);
    let json = serde_json::from_str(&run.stdout).ok();
    (run, json)
}

fn key_and_host(json: &Value) -> (String, String) {
    let auth = json["headers"]["authorization"].as_str().expect("auth");
    let key = auth
        .split("Credential=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .expect("credential")
        .to_owned();
    let host = json["headers"]["host"].as_str().expect("host").to_owned();
    (key, host)
}

#[test]
fn a_named_profile_wins_over_the_environment_keys() {
    let env = env_with_profiles(Creds::Keys);
    let (run, json) = dry_run(&env, &["--profile", "work"]);
    assert_eq!(run.code, 0, "{run:?}");
    let (key, host) = key_and_host(&json.expect("json"));
    assert_eq!(
        key, "workId",
        "the named profile's keys, not {ACCESS_KEY_ID}"
    );
    assert_eq!(host, "dataworks.cn-beijing.aliyuncs.com");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    run.assert_no_secrets(false);

    // ALIBABA_CLOUD_PROFILE names a profile the same way.
    let env = env_with_profiles(Creds::Keys).var("ALIBABA_CLOUD_PROFILE", "work");
    let (run, json) = dry_run(&env, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(key_and_host(&json.expect("json")).0, "workId");
}

#[test]
fn environment_keys_with_a_profile_region_say_so_on_stderr() {
    let env = env_with_profiles(Creds::Keys);
    let (run, json) = dry_run(&env, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let (key, host) = key_and_host(&json.expect("json"));
    assert_eq!(key, ACCESS_KEY_ID);
    assert_eq!(host, "dataworks.cn-shanghai.aliyuncs.com");
    assert!(
        run.stderr
            .contains("warning: credentials come from environment")
            && run.stderr.contains("profile \"default\"'s region_id"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(ACCESS_KEY_SECRET));
    // An explicit region: nothing to warn about.
    let (run, _) = dry_run(&env, &["--region", "cn-hangzhou"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn an_endpoint_with_user_information_is_refused_without_echoing_it() {
    let env = Env::new(Creds::Keys);
    let (run, _) = dry_run(
        &env,
        &[
            "--endpoint",
            "http://LTAIembedded:EmbeddedSecret42@127.0.0.1:9",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("user information"), "{}", run.stderr);
    for leak in ["EmbeddedSecret42", "LTAIembedded"] {
        assert!(
            !run.stderr.contains(leak) && !run.stdout.contains(leak),
            "{run:?}"
        );
    }
}
