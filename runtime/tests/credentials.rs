//! Credential sources, the chain's precedence rule, the CLI profile file, region resolution
//! and the warning for credentials and region from two places. The environment is a
//! `MapEnv`: the process environment is never touched. Nothing here uses the network.

use std::path::Path;
use std::sync::Arc;

use dwdi_runtime::credentials::{ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN};
use dwdi_runtime::endpoint::{ENV_REGION_ID, ProfileRef, resolve_region};
use dwdi_runtime::profile::{ENV_PROFILE, ProfileError, ProfileFile, ProfileKind};
use dwdi_runtime::provider::NamedBy;
use dwdi_runtime::{
    ConfigError, Credentials, CredentialsError, CredentialsProvider, CredentialsSource,
    DefaultChain, EnvProvider, Error, MapEnv, RegionMap, RegionSource, Runtime,
};

const PROFILE: &str = r#"{
  "current": "work",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "ak-default", "access_key_secret": "sk-default", "region_id": "cn-shanghai"},
    {"name": "work", "mode": "AK", "access_key_id": "ak-work", "access_key_secret": "sk-work", "sts_token": "", "region_id": "cn-beijing"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "sk-sts", "sts_token": "tok-sts", "region_id": ""},
    {"name": "sts-broken", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "sk-sts"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y", "ram_role_arn": "acs:ram::1:role/r", "expired_seconds": 1800, "sts_region": "cn-hangzhou"},
    {"name": "role-broken", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y"},
    {"name": "sso", "mode": "CloudSSO"}
  ],
  "meta_path": ""
}"#;

const DATAWORKS: RegionMap = RegionMap::new(
    &[
        ("cn-qingdao", "dataworks.aliyuncs.com"),
        ("cn-zhangjiakou", "dataworks.aliyuncs.com"),
    ],
    "dataworks.{regionId}.aliyuncs.com",
);

fn write_profile(dir: &Path, text: &str) -> std::path::PathBuf {
    let aliyun = dir.join(".aliyun");
    std::fs::create_dir_all(&aliyun).expect("mkdir");
    let path = aliyun.join("config.json");
    std::fs::write(&path, text).expect("write profile");
    path
}

fn env_keys() -> MapEnv {
    MapEnv::new()
        .with(ENV_ACCESS_KEY_ID, "ak-env")
        .with(ENV_ACCESS_KEY_SECRET, "sk-env")
}

/// The chain's choice and, for sources that hold keys, the keys.
fn resolve(chain: DefaultChain) -> Result<(Credentials, CredentialsSource), CredentialsError> {
    let selected = chain.select()?;
    let creds = selected
        .provider
        .provide_now()
        .expect("a key source has its keys at hand")?;
    Ok((creds, selected.source))
}

#[test]
fn the_environment_keys_win_over_the_default_profile() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(home.path(), PROFILE);
    let env = env_keys().with_home(home.path());
    let (c, source) = resolve(DefaultChain::new(Arc::new(env))).expect("credentials");
    assert_eq!(c.access_key_id(), "ak-env");
    assert_eq!(source, CredentialsSource::Environment);
    assert!(source.to_string().starts_with("environment"), "{source}");
}

