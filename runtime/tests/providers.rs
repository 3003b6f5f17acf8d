//! Each provider of Alibaba's credentials chain against a loopback stand-in: STS
//! (AssumeRole, AssumeRoleWithOIDC), the ECS metadata service, a credentials URI. No request
//! ever leaves 127.0.0.1: every STS and metadata address is overridden.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use dwdi_runtime::credentials::{ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET};
use dwdi_runtime::provider::ecs::{CREDENTIALS_PATH, TOKEN_HEADER, TOKEN_PATH, TOKEN_TTL_HEADER};
use dwdi_runtime::provider::env::{
    ENV_CREDENTIALS_URI, ENV_ECS_METADATA, ENV_ECS_METADATA_DISABLED, ENV_IMDSV1_DISABLED,
    ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME,
    ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED,
};
use dwdi_runtime::{
    AcsDate, Credentials, CredentialsError, CredentialsProvider, CredentialsSource, DefaultChain,
    EcsRamRoleProvider, Error, ErrorKind, ManualClock, MapEnv, OidcRoleArnProvider,
    RamRoleArnProvider, RetryPolicy, RpcRequest, Runtime, StaticProvider, StsEndpoint,
};
use dwdi_test_support::verify_v3;
use support::{OK, Response, StandIn, flat_answer, sts_answer};

fn clock() -> ManualClock {
    ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_704_067_200)) // 2024-01-01T00:00:00Z
}

/// The clock's time plus `secs`, in the wire format.
fn expiry(clock: &ManualClock, secs: u64) -> String {
    use dwdi_runtime::Clock;
    AcsDate::from_system_time(clock.now() + Duration::from_secs(secs))
        .as_str()
        .to_owned()
}

fn request() -> RpcRequest {
    RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18")
        .param("ProjectId", "10000")
        .param("TaskType", "DI_REALTIME")
        .param("FileId", "100")
}

fn no_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }
}

fn source() -> Arc<dyn CredentialsProvider> {
    Arc::new(StaticProvider(Credentials::new(
        "LTAI-source-id",
        "source-secret-value",
    )))
}

fn write_profile(dir: &Path, text: &str) {
    let aliyun = dir.join(".aliyun");
    std::fs::create_dir_all(&aliyun).expect("mkdir");
    std::fs::write(aliyun.join("config.json"), text).expect("write profile");
}

/// The DataWorks request was signed with these role credentials.
fn assert_signed_by(dw: &StandIn, key_id: &str, secret: &str, token: &str) {
    for r in dw.requests() {
        let auth = r.header("authorization").expect("authorization");
        assert!(auth.contains(&format!("Credential={key_id},")), "{auth}");
        assert_eq!(r.header("x-acs-security-token"), Some(token));
        verify_v3(&r.received(), secret).expect("DataWorks request verifies");
    }
}

