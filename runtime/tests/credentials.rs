//! Credential sources, the chain's order, the CLI profile file, and region resolution.
//! The environment is a `MapEnv`: the process environment is never touched.

use std::path::Path;

use dwdi_runtime::credentials::{ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN};
use dwdi_runtime::endpoint::{ENV_REGION_ID, resolve_region};
use dwdi_runtime::profile::{ProfileError, ProfileFile};
use dwdi_runtime::{
    ChainProvider, ConfigError, Credentials, CredentialsError, CredentialsProvider, EnvProvider,
    Error, MapEnv, ProfileProvider, RegionMap, RegionSource, Runtime, StaticProvider,
};
use std::sync::Arc;

const PROFILE: &str = r#"{
  "current": "work",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "ak-default", "access_key_secret": "sk-default", "region_id": "cn-shanghai"},
    {"name": "work", "mode": "AK", "access_key_id": "ak-work", "access_key_secret": "sk-work", "sts_token": "", "region_id": "cn-beijing"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "sk-sts", "sts_token": "tok-sts", "region_id": ""},
    {"name": "sts-broken", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "sk-sts"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y", "ram_role_arn": "acs:ram::1:role/r"}
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

#[test]
fn chain_prefers_environment_over_profile() {
    let home = tempfile::tempdir().expect("tempdir");
    write_profile(home.path(), PROFILE);
    let env = env_keys().with_home(home.path());
    let (c, source) = ChainProvider::default_chain(Arc::new(env), None, None)
        .resolve()
        .expect("credentials");
    assert_eq!(c.access_key_id(), "ak-env");
    assert!(source.starts_with("environment"), "{source}");
}

#[test]
fn chain_falls_back_to_the_current_profile_under_home() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = write_profile(home.path(), PROFILE);
    let env = MapEnv::new().with_home(home.path());
    let (c, source) = ChainProvider::default_chain(Arc::new(env), None, None)
        .resolve()
        .expect("credentials");
    assert_eq!(c.access_key_id(), "ak-work");
    assert_eq!(c.access_key_secret().expose(), "sk-work");
    assert!(
        c.security_token().is_none(),
        "an empty sts_token means none"
    );
    assert!(source.contains(&path.display().to_string()), "{source}");
}

#[test]
fn static_keys_come_first_in_the_runtime() {
    let rt = Runtime::builder()
        .env(env_keys())
        .credentials(Credentials::new("ak-static", "sk-static"))
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .build()
        .expect("runtime");
    assert_eq!(rt.credentials_source(), "static keys");
    let chain = ChainProvider::new(vec![
        Box::new(StaticProvider(Credentials::new("ak-static", "sk"))),
        Box::new(EnvProvider::new(Arc::new(env_keys()))),
    ]);
    assert_eq!(
        chain.resolve().expect("creds").0.access_key_id(),
        "ak-static"
    );
}

#[test]
fn chain_says_which_sources_it_tried() {
    let home = tempfile::tempdir().expect("tempdir");
    let env = MapEnv::new().with_home(home.path());
    let err = ChainProvider::default_chain(Arc::new(env), None, None)
        .resolve()
        .expect_err("nothing configured");
    let text = err.to_string();
    assert!(matches!(&err, CredentialsError::NotFound { tried } if tried.len() == 2));
    assert!(
        text.contains("environment (ALIBABA_CLOUD_ACCESS_KEY_ID"),
        "{text}"
    );
    assert!(text.contains("not set"), "{text}");
    assert!(
        text.contains(".aliyun/config.json (no such file)"),
        "{text}"
    );

    let no_home = ChainProvider::default_chain(Arc::new(MapEnv::new()), None, None)
        .resolve()
        .expect_err("nothing configured");
    assert!(
        no_home.to_string().contains("no home directory"),
        "{no_home}"
    );
}