/// Issue 13 #2: with the environment's keys AND a named profile, the named profile wins —
/// its keys and its region, for the chain and the runtime alike.
#[test]
fn a_named_profile_wins_over_the_environment_keys() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = write_profile(home.path(), PROFILE);
    let env = || {
        env_keys()
            .with(ENV_REGION_ID, "ap-southeast-1")
            .with_home(home.path())
    };

    let (c, source) =
        resolve(DefaultChain::new(Arc::new(env())).profile("default")).expect("credentials");
    assert_eq!(c.access_key_id(), "ak-default");
    assert_eq!(
        source,
        CredentialsSource::NamedProfile {
            name: "default".into(),
            path: path.clone(),
            named_by: NamedBy::Caller,
        }
    );

    let rt = Runtime::builder()
        .env(env())
        .profile("default")
        .region_map(DATAWORKS)
        .build()
        .expect("runtime");
    assert!(
        matches!(rt.credentials_source(), CredentialsSource::NamedProfile { name, .. } if name == "default"),
        "{}",
        rt.credentials_source()
    );
    // The named profile's region too, not the environment's.
    assert_eq!(
        rt.region(),
        Some((
            "cn-shanghai",
            &RegionSource::Profile {
                name: "default".into()
            }
        ))
    );
    assert!(rt.warnings().is_empty(), "{:?}", rt.warnings());
    let signed = rt.sign_only(&dwdi_runtime::RpcRequest::new("A", "2020-05-18"));
    let auth = signed.header("authorization").expect("authorization");
    assert!(auth.contains("Credential=ak-default,"), "{auth}");

    // ALIBABA_CLOUD_PROFILE names a profile as --profile does.
    let (c, source) =
        resolve(DefaultChain::new(Arc::new(env().with(ENV_PROFILE, "sts")))).expect("credentials");
    assert_eq!(c.access_key_id(), "STS.id");
    assert!(
        matches!(
            source,
            CredentialsSource::NamedProfile {
                named_by: NamedBy::Environment,
                ..
            }
        ),
        "{source:?}"
    );
    assert!(
        source
            .to_string()
            .contains("named by ALIBABA_CLOUD_PROFILE"),
        "{source}"
    );
    // The flag beats the variable.
    let (c, _) =
        resolve(DefaultChain::new(Arc::new(env().with(ENV_PROFILE, "sts"))).profile("default"))
            .expect("credentials");
    assert_eq!(c.access_key_id(), "ak-default");
}

#[test]
fn a_named_profile_that_is_missing_is_an_error_not_a_fallback() {
    let home = tempfile::tempdir().expect("tempdir");
    // No file at all.
    let err = DefaultChain::new(Arc::new(env_keys().with_home(home.path())))
        .profile("work")
        .select()
        .expect_err("named, no file");
    let text = err.to_string();
    assert!(
        matches!(err, CredentialsError::Profile(ProfileError::NoFile { .. })),
        "{err:?}"
    );
    assert!(
        text.contains("\"work\"") && text.contains("aliyun configure --profile work"),
        "{text}"
    );
    // A file without that profile.
    write_profile(home.path(), PROFILE);
    let err = DefaultChain::new(Arc::new(env_keys().with_home(home.path())))
        .profile("nope")
        .select()
        .expect_err("named, absent");
    assert!(err.to_string().contains("\"nope\" not found"), "{err}");
}

#[test]
fn the_chain_falls_back_to_the_current_profile_under_home() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = write_profile(home.path(), PROFILE);
    let env = MapEnv::new().with_home(home.path());
    let (c, source) = resolve(DefaultChain::new(Arc::new(env))).expect("credentials");
    assert_eq!(c.access_key_id(), "ak-work");
    assert_eq!(c.access_key_secret().expose(), "sk-work");
    assert!(
        c.security_token().is_none(),
        "an empty sts_token means none"
    );
    assert_eq!(
        source,
        CredentialsSource::DefaultProfile {
            name: "work".into(),
            path: path.clone()
        }
    );
    assert!(
        source.to_string().contains(&path.display().to_string()),
        "{source}"
    );
}

#[test]
fn static_keys_come_first_in_the_runtime() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(home.path(), PROFILE);
    let rt = Runtime::builder()
        .env(env_keys().with_home(home.path()))
        .profile("work")
        .credentials(Credentials::new("ak-static", "sk-static"))
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .build()
        .expect("runtime");
    assert_eq!(
        rt.credentials_source().to_string(),
        "static keys given in code"
    );
    let signed = rt.sign_only(&dwdi_runtime::RpcRequest::new("A", "2020-05-18"));
    assert!(
        signed
            .header("authorization")
            .is_some_and(|a| a.contains("Credential=ak-static,"))
    );
}