#[tokio::test]
async fn ram_role_arn_assumes_the_role_with_a_signed_sts_call() {
    let clock = clock();
    let c = clock.clone();
    let sts = StandIn::start(move |_| {
        Response::json(
            200,
            sts_answer(
                "STS.role-key",
                "role-secret",
                "role-token",
                &expiry(&c, 3600),
            ),
        )
    });
    let dw = StandIn::start(|_| Response::json(200, OK));
    let provider = RamRoleArnProvider::builder(source(), "acs:ram::123:role/deployer")
        .session_name("ci-run")
        .duration_seconds(1800)
        .policy(r#"{"Version":"1","Statement":[]}"#)
        .external_id("ext-42")
        .sts_endpoint(StsEndpoint::default().endpoint(sts.url()))
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("provider");
    assert!(
        provider
            .describe()
            .contains("RAM role acs:ram::123:role/deployer (AssumeRole at 127.0.0.1:"),
        "{}",
        provider.describe()
    );
    let rt = Runtime::builder()
        .credentials_provider(provider)
        .endpoint(dw.url())
        .clock(clock.clone())
        .build()
        .expect("runtime");
    rt.call(request()).await.expect("call");

    let [r] = sts.requests().try_into().expect("one STS call");
    assert_eq!(r.method, "POST");
    assert_eq!(r.path(), "/");
    assert_eq!(r.header("x-acs-action"), Some("AssumeRole"));
    assert_eq!(r.header("x-acs-version"), Some("2015-04-01"));
    for (name, value) in [
        ("RoleArn", "acs:ram::123:role/deployer"),
        ("RoleSessionName", "ci-run"),
        ("DurationSeconds", "1800"),
        ("Policy", r#"{"Version":"1","Statement":[]}"#),
        ("ExternalId", "ext-42"),
    ] {
        assert_eq!(r.query_param(name).as_deref(), Some(value), "{name}");
    }
    let auth = r.header("authorization").expect("signed");
    assert!(auth.contains("Credential=LTAI-source-id,"), "{auth}");
    verify_v3(&r.received(), "source-secret-value").expect("the STS call verifies");
    assert!(!r.target.contains("source-secret-value"));

    assert_eq!(dw.count(), 1);
    assert_signed_by(&dw, "STS.role-key", "role-secret", "role-token");
    let creds = rt.credentials().await.expect("cached");
    assert_eq!(
        creds.expiration(),
        Some(UNIX_EPOCH + Duration::from_secs(1_704_067_200 + 3600))
    );
}

#[tokio::test]
async fn an_sts_error_is_reported_with_its_code_and_never_the_source_secret() {
    let sts = StandIn::start(|_| {
        Response::json(
            403,
            r#"{"RequestId":"sts-403","HostId":"sts.aliyuncs.com","Code":"NoPermission","Message":"You are not authorized to do this action. Key source-secret-value"}"#,
        )
    });
    let dw = StandIn::start(|_| Response::json(200, OK));
    let provider = RamRoleArnProvider::builder(source(), "acs:ram::123:role/deployer")
        .sts_endpoint(StsEndpoint::default().endpoint(sts.url()))
        .build()
        .expect("provider");
    let rt = Runtime::builder()
        .credentials_provider(provider)
        .endpoint(dw.url())
        .retry(no_retries())
        .build()
        .expect("runtime");
    let err = rt.call(request()).await.expect_err("no role");
    assert!(
        matches!(
            &err,
            Error::Credentials(CredentialsError::Fetch {
                transient: false,
                ..
            })
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Client);
    let text = err.to_string();
    assert!(
        text.contains("RAM role acs:ram::123:role/deployer")
            && text.contains("HTTP 403 NoPermission")
            && text.contains("sts-403"),
        "{text}"
    );
    assert!(!text.contains("source-secret-value"), "{text}");
    assert!(!format!("{err:?}").contains("source-secret-value"));
    assert_eq!(dw.count(), 0, "nothing is sent without credentials");
}

#[tokio::test]
async fn an_unreachable_sts_is_transient_and_retried_by_the_call_loop() {
    let closed = dwdi_test_support::closed_port().await;
    let provider = RamRoleArnProvider::builder(source(), "acs:ram::123:role/deployer")
        .sts_endpoint(StsEndpoint::default().endpoint(format!("http://127.0.0.1:{closed}")))
        .build()
        .expect("provider");
    let sleeper = dwdi_test_support::RecordingSleeper::default();
    let rt = Runtime::builder()
        .credentials_provider(provider)
        .endpoint("http://127.0.0.1:9")
        .retry(RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::default()
        })
        .sleeper(sleeper.clone())
        .build()
        .expect("runtime");
    let err = rt.call(request()).await.expect_err("no STS");
    assert_eq!(err.kind(), ErrorKind::Transient);
    assert!(
        matches!(err, Error::RetriesExhausted { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("cannot connect to"), "{err}");
    assert_eq!(sleeper.delays().len(), 1);
}

#[tokio::test]
async fn a_redirect_from_sts_is_refused_and_never_followed() {
    let elsewhere = StandIn::start(|_| Response::json(200, "{}"));
    let target = format!("{}/steal?SecurityToken=abc", elsewhere.url());
    let sts = StandIn::start(move |_| Response::json(302, "").header("location", &target));
    let provider = RamRoleArnProvider::builder(source(), "acs:ram::123:role/deployer")
        .sts_endpoint(StsEndpoint::default().endpoint(sts.url()))
        .build()
        .expect("provider");
    let err = provider.provide().await.expect_err("redirect");
    let text = err.to_string();
    assert!(
        text.contains("HTTP 302")
            && text.contains(&format!("{}/steal", elsewhere.url()))
            && !text.contains("SecurityToken"),
        "{text}"
    );
    assert_eq!(elsewhere.count(), 0);
}

#[tokio::test]
async fn a_chainable_role_profile_signs_with_its_source_profile_s_sts_credentials() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(
        home.path(),
        r#"{"current":"chained","profiles":[
          {"name":"base","mode":"StsToken","access_key_id":"STS.base-id","access_key_secret":"base-secret","sts_token":"base-token"},
          {"name":"chained","mode":"ChainableRamRoleArn","source_profile":"base","ram_role_arn":"acs:ram::9:role/target","ram_session_name":"chain","expired_seconds":900},
          {"name":"loop-a","mode":"ChainableRamRoleArn","source_profile":"loop-b","ram_role_arn":"acs:ram::9:role/a"},
          {"name":"loop-b","mode":"ChainableRamRoleArn","source_profile":"loop-a","ram_role_arn":"acs:ram::9:role/b"}
        ]}"#,
    );
    let clock = clock();
    let c = clock.clone();
    let sts = StandIn::start(move |_| {
        Response::json(
            200,
            sts_answer(
                "STS.chained",
                "chained-secret",
                "chained-token",
                &expiry(&c, 900),
            ),
        )
    });
    let dw = StandIn::start(|_| Response::json(200, OK));
    let rt = Runtime::builder()
        .env(MapEnv::new().with_home(home.path()))
        .sts_endpoint(sts.url())
        .endpoint(dw.url())
        .clock(clock.clone())
        .build()
        .expect("runtime");
    assert!(
        matches!(rt.credentials_source(), CredentialsSource::DefaultProfile { name, .. } if name == "chained")
    );
    rt.call(request()).await.expect("call");
    let [r] = sts.requests().try_into().expect("one STS call");
    assert_eq!(
        r.query_param("RoleArn").as_deref(),
        Some("acs:ram::9:role/target")
    );
    assert_eq!(r.query_param("RoleSessionName").as_deref(), Some("chain"));
    assert_eq!(r.query_param("DurationSeconds").as_deref(), Some("900"));
    assert!(
        r.header("authorization")
            .is_some_and(|a| a.contains("Credential=STS.base-id,"))
    );
    assert_eq!(r.header("x-acs-security-token"), Some("base-token"));
    verify_v3(&r.received(), "base-secret").expect("verifies");
    assert_signed_by(&dw, "STS.chained", "chained-secret", "chained-token");

    let err = Runtime::builder()
        .env(MapEnv::new().with_home(home.path()))
        .profile("loop-a")
        .endpoint(dw.url())
        .build()
        .expect_err("loop");
    assert!(
        err.to_string().contains("loop-a -> loop-b -> loop-a"),
        "{err}"
    );
}

#[tokio::test]
async fn oidc_from_the_environment_sends_the_token_in_the_body_and_rereads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "eyJ.first-token.sig\n").expect("token");
    let clock = clock();
    let c = clock.clone();
    let sts = StandIn::start(move |r| {
        let n = r.form_param("OIDCToken").unwrap_or_default();
        let key = if n.contains("first") {
            "STS.oidc-1"
        } else {
            "STS.oidc-2"
        };
        Response::json(
            200,
            sts_answer(key, "oidc-secret", "oidc-token", &expiry(&c, 3600)),
        )
    });
    let dw = StandIn::start(|_| Response::json(200, OK));
    let env = MapEnv::new()
        .with_home(dir.path())
        .with(ENV_ROLE_ARN, "acs:ram::5:role/pod")
        .with(ENV_OIDC_PROVIDER_ARN, "acs:ram::5:oidc-provider/ack-rrsa")
        .with(ENV_OIDC_TOKEN_FILE, token_file.to_string_lossy())
        .with(ENV_ROLE_SESSION_NAME, "pod-session");
    let rt = Runtime::builder()
        .env(env)
        .sts_endpoint(sts.url())
        .endpoint(dw.url())
        .clock(clock.clone())
        .build()
        .expect("runtime");
    assert_eq!(rt.credentials_source(), &CredentialsSource::OidcEnvironment);
    rt.call(request()).await.expect("call");

    let [r] = sts.requests().try_into().expect("one STS call");
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.query_param("Action").as_deref(),
        Some("AssumeRoleWithOIDC")
    );
    assert_eq!(r.query_param("Version").as_deref(), Some("2015-04-01"));
    assert_eq!(r.query_param("Format").as_deref(), Some("JSON"));
    assert_eq!(
        r.query_param("Timestamp").as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    assert!(
        !r.target.contains("token"),
        "the token stays out of the URL: {}",
        r.target
    );
    assert!(
        r.header("authorization").is_none(),
        "AssumeRoleWithOIDC is anonymous"
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    for (name, value) in [
        ("OIDCToken", "eyJ.first-token.sig"),
        ("RoleArn", "acs:ram::5:role/pod"),
        ("OIDCProviderArn", "acs:ram::5:oidc-provider/ack-rrsa"),
        ("RoleSessionName", "pod-session"),
        ("DurationSeconds", "3600"),
    ] {
        assert_eq!(r.form_param(name).as_deref(), Some(value), "{name}");
    }
    assert_signed_by(&dw, "STS.oidc-1", "oidc-secret", "oidc-token");

    // The token rotates; the next fetch (after expiry) reads the new one.
    std::fs::write(&token_file, "eyJ.second-token.sig").expect("token");
    clock.advance(Duration::from_secs(3600));
    rt.call(request()).await.expect("call");
    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].form_param("OIDCToken").as_deref(),
        Some("eyJ.second-token.sig")
    );
    let last = dw.requests().pop().expect("second call");
    assert!(
        last.header("authorization")
            .is_some_and(|a| a.contains("Credential=STS.oidc-2,"))
    );

    // A missing token file is reported by path, before anything reaches DataWorks.
    std::fs::remove_file(&token_file).expect("rm");
    clock.advance(Duration::from_secs(3600));
    let err = rt.call(request()).await.expect_err("no token");
    assert!(
        err.to_string().contains("cannot open the OIDC token file")
            && err.to_string().contains(&token_file.display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn oidc_and_ram_role_profiles_read_their_settings() {
    let home = tempfile::tempdir().expect("tempdir");
    let token_file = home.path().join("oidc-token");
    std::fs::write(&token_file, "eyJ.profile.sig").expect("token");
    write_profile(
        home.path(),
        &format!(
            r#"{{"current":"rrsa","profiles":[
              {{"name":"rrsa","mode":"OIDC","ram_role_arn":"acs:ram::7:role/app","oidc_provider_arn":"acs:ram::7:oidc-provider/p","oidc_token_file":{:?},"ram_session_name":"from-profile","expired_seconds":2400,"policy":"{{}}"}},
              {{"name":"role","mode":"RamRoleArn","access_key_id":"LTAI-profile","access_key_secret":"profile-secret","ram_role_arn":"acs:ram::7:role/ops"}}
            ]}}"#,
            token_file.to_string_lossy()
        ),
    );
    let clock = clock();
    let c = clock.clone();
    let sts = StandIn::start(move |_| {
        Response::json(
            200,
            sts_answer("STS.p", "p-secret", "p-token", &expiry(&c, 3600)),
        )
    });
    let dw = StandIn::start(|_| Response::json(200, OK));
    let build = |profile: &str| {
        Runtime::builder()
            .env(MapEnv::new().with_home(home.path()))
            .profile(profile)
            .sts_endpoint(sts.url())
            .endpoint(dw.url())
            .clock(clock.clone())
            .build()
            .expect("runtime")
    };
    build("rrsa").call(request()).await.expect("oidc call");
    build("role").call(request()).await.expect("role call");
    let [oidc, role] = sts.requests().try_into().expect("two STS calls");
    assert_eq!(
        oidc.form_param("OIDCToken").as_deref(),
        Some("eyJ.profile.sig")
    );
    assert_eq!(
        oidc.form_param("RoleSessionName").as_deref(),
        Some("from-profile")
    );
    assert_eq!(oidc.form_param("DurationSeconds").as_deref(), Some("2400"));
    assert_eq!(oidc.form_param("Policy").as_deref(), Some("{}"));
    assert_eq!(role.header("x-acs-action"), Some("AssumeRole"));
    assert_eq!(role.query_param("DurationSeconds").as_deref(), Some("3600"));
    assert!(
        role.query_param("RoleSessionName")
            .is_some_and(|s| s.starts_with("dwdi-")),
        "a default session name"
    );
    verify_v3(&role.received(), "profile-secret").expect("verifies");
}