#[test]
fn environment_reads_an_sts_token_and_rejects_half_a_key_pair() {
    let env = env_keys().with(ENV_SECURITY_TOKEN, "tok-env");
    let c = EnvProvider::new(Arc::new(env))
        .provide()
        .expect("ok")
        .expect("some");
    assert_eq!(c.security_token().map(|t| t.expose()), Some("tok-env"));

    let half = MapEnv::new().with(ENV_ACCESS_KEY_ID, "ak");
    let err = EnvProvider::new(Arc::new(half))
        .provide()
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
            .provide()
            .expect("ok")
            .is_none()
    );
}

#[test]
fn profile_modes_ak_and_sts_token_and_named_profiles() {
    let path = Path::new("/virtual/config.json");
    let file = ProfileFile::parse(path, PROFILE).expect("parses");
    let current = file
        .select(None)
        .expect("current")
        .credentials()
        .expect("ak");
    assert_eq!(current.access_key_id(), "ak-work");

    let default = file
        .select(Some("default"))
        .expect("named")
        .credentials()
        .expect("ak");
    assert_eq!(default.access_key_id(), "ak-default");

    let sts = file.select(Some("sts")).expect("named");
    assert_eq!(sts.mode, "StsToken");
    assert_eq!(sts.region_id, None, "an empty region_id means none");
    let c = sts.credentials().expect("sts");
    assert_eq!(c.access_key_id(), "STS.id");
    assert_eq!(c.security_token().map(|t| t.expose()), Some("tok-sts"));

    let broken = file
        .select(Some("sts-broken"))
        .expect("named")
        .credentials();
    let e = broken.expect_err("no token");
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
    assert!(e.to_string().contains("/virtual/config.json"), "{e}");

    let role = file.select(Some("role")).expect("named").credentials();
    let e = role.expect_err("unsupported");
    let text = e.to_string();
    assert!(
        text.contains("RamRoleArn") && text.contains("supported modes: AK, StsToken"),
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
fn profile_provider_uses_an_explicit_path_and_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_profile(dir.path(), PROFILE);
    let p = ProfileProvider::new(Some(path), Some("sts".into()));
    let c = p.provide().expect("ok").expect("some");
    assert_eq!(c.access_key_id(), "STS.id");
    let missing = ProfileProvider::new(Some(dir.path().join("absent.json")), None);
    assert!(
        missing
            .provide()
            .expect("a missing file is not an error")
            .is_none()
    );
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
    ];
    for (text, expected) in cases {
        let path = write_profile(dir.path(), text);
        let p = ProfileProvider::new(Some(path.clone()), None);
        let err = p.provide().expect_err("malformed");
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
fn region_comes_from_caller_then_env_then_profile() {
    let file = ProfileFile::parse(Path::new("/p.json"), PROFILE).expect("parses");
    let profile = file.select(None).expect("current");
    let env = MapEnv::new().with(ENV_REGION_ID, "cn-shenzhen");
    let none = MapEnv::new();

    let r = resolve_region(Some("cn-hangzhou"), &env, Some(profile)).expect("caller");
    assert_eq!(r, ("cn-hangzhou".to_owned(), RegionSource::Caller));
    let r = resolve_region(None, &env, Some(profile)).expect("env");
    assert_eq!(r, ("cn-shenzhen".to_owned(), RegionSource::Environment));
    let r = resolve_region(None, &none, Some(profile)).expect("profile");
    assert_eq!(
        r,
        (
            "cn-beijing".to_owned(),
            RegionSource::Profile {
                name: "work".into()
            }
        )
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
fn runtime_derives_the_endpoint_from_the_region_map() {
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
    // Region from the profile (cn-beijing), default pattern.
    let rt = build(env_keys(), None).expect("runtime");
    assert_eq!(
        rt.endpoint().base_url(),
        "https://dataworks.cn-beijing.aliyuncs.com/"
    );
    // Listed region.
    let rt = build(env_keys(), Some("cn-qingdao")).expect("runtime");
    assert_eq!(rt.endpoint().base_url(), "https://dataworks.aliyuncs.com/");
    // Environment region beats the profile's.
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

#[test]
fn invalid_endpoints_are_rejected_with_the_reason() {
    for (bad, why) in [
        ("", "empty"),
        ("ftp://x.example", "neither https nor http"),
        ("https://x.example/path", "path"),
        ("https://user:pw@x.example", "user information"),
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