#[test]
fn the_chain_says_which_sources_it_tried_and_never_reaches_for_the_metadata_service() {
    let home = tempfile::tempdir().expect("tempdir");
    let env = MapEnv::new().with_home(home.path());
    let err = DefaultChain::new(Arc::new(env))
        .select()
        .expect_err("nothing configured");
    let text = err.to_string();
    let CredentialsError::NotFound { tried } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(tried.len(), 5, "{tried:?}");
    for expected in [
        "environment (ALIBABA_CLOUD_ACCESS_KEY_ID",
        "not set",
        ".aliyun/config.json (no such file)",
        "OIDC role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE not set)",
        "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI not set)",
        "ECS RAM role (not enabled: set ALIBABA_CLOUD_ECS_METADATA",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }

    let no_home = DefaultChain::new(Arc::new(MapEnv::new()))
        .select()
        .expect_err("nothing configured");
    assert!(
        no_home.to_string().contains("no home directory"),
        "{no_home}"
    );

    // A file with no current profile and none named default offers nothing, without error.
    write_profile(
        home.path(),
        r#"{"profiles":[{"name":"x","access_key_id":"a","access_key_secret":"b"}]}"#,
    );
    let err = DefaultChain::new(Arc::new(MapEnv::new().with_home(home.path())))
        .select()
        .expect_err("no default");
    assert!(
        err.to_string()
            .contains("no current profile, and none named \"default\""),
        "{err}"
    );
}