#[tokio::test]
async fn a_credentials_uri_is_read_with_get_and_its_query_never_shown() {
    let clock = clock();
    let c = clock.clone();
    let uri = StandIn::start(move |r| {
        if r.query_param("fail").is_some() {
            Response::json(200, r#"{"Code":"Failure","Message":"no creds for you"}"#)
        } else {
            Response::json(
                200,
                flat_answer("STS.uri", "uri-secret", "uri-token", &expiry(&c, 3600)),
            )
        }
    });
    let dw = StandIn::start(|_| Response::json(200, OK));
    let build = |query: &str| {
        Runtime::builder()
            .env(MapEnv::new().with(
                ENV_CREDENTIALS_URI,
                format!("{}/v1/credentials?auth=query-secret{query}", uri.url()),
            ))
            .endpoint(dw.url())
            .clock(clock.clone())
            .retry(no_retries())
            .build()
            .expect("runtime")
    };
    let rt = build("");
    assert_eq!(
        rt.credentials_source(),
        &CredentialsSource::CredentialsUriEnvironment
    );
    rt.call(request()).await.expect("call");
    let [r] = uri.requests().try_into().expect("one fetch");
    assert_eq!(r.method, "GET");
    assert_eq!(r.path(), "/v1/credentials");
    assert_eq!(r.query_param("auth").as_deref(), Some("query-secret"));
    assert_signed_by(&dw, "STS.uri", "uri-secret", "uri-token");

    let err = build("&fail=1").call(request()).await.expect_err("Failure");
    let text = err.to_string();
    assert!(
        text.contains("\"Failure\", not \"Success\"")
            && text.contains(&format!("{}/v1/credentials", uri.url())),
        "{text}"
    );
    assert!(!text.contains("query-secret"), "{text}");
    let e = dwdi_runtime::CredentialsUriProvider::new("http://user:TopSecretPw@127.0.0.1/")
        .expect_err("userinfo");
    let text = format!("{e} {e:?}");
    assert!(
        text.contains("user information") && !text.contains("TopSecretPw"),
        "{text}"
    );
}

/// The metadata stand-in: token-protected mode unless `token_status` is not 200.
fn metadata(clock: &ManualClock, token_status: u16) -> StandIn {
    let c = clock.clone();
    StandIn::start(move |r| {
        let token_ok = r.header(TOKEN_HEADER) == Some("imds-token");
        match (r.method.as_str(), r.path()) {
            ("PUT", TOKEN_PATH) if token_status == 200 => {
                assert_eq!(r.header(TOKEN_TTL_HEADER), Some("21600"));
                Response::text(200, "imds-token")
            }
            ("PUT", TOKEN_PATH) => Response::text(token_status, "no tokens here"),
            // In token mode, reads without the token are refused.
            ("GET", _) if token_status == 200 && !token_ok => Response::text(401, ""),
            ("GET", CREDENTIALS_PATH) => Response::text(200, "ecs-role\n"),
            ("GET", p) if p == format!("{CREDENTIALS_PATH}ecs-role") => Response::json(
                200,
                flat_answer("STS.ecs", "ecs-secret", "ecs-token", &expiry(&c, 21_600)),
            ),
            _ => Response::text(404, "not found"),
        }
    })
}

#[tokio::test]
async fn an_ecs_role_profile_discovers_the_role_with_a_metadata_token() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(
        home.path(),
        r#"{"current":"ecs","profiles":[{"name":"ecs","mode":"EcsRamRole"}]}"#,
    );
    let clock = clock();
    let md = metadata(&clock, 200);
    let dw = StandIn::start(|_| Response::json(200, OK));
    let rt = Runtime::builder()
        .env(MapEnv::new().with_home(home.path()))
        .ecs_metadata_endpoint(md.url())
        .endpoint(dw.url())
        .clock(clock.clone())
        .build()
        .expect("runtime");
    rt.call(request()).await.expect("call");
    let seen: Vec<(String, String, Option<String>)> = md
        .requests()
        .into_iter()
        .map(|r| {
            let token = r.header(TOKEN_HEADER).map(str::to_owned);
            (r.method, r.target, token)
        })
        .collect();
    let token = Some("imds-token".to_owned());
    assert_eq!(
        seen,
        vec![
            ("PUT".into(), TOKEN_PATH.into(), None),
            ("GET".into(), CREDENTIALS_PATH.into(), token.clone()),
            ("GET".into(), format!("{CREDENTIALS_PATH}ecs-role"), token),
        ]
    );
    assert_signed_by(&dw, "STS.ecs", "ecs-secret", "ecs-token");
}

