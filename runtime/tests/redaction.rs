//! Secrets (AccessKey secret, STS token) never appear in Debug, Display, errors or tracing.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dwdi_runtime::encode::encode;
use dwdi_runtime::{
    Credentials, MapEnv, RetryPolicy, RpcRequest, Runtime, Secret, SignatureVersion,
};
use dwdi_test_support::{RecordingSleeper, Reply, TestServer};
use tracing_subscriber::fmt::MakeWriter;

const SECRET: &str = "SuperSecretKey0123456789";
const TOKEN: &str = "CAIS+token/with=chars&more";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn assert_clean(what: &str, text: &str) {
    for s in [
        SECRET.to_owned(),
        TOKEN.to_owned(),
        encode(TOKEN),
        encode(&encode(TOKEN)),
    ] {
        assert!(!text.contains(&s), "{what} leaks {s:?}:\n{text}");
    }
}

fn creds() -> Credentials {
    Credentials::new("LTAI-visible-id", SECRET).with_security_token(TOKEN)
}

#[test]
fn debug_and_display_of_secrets_and_credentials_are_redacted() {
    let c = creds();
    let dbg = format!("{c:?}");
    assert_clean("Credentials Debug", &dbg);
    assert!(
        dbg.contains("LTAI-visible-id") && dbg.contains("***"),
        "{dbg}"
    );
    let s = Secret::new(SECRET);
    assert_clean("Secret Debug/Display", &format!("{s:?} {s}"));
    let env = MapEnv::new().with("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    assert_clean("MapEnv Debug", &format!("{env:?}"));
    let profile = dwdi_runtime::profile::ProfileFile::parse(
        std::path::Path::new("/p.json"),
        &format!(
            r#"{{"profiles":[{{"name":"d","mode":"StsToken","access_key_id":"i","access_key_secret":"{SECRET}","sts_token":"{}"}}]}}"#,
            TOKEN.replace('/', "\\/")
        ),
    )
    .expect("parses");
    assert_clean("ProfileFile Debug", &format!("{profile:?}"));
}

#[test]
fn runtime_and_signed_request_debug_are_redacted_for_both_versions() {
    for version in [SignatureVersion::V3, SignatureVersion::V2] {
        let rt = Runtime::builder()
            .credentials(creds())
            .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
            .signature_version(version)
            .build()
            .expect("runtime");
        assert_clean("Runtime Debug", &format!("{rt:?}"));
        let signed = rt.sign_only(&RpcRequest::new("A", "2020-05-18").param("P", "v"));
        assert_clean("SignedRequest Debug", &format!("{signed:?}"));
        assert_clean("redacted URL", &signed.redacted_url());
        // The explicit dry-run text shows the token (by design) but never the secret.
        let text = signed.to_http_text();
        assert!(!text.contains(SECRET));
        assert!(
            text.contains(TOKEN) || text.contains(&encode(TOKEN)),
            "{text}"
        );
    }
}

#[tokio::test]
async fn errors_and_tracing_output_never_show_the_secret_or_token() {
    // A V2 SignatureDoesNotMatch answer echoes the server's string to sign, which contains
    // the (twice-encoded) token; a careless gateway might echo it raw too.
    let echoed = format!(
        r#"{{"RequestId":"req-sig","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAI-visible-id%26SecurityToken%3D{}","Recommend":"raw {TOKEN}"}}"#,
        encode(&encode(TOKEN))
    );
    let server = TestServer::start(vec![
        Reply::json(
            503,
            r#"{"RequestId":"req-503","Code":"ServiceUnavailable"}"#,
        ),
        Reply::json(400, &echoed),
    ])
    .await;

    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(buffer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    for version in [SignatureVersion::V2] {
        let rt = Runtime::builder()
            .credentials(creds())
            .endpoint(server.endpoint())
            .signature_version(version)
            .sleeper(RecordingSleeper::default())
            .retry(RetryPolicy {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(10),
                jitter: false,
                ..RetryPolicy::default()
            })
            .build()
            .expect("runtime");
        let err = rt
            .call(RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18").param("FileId", "100"))
            .await
            .expect_err("signature error");
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
        assert_clean("error Display", &err.to_string());
        assert_clean("error Debug", &format!("{err:?}"));
        let s = err.service_error().expect("service error");
        assert_clean("error body", &s.body);
        assert!(s.body.contains("SecurityToken%3D***"), "{}", s.body);
    }
    // The token really was sent: the server saw it.
    assert!(server.received()[0].target.contains("SecurityToken="));

    // A transport error (V2 URL carries the token in its query).
    let port = dwdi_test_support::closed_port().await;
    let rt = Runtime::builder()
        .credentials(creds())
        .endpoint(format!("http://127.0.0.1:{port}"))
        .signature_version(SignatureVersion::V2)
        .retry(RetryPolicy::none())
        .build()
        .expect("runtime");
    let err = rt
        .call(RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18"))
        .await
        .expect_err("refused");
    assert_clean("transport error Display", &err.to_string());
    assert_clean("transport error Debug", &format!("{err:?}"));

    let logs = buffer.text();
    assert_clean("tracing output", &logs);
    // The span carries the operation, attempt, status and request id.
    assert!(logs.contains("dwdi.call"), "{logs}");
    assert!(logs.contains("operation=GetDISyncInstanceInfo"), "{logs}");
    assert!(logs.contains("dwdi.attempt{attempt=2"), "{logs}");
    assert!(
        logs.contains(
            "attempts=2 status=400 request_id=req-sig}: dwdi_runtime::transport: call failed"
        ),
        "{logs}"
    );
    assert!(logs.contains("status=400"), "{logs}");
    assert!(logs.contains("request_id=req-sig"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
}

#[test]
fn a_secret_in_the_request_id_header_of_an_error_answer_is_scrubbed() {
    // Found by the `response` fuzz target (fuzz/regressions/response): an answer whose body is
    // not JSON takes its request id from `x-acs-request-id`, which was not scrubbed.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-acs-request-id",
        format!("id-{TOKEN}-{}", encode(SECRET))
            .parse()
            .expect("a header value"),
    );
    let result = dwdi_runtime::transport::decode_answer(
        "GetDISyncInstanceInfo".into(),
        500,
        headers,
        b"upstream error".to_vec(),
        &[],
        &[SECRET, TOKEN],
        1,
    );
    let error = result.expect_err("a 500 is an error");
    assert_eq!(error.request_id(), Some("id-***-***"));
    assert_clean("Debug", &format!("{error:?}"));
    assert_clean("Display", &error.to_string());
}

#[test]
fn a_secret_in_a_success_body_that_is_not_json_is_scrubbed_from_its_preview() {
    // Found by the `response` fuzz target (fuzz/regressions/response): the preview of a 2xx
    // body that cannot be decoded quoted it unscrubbed.
    let body = format!("<html>{SECRET} {}</html>", encode(TOKEN));
    let result = dwdi_runtime::transport::decode_answer(
        "GetDISyncInstanceInfo".into(),
        200,
        reqwest::header::HeaderMap::new(),
        body.into_bytes(),
        &[],
        &[SECRET, TOKEN],
        1,
    );
    let error = result.expect_err("not JSON");
    assert!(
        error.to_string().contains("<html>*** ***</html>"),
        "{error}"
    );
    assert_clean("Debug", &format!("{error:?}"));
}