#[test]
fn the_environment_reads_an_sts_token_and_rejects_half_a_key_pair() {
    let env = env_keys().with(ENV_SECURITY_TOKEN, "tok-env");
    let c = EnvProvider::new(Arc::new(env))
        .keys()
        .expect("ok")
        .expect("some");
    assert_eq!(c.security_token().map(|t| t.expose()), Some("tok-env"));

    let half = MapEnv::new().with(ENV_ACCESS_KEY_ID, "ak");
    let err = EnvProvider::new(Arc::new(half))
        .keys()
        .expect_err("incomplete");
    assert!(
        err.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        "{err}"
    );
    // Empty values count as unset.
    let empty = MapEnv::new()
        .with(ENV_ACCESS_KEY_ID, "")
        .with(ENV_ACCESS_KEY_SECRET, "");
    assert!(
        EnvProvider::new(Arc::new(empty))
            .keys()
            .expect("ok")
            .is_none()
    );
    // Half a pair stops the chain with that error rather than moving on.
    let err = Runtime::builder()
        .env(MapEnv::new().with(ENV_ACCESS_KEY_SECRET, "sk"))
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .build()
        .expect_err("incomplete");
    assert!(
        matches!(
            err,
            Error::Credentials(CredentialsError::IncompleteEnv { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn profile_modes_are_validated_by_kind() {
    let path = Path::new("/virtual/config.json");
    let file = ProfileFile::parse(path, PROFILE).expect("parses");
    let kind = |name: &str| file.select(Some(name)).expect("named").kind();

    assert!(matches!(
        kind("work").expect("ak"),
        ProfileKind::AccessKey {
            access_key_id: "ak-work",
            ..
        }
    ));
    let sts = file.select(Some("sts")).expect("named");
    assert_eq!(sts.mode, "StsToken");
    assert_eq!(sts.region_id, None, "an empty region_id means none");
    let ProfileKind::StsToken { sts_token, .. } = sts.kind().expect("sts") else {
        panic!("not StsToken");
    };
    assert_eq!(sts_token.expose(), "tok-sts");

    let ProfileKind::RamRoleArn { role, .. } = kind("role").expect("role") else {
        panic!("not RamRoleArn");
    };
    assert_eq!(role.role_arn, "acs:ram::1:role/r");
    assert_eq!(role.duration_seconds, Some(1800));
    assert_eq!(role.sts_region, Some("cn-hangzhou"));

    let e = kind("sts-broken").expect_err("no token");
    assert!(
        matches!(
            &e,
            ProfileError::MissingField {
                field: "sts_token",
                ..
            }
        ),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(text.contains("/virtual/config.json"), "{text}");
    assert!(
        text.contains("needs access_key_id, access_key_secret, sts_token"),
        "{text}"
    );

    let e = kind("role-broken").expect_err("no role");
    assert!(
        e.to_string()
            .contains("has no \"ram_role_arn\"; that mode needs access_key_id, access_key_secret, ram_role_arn"),
        "{e}"
    );

    let text = kind("sso").expect_err("unsupported").to_string();
    assert!(
        text.contains("\"CloudSSO\"")
            && text.contains(
                "supported modes: AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC, CredentialsURI"
            ),
        "{text}"
    );

    let e = file.select(Some("nope")).expect_err("missing profile");
    let text = e.to_string();
    assert!(
        text.contains("\"nope\"") && text.contains("default, work, sts"),
        "{text}"
    );
}

#[test]
fn an_explicit_profile_path_and_name_are_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_profile(dir.path(), PROFILE);
    let (c, _) = resolve(
        DefaultChain::new(Arc::new(MapEnv::new()))
            .profile_path(&path)
            .profile("sts"),
    )
    .expect("credentials");
    assert_eq!(c.access_key_id(), "STS.id");
    // A missing file is not an error when no profile is named.
    let err = DefaultChain::new(Arc::new(MapEnv::new()))
        .profile_path(dir.path().join("absent.json"))
        .select()
        .expect_err("nothing");
    assert!(matches!(err, CredentialsError::NotFound { .. }), "{err:?}");
}

#[test]
fn a_malformed_profile_file_is_a_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            r#"{"current": "default", "profiles": [ {"name": "default", "#,
            "not valid JSON",
        ),
        (
            r#"["not", "an", "object"]"#,
            "top level is not a JSON object",
        ),
        (
            r#"{"profiles": {"name": "x"}}"#,
            "\"profiles\" is not an array",
        ),
        (
            r#"{"profiles": [{"mode": "AK"}]}"#,
            "profiles[0] has no \"name\"",
        ),
        (
            r#"{"profiles": [{"name": "d", "access_key_secret": 12345}]}"#,
            "profiles[0].access_key_secret is not a string",
        ),
        (
            r#"{"profiles": [{"name": "d", "expired_seconds": "soon"}]}"#,
            "profiles[0].expired_seconds is not a non-negative integer",
        ),
    ];
    for (text, expected) in cases {
        let path = write_profile(dir.path(), text);
        let err = DefaultChain::new(Arc::new(MapEnv::new()))
            .profile_path(&path)
            .select()
            .expect_err("malformed");
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains(expected), "{msg}");
        assert!(msg.contains("expected JSON like"), "{msg}");
        assert!(!msg.contains("12345"), "the value is never quoted: {msg}");
    }
    // Through the runtime builder too.
    let path = write_profile(dir.path(), "{oops");
    let err = Runtime::builder()
        .env(MapEnv::new())
        .profile_path(&path)
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .build()
        .expect_err("malformed");
    assert!(
        matches!(err, Error::Credentials(CredentialsError::Profile(_))),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn a_profile_file_over_the_size_cap_is_refused_by_bytes_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(r#"{"profiles":[],"pad":""#);
    text.push_str(&" ".repeat(dwdi_runtime::profile::MAX_PROFILE_FILE_BYTES as usize));
    text.push_str("\"}");
    let path = write_profile(dir.path(), &text);
    let err = ProfileFile::load(&path).expect_err("too big");
    assert!(matches!(err, ProfileError::TooBig { .. }), "{err:?}");
    assert!(err.to_string().contains("too big"), "{err}");
}

#[test]
fn the_region_comes_from_caller_then_named_profile_then_env_then_default_profile() {
    let file = ProfileFile::parse(Path::new("/p.json"), PROFILE).expect("parses");
    let work = file.select(None).expect("current");
    let sts = file.select(Some("sts")).expect("no region");
    let env = MapEnv::new().with(ENV_REGION_ID, "cn-shenzhen");
    let none = MapEnv::new();
    let named = Some(ProfileRef::Named(work));
    let default = Some(ProfileRef::Default(work));

    let r = resolve_region(Some("cn-hangzhou"), &env, named).expect("caller");
    assert_eq!(r, ("cn-hangzhou".to_owned(), RegionSource::Caller));
    let from_work = (
        "cn-beijing".to_owned(),
        RegionSource::Profile {
            name: "work".into(),
        },
    );
    assert_eq!(resolve_region(None, &env, named).expect("named"), from_work);
    let r = resolve_region(None, &env, default).expect("env");
    assert_eq!(r, ("cn-shenzhen".to_owned(), RegionSource::Environment));
    // A named profile without a region leaves it to the environment.
    let r = resolve_region(None, &env, Some(ProfileRef::Named(sts))).expect("env");
    assert_eq!(r.1, RegionSource::Environment);
    assert_eq!(
        resolve_region(None, &none, default).expect("default"),
        from_work
    );
    let err = resolve_region(None, &none, None).expect_err("none");
    let text = err.to_string();
    assert!(matches!(err, ConfigError::NoRegion));
    assert!(
        text.contains("explicitly")
            && text.contains("ALIBABA_CLOUD_REGION_ID")
            && text.contains("region_id"),
        "{text}"
    );
    let err = resolve_region(Some("cn-hangzhou.evil.com/"), &none, None).expect_err("bad");
    assert!(
        err.to_string().contains("expected lower-case letters"),
        "{err}"
    );
}

#[test]
fn the_runtime_derives_the_endpoint_from_the_region_map() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(home.path(), PROFILE);
    let build = |env: MapEnv, region: Option<&str>| {
        let mut b = Runtime::builder()
            .env(env.with_home(home.path()))
            .region_map(DATAWORKS);
        if let Some(r) = region {
            b = b.region(r);
        }
        b.build()
    };
    // Region from the default profile (cn-beijing), default pattern.
    let rt = build(env_keys(), None).expect("runtime");
    assert_eq!(
        rt.endpoint().base_url(),
        "https://dataworks.cn-beijing.aliyuncs.com/"
    );
    // Listed region.
    let rt = build(env_keys(), Some("cn-qingdao")).expect("runtime");
    assert_eq!(rt.endpoint().base_url(), "https://dataworks.aliyuncs.com/");
    // The environment's region beats the default profile's.
    let rt = build(env_keys().with(ENV_REGION_ID, "ap-southeast-1"), None).expect("runtime");
    assert_eq!(
        rt.endpoint().host(),
        "dataworks.ap-southeast-1.aliyuncs.com"
    );
    assert_eq!(
        rt.region().map(|(_, s)| s.clone()),
        Some(RegionSource::Environment)
    );
    // An explicit endpoint wins over the map.
    let rt = Runtime::builder()
        .env(env_keys())
        .region_map(DATAWORKS)
        .region("cn-qingdao")
        .endpoint("https://dataworks-vpc.cn-qingdao.aliyuncs.com:8443")
        .build()
        .expect("runtime");
    assert_eq!(
        rt.endpoint().host_header(),
        "dataworks-vpc.cn-qingdao.aliyuncs.com:8443"
    );
    // No region anywhere.
    let err = Runtime::builder()
        .env(env_keys())
        .region_map(DATAWORKS)
        .build()
        .expect_err("no region");
    assert!(
        matches!(err, Error::Config(ConfigError::NoRegion)),
        "{err:?}"
    );
    // Neither endpoint nor map.
    let err = Runtime::builder()
        .env(env_keys())
        .region("cn-hangzhou")
        .build();
    assert!(matches!(err, Err(Error::Config(ConfigError::NoEndpoint))));
}

/// Credentials and region from two different places are never combined silently.
#[test]
fn credentials_and_region_from_two_places_are_named_in_a_warning() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(home.path(), PROFILE);
    let build = |env: MapEnv, profile: Option<&str>, region: Option<&str>| {
        let mut b = Runtime::builder()
            .env(env.with_home(home.path()))
            .region_map(DATAWORKS);
        if let Some(p) = profile {
            b = b.profile(p);
        }
        if let Some(r) = region {
            b = b.region(r);
        }
        b.build().expect("runtime")
    };

    // The environment's keys with the default profile's region.
    let rt = build(env_keys(), None, None);
    let [w] = rt.warnings() else {
        panic!("{:?}", rt.warnings());
    };
    assert!(
        w.contains("environment (ALIBABA_CLOUD_ACCESS_KEY_ID")
            && w.contains("cn-beijing")
            && w.contains("profile \"work\"'s region_id"),
        "{w}"
    );
    // A named profile without a region, with the environment's region.
    let rt = build(
        env_keys().with(ENV_REGION_ID, "cn-hangzhou"),
        Some("sts"),
        None,
    );
    let [w] = rt.warnings() else {
        panic!("{:?}", rt.warnings());
    };
    assert!(
        w.contains("profile \"sts\"") && w.contains("the environment (ALIBABA_CLOUD_REGION_ID)"),
        "{w}"
    );

    // One place, or an explicit region: nothing to say.
    let quiet = [
        build(env_keys().with(ENV_REGION_ID, "cn-hangzhou"), None, None),
        build(MapEnv::new(), None, None),
        build(env_keys(), None, Some("cn-hangzhou")),
        build(env_keys(), Some("work"), None),
    ];
    for rt in quiet {
        assert!(rt.warnings().is_empty(), "{:?}", rt.warnings());
    }
}

#[test]
fn invalid_endpoints_are_rejected_with_the_reason_and_never_echo_userinfo() {
    for (bad, why) in [
        ("", "empty"),
        ("ftp://x.example", "neither https nor http"),
        ("https://x.example/path", "path"),
        (
            "https://LTAIuserKey:TopSecretValue@x.example",
            "user information",
        ),
        (
            "http://LTAIuserKey:TopSecretValue@127.0.0.1:8080/p",
            "user information",
        ),
        ("LTAIuserKey:TopSecretValue@x.example", "user information"),
    ] {
        let err = Runtime::builder()
            .env(env_keys())
            .endpoint(bad)
            .build()
            .expect_err(bad);
        let text = err.to_string();
        assert!(
            text.contains(why) && text.contains("expected a host"),
            "{bad}: {text}"
        );
        let debug = format!("{err:?}");
        for leak in ["TopSecretValue", "LTAIuserKey"] {
            assert!(
                !text.contains(leak) && !debug.contains(leak),
                "{text} {debug}"
            );
        }
    }
}

#[test]
fn a_broken_profile_does_not_block_a_fully_specified_runtime() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(home.path(), "{broken");
    let rt = Runtime::builder()
        .env(MapEnv::new().with_home(home.path()))
        .credentials(Credentials::new("id", "secret"))
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .build()
        .expect("explicit keys and endpoint need no profile");
    assert!(rt.region().is_none());
    // With a region map the region is needed, so the profile's error is reported.
    let err = Runtime::builder()
        .env(MapEnv::new().with_home(home.path()))
        .credentials(Credentials::new("id", "secret"))
        .region_map(DATAWORKS)
        .build()
        .expect_err("region needed");
    assert!(
        err.to_string()
            .contains("malformed Alibaba Cloud CLI profile file"),
        "{err}"
    );
}