#[tokio::test]
async fn ecs_from_the_environment_names_the_role_and_falls_back_only_when_allowed() {
    let clock = clock();
    let dw = StandIn::start(|_| Response::json(200, OK));
    let build = |md: &StandIn, env: MapEnv| {
        Runtime::builder()
            .env(env.with(ENV_ECS_METADATA, "ecs-role"))
            .ecs_metadata_endpoint(md.url())
            .endpoint(dw.url())
            .clock(clock.clone())
            .retry(no_retries())
            .build()
            .expect("runtime")
    };
    // The role named: no listing.
    let md = metadata(&clock, 200);
    let rt = build(&md, MapEnv::new());
    assert_eq!(
        rt.credentials_source(),
        &CredentialsSource::EcsMetadataEnvironment
    );
    rt.call(request()).await.expect("call");
    assert_eq!(md.count(), 2);

    // No token to be had: plain reads.
    let plain = metadata(&clock, 403);
    build(&plain, MapEnv::new())
        .call(request())
        .await
        .expect("plain mode");
    let reads: Vec<Option<String>> = plain
        .requests()
        .iter()
        .skip(1)
        .map(|r| r.header(TOKEN_HEADER).map(str::to_owned))
        .collect();
    assert_eq!(reads, vec![None]);

    // Unless the plain mode is disabled.
    let strict = metadata(&clock, 403);
    let err = build(&strict, MapEnv::new().with(ENV_IMDSV1_DISABLED, "true"))
        .call(request())
        .await
        .expect_err("token required");
    assert!(err.to_string().contains("gave no token (HTTP 403"), "{err}");
    assert_eq!(strict.count(), 1);
}

#[test]
fn role_based_sources_follow_oidc_then_uri_then_ecs_and_ecs_only_when_opted_in() {
    let all = MapEnv::new()
        .with(ENV_ROLE_ARN, "acs:ram::5:role/pod")
        .with(ENV_OIDC_PROVIDER_ARN, "acs:ram::5:oidc-provider/p")
        .with(ENV_OIDC_TOKEN_FILE, "/var/run/token")
        .with(ENV_CREDENTIALS_URI, "http://127.0.0.1:1/creds")
        .with(ENV_ECS_METADATA, "ecs-role");
    let pick = |env: MapEnv| DefaultChain::new(Arc::new(env)).select().map(|s| s.source);
    assert_eq!(
        pick(all.clone()).expect("oidc"),
        CredentialsSource::OidcEnvironment
    );
    let no_oidc = all.clone().with(ENV_OIDC_TOKEN_FILE, "");
    assert_eq!(
        pick(no_oidc.clone()).expect("uri"),
        CredentialsSource::CredentialsUriEnvironment
    );
    let ecs_only = no_oidc.with(ENV_CREDENTIALS_URI, "");
    assert_eq!(
        pick(ecs_only.clone()).expect("ecs"),
        CredentialsSource::EcsMetadataEnvironment
    );
    // Everything before them wins over them: the environment's keys.
    let keys = all
        .with(ENV_ACCESS_KEY_ID, "ak")
        .with(ENV_ACCESS_KEY_SECRET, "sk");
    assert_eq!(pick(keys).expect("env"), CredentialsSource::Environment);
    // Switched off.
    let err = pick(ecs_only.with(ENV_ECS_METADATA_DISABLED, "true")).expect_err("off");
    assert!(
        err.to_string()
            .contains("ECS RAM role (disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED)"),
        "{err}"
    );
}

#[test]
fn sts_endpoints_and_role_settings_are_checked_before_anything_is_sent() {
    let describe = |env: MapEnv| {
        OidcRoleArnProvider::builder("acs:ram::5:role/pod", "acs:ram::5:oidc-provider/p", "/t")
            .sts_endpoint(StsEndpoint::from_env(&env))
            .build()
            .expect("provider")
            .describe()
    };
    assert!(describe(MapEnv::new()).contains("at sts.aliyuncs.com"));
    assert!(
        describe(MapEnv::new().with(ENV_STS_REGION, "cn-shanghai"))
            .contains("at sts.cn-shanghai.aliyuncs.com")
    );
    assert!(
        describe(
            MapEnv::new()
                .with(ENV_STS_REGION, "cn-shanghai")
                .with(ENV_VPC_ENDPOINT_ENABLED, "true")
        )
        .contains("at sts-vpc.cn-shanghai.aliyuncs.com")
    );
    let invalid =
        |b: dwdi_runtime::provider::RamRoleArnBuilder| b.build().expect_err("invalid").to_string();
    let role = || RamRoleArnProvider::builder(source(), "acs:ram::5:role/r");
    let text = invalid(role().duration_seconds(60));
    assert!(text.contains("expected 900..=43200 seconds"), "{text}");
    let text =
        invalid(role().sts_endpoint(StsEndpoint::default().endpoint("http://sts.example.com")));
    assert!(
        text.contains("refusing to send credentials over plain http"),
        "{text}"
    );
    let text = invalid(role().sts_endpoint(StsEndpoint::default().region("cn-hangzhou.evil.com/")));
    assert!(text.contains("invalid STS region"), "{text}");
    let text = invalid(RamRoleArnProvider::builder(source(), ""));
    assert!(text.contains("no role ARN"), "{text}");
    let e = EcsRamRoleProvider::builder()
        .metadata_endpoint("http://u:TopSecret@127.0.0.1/")
        .build()
        .expect_err("userinfo");
    assert!(!e.to_string().contains("TopSecret"), "{e}");
}

#[tokio::test]
async fn a_dry_run_signs_with_fetched_role_credentials_or_says_they_are_not_fetched() {
    let clock = clock();
    let c = clock.clone();
    let sts = StandIn::start(move |_| {
        Response::json(
            200,
            sts_answer("STS.dry", "dry-secret", "dry-token", &expiry(&c, 3600)),
        )
    });
    let provider = RamRoleArnProvider::builder(source(), "acs:ram::1:role/r")
        .sts_endpoint(StsEndpoint::default().endpoint(sts.url()))
        .build()
        .expect("provider");
    let rt = Runtime::builder()
        .credentials_provider(provider)
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .clock(clock)
        .build()
        .expect("runtime");
    assert_eq!(sts.count(), 0, "building fetches nothing");
    let unfetched = rt.sign_only(&request());
    assert!(
        unfetched
            .header("authorization")
            .is_some_and(|a| a.contains(dwdi_runtime::transport::UNFETCHED_KEY_ID)),
        "{unfetched:?}"
    );
    let fetched = rt.sign_only_fetched(&request()).await.expect("fetched");
    assert!(
        fetched
            .header("authorization")
            .is_some_and(|a| a.contains("Credential=STS.dry,"))
    );
    assert_eq!(fetched.header("x-acs-security-token"), Some("dry-token"));
    // From then on the plain dry-run has them too.
    assert!(
        rt.sign_only(&request())
            .header("authorization")
            .is_some_and(|a| a.contains("Credential=STS.dry,"))
    );
    assert_eq!(sts.count(), 1);
}

#[tokio::test]
async fn role_secrets_stay_out_of_debug_errors_and_logs() {
    use std::io::Write;
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Buffer {
            self.clone()
        }
    }
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(buffer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tempfile::tempdir().expect("tempdir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "eyJ.oidc-jwt-SECRET.sig").expect("token");
    let clock = clock();
    let c = clock.clone();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let n = calls.clone();
    // First answer fine, then STS fails while echoing what it was sent.
    let sts = StandIn::start(move |r| {
        if n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Response::json(
                200,
                sts_answer("STS.k", "ROLE-SECRET-1", "ROLE-TOKEN-1", &expiry(&c, 3600)),
            )
        } else {
            Response::json(
                400,
                format!(
                    r#"{{"RequestId":"r","Code":"InvalidParameter","Message":"bad token {}"}}"#,
                    r.form_param("OIDCToken").unwrap_or_default()
                ),
            )
        }
    });
    let dw = StandIn::start(|_| Response::json(200, OK));
    let env = MapEnv::new()
        .with(ENV_ROLE_ARN, "acs:ram::5:role/pod")
        .with(ENV_OIDC_PROVIDER_ARN, "acs:ram::5:oidc-provider/p")
        .with(ENV_OIDC_TOKEN_FILE, token_file.to_string_lossy());
    let rt = Runtime::builder()
        .env(env)
        .sts_endpoint(sts.url())
        .endpoint(dw.url())
        .clock(clock.clone())
        .retry(no_retries())
        .build()
        .expect("runtime");
    rt.call(request()).await.expect("first");
    let debug = format!("{rt:?}");
    // Inside the refresh window: the failed refresh is logged, the call still works.
    clock.advance(Duration::from_secs(3000));
    rt.call(request()).await.expect("old credentials");
    // After expiry: the error.
    clock.advance(Duration::from_secs(700));
    let err = rt.call(request()).await.expect_err("expired");
    let texts = [
        debug,
        err.to_string(),
        format!("{err:?}"),
        String::from_utf8_lossy(&buffer.0.lock().expect("lock")).into_owned(),
    ];
    assert!(
        texts[3].contains("refreshing credentials failed"),
        "{}",
        texts[3]
    );
    assert!(texts[1].contains("InvalidParameter"), "{}", texts[1]);
    for text in &texts {
        for secret in ["ROLE-SECRET-1", "ROLE-TOKEN-1", "oidc-jwt-SECRET"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
