//! The `request` target: a request through the mock as its HTTP server hands requests over
//! (method, path, query, lower-case headers, body), which authenticates it with the shared
//! verifier (`dwdi-wire-verify`), checks its parameters and documents and carries it out.
//!
//! An input's first byte chooses how the rest is read:
//! - even: the rest is a raw HTTP/1.1 request (`POST /?… HTTP/1.1`, headers, a blank line, the
//!   body), parsed by `httparse` as hyper parses it; a request hyper would refuse is skipped.
//! - odd: the rest is a call the runtime signs (so that fuzzing gets past the signature into
//!   the operations): a flags byte ([`Call::parse`]), then text: the action on the first line,
//!   then one `Name=Value` parameter per line.

use std::sync::{Arc, OnceLock};

use dataworks_di::meta::API_VERSION;
use dwdi_mock::errors::gateway;
use dwdi_mock::{Delivery, Mock, MockConfig, Reply, Request};
use dwdi_runtime::{
    Credentials, FixedClock, FixedNonce, HttpMethod, RpcRequest, Runtime, SignatureVersion,
};
use dwdi_wire_verify::split_target;
use http::{HeaderName, HeaderValue, Uri};

/// The mock's and the signer's clock: the date the SDK fixtures were captured at, so that
/// their requests are within the mock's clock skew.
pub const NOW: &str = "2024-01-02T03:04:05Z";

/// The nonce every signed request carries (each input gets a fresh mock, so it is never
/// a replay).
pub const NONCE: &str = "0123456789abcdef0123456789abcdef";

/// The most headers a raw request may have (hyper's default).
const MAX_HEADERS: usize = 100;

/// The secrets the mock holds by default: no answer may echo one the request did not carry.
const SECRETS: &[&str] = &[
    dwdi_mock::DEFAULT_ACCESS_KEY_SECRET,
    dwdi_mock::DEFAULT_STS_ACCESS_KEY_SECRET,
    dwdi_mock::DEFAULT_STS_TOKEN,
    dwdi_mock::DEFAULT_RAM_ACCESS_KEY_SECRET,
];

/// Codes that say the request was not signed right: never the answer to a request the
/// runtime signed with a key the mock knows.
const SIGNATURE_CODES: &[&str] = &[
    gateway::SIGNATURE_DOES_NOT_MATCH,
    gateway::INCOMPLETE_SIGNATURE,
    gateway::ACCESS_KEY_NOT_FOUND,
    gateway::TIMESTAMP_EXPIRED,
    gateway::NONCE_USED,
    gateway::STS_TOKEN_MISMATCH,
];

fn clock() -> FixedClock {
    FixedClock::parse(NOW).expect("NOW is a wire date")
}

/// A fresh mock with the default keys and state, its clock at [`NOW`] and a small nonce cache.
fn mock() -> Mock {
    let mut config = MockConfig {
        clock: Arc::new(clock()),
        ..MockConfig::default()
    };
    config.limits.nonce_cache = 64;
    Mock::new(&config)
}

/// The credentials a signed input chooses from: the owner's, the STS key with its token, the
/// RAM user's (project 20000 only), and a key the mock does not know.
fn credentials(index: usize) -> Credentials {
    match index % 4 {
        0 => Credentials::new(
            dwdi_mock::DEFAULT_ACCESS_KEY_ID,
            dwdi_mock::DEFAULT_ACCESS_KEY_SECRET,
        ),
        1 => Credentials::new(
            dwdi_mock::DEFAULT_STS_ACCESS_KEY_ID,
            dwdi_mock::DEFAULT_STS_ACCESS_KEY_SECRET,
        )
        .with_security_token(dwdi_mock::DEFAULT_STS_TOKEN),
        2 => Credentials::new(
            dwdi_mock::DEFAULT_RAM_ACCESS_KEY_ID,
            dwdi_mock::DEFAULT_RAM_ACCESS_KEY_SECRET,
        ),
        _ => Credentials::new("fuzz-unknown-key-id", "fuzz-unknown-key-secret"),
    }
}

/// One runtime per signature version and credentials, built once.
fn runtime(v2: bool, key: usize) -> &'static Runtime {
    static RUNTIMES: OnceLock<Vec<Runtime>> = OnceLock::new();
    let all = RUNTIMES.get_or_init(|| {
        let mut all = Vec::new();
        for version in [SignatureVersion::V3, SignatureVersion::V2] {
            for key in 0..4 {
                let rt = Runtime::builder()
                    .endpoint("http://127.0.0.1:9")
                    .allow_insecure_http(true)
                    .region("cn-hangzhou")
                    .credentials(credentials(key))
                    .clock(clock())
                    .nonce_source(FixedNonce(NONCE.to_owned()))
                    .signature_version(version)
                    .build()
                    .expect("a runtime for signing only");
                all.push(rt);
            }
        }
        all
    });
    &all[usize::from(v2) * 4 + key % 4]
}

/// A signed input's call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Signature V2 (else V3).
    pub v2: bool,
    /// `GET` (else `POST`).
    pub get: bool,
    /// Which of the four credentials signs it.
    pub key: usize,
    /// The parameters go in a form body (else in the query).
    pub form: bool,
    /// The action.
    pub action: String,
    /// The parameters, in order.
    pub params: Vec<(String, String)>,
}

impl Call {
    /// Reads a signed input after its mode byte: flags (bit 0: V2, bit 1: GET, bits 2–3: the
    /// credentials, bit 4: form body), then the text.
    pub fn parse(data: &[u8]) -> Option<Call> {
        let (flags, text) = data.split_first()?;
        let text = String::from_utf8_lossy(text);
        let mut lines = text.split('\n');
        let action = lines.next()?.to_owned();
        let params = lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (n, v) = l.split_once('=').unwrap_or((l, ""));
                (n.to_owned(), v.to_owned())
            })
            .collect();
        Some(Call {
            v2: flags & 1 != 0,
            get: flags & 2 != 0,
            key: usize::from((flags >> 2) & 3),
            form: flags & 16 != 0,
            action,
            params,
        })
    }

    /// The input that reads back as this call (for writing seeds).
    pub fn to_input(&self) -> Vec<u8> {
        let flags = u8::from(self.v2)
            | (u8::from(self.get) << 1)
            | ((self.key as u8 & 3) << 2)
            | (u8::from(self.form) << 4);
        let mut out = vec![1, flags];
        out.extend_from_slice(self.action.as_bytes());
        for (n, v) in &self.params {
            out.push(b'\n');
            out.extend_from_slice(n.as_bytes());
            out.push(b'=');
            out.extend_from_slice(v.as_bytes());
        }
        out
    }
}

/// Answers `data` (see the module's documentation) with a fresh mock.
///
/// Panics when the mock or the verifier does, or when:
/// - an answer is not a JSON object, or its status is not an HTTP status;
/// - an answer echoes a secret of the mock's that the request did not carry;
/// - an answer is larger than 64 KiB plus twice the request (errors quote what they were
///   given, briefly);
/// - a request the runtime signed with a key the mock knows is refused for its signature
///   (unless it has a parameter named like one the V2 signature adds).
pub fn run(data: &[u8]) {
    let _ = answer(data);
}

/// What [`run`] does, giving back the mock's answer (`None` for an input that reaches no
/// answer: too short to be read, or a request the HTTP stack would refuse to send or read).
pub fn answer(data: &[u8]) -> Option<Delivery> {
    let (mode, rest) = data.split_first()?;
    if mode % 2 == 0 {
        raw(rest)
    } else {
        signed(&Call::parse(rest)?, data.len())
    }
}

fn raw(data: &[u8]) -> Option<Delivery> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(head_len)) = parsed.parse(data) else {
        return None;
    };
    let (Some(method), Some(target)) = (parsed.method, parsed.path) else {
        return None;
    };
    // hyper's checks: a method token, a URI, header names and values it accepts.
    if http::Method::from_bytes(method.as_bytes()).is_err() {
        return None;
    }
    let Ok(uri) = target.parse::<Uri>() else {
        return None;
    };
    let mut fields = Vec::with_capacity(parsed.headers.len());
    for h in parsed.headers.iter() {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(h.value),
        ) else {
            return None;
        };
        fields.push((
            name.as_str().to_owned(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        ));
    }
    let request = Request {
        method,
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers: &fields,
        body: &data[head_len..],
    };
    let delivery = mock().answer(&request);
    check(&delivery, data, data.len());
    Some(delivery)
}

fn signed(call: &Call, input_len: usize) -> Option<Delivery> {
    let mut request = RpcRequest::new(call.action.clone(), API_VERSION);
    if call.get {
        request = request.method(HttpMethod::Get);
    }
    for (name, value) in &call.params {
        request = if call.form {
            request.form_param(name.clone(), value.clone())
        } else {
            request.param(name.clone(), value.clone())
        };
    }
    let signed = runtime(call.v2, call.key).sign_only(&request);
    // A header the HTTP stack refuses (a control character in the action, say) never leaves
    // the client: not a request the mock can be sent.
    if signed
        .headers
        .iter()
        .any(|(_, v)| HeaderValue::from_str(v).is_err())
    {
        return None;
    }
    let (path, query) = split_target(&signed.url);
    let mut headers: Vec<(String, String)> = signed
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    let body = signed.body.clone().unwrap_or_default();
    if !headers.iter().any(|(n, _)| n == "content-length") {
        headers.push(("content-length".to_owned(), body.len().to_string()));
    }
    let request = Request {
        method: signed.method.as_str(),
        path,
        query,
        headers: &headers,
        body: body.as_bytes(),
    };
    let delivery = mock().answer(&request);
    // What the request really carried: its Debug form redacts the STS token, which the mock
    // may rightly quote back (in the string to sign of a `SignatureDoesNotMatch`).
    let mut carried = signed.url.clone();
    for (name, value) in &signed.headers {
        carried.push_str(name);
        carried.push_str(value);
    }
    carried.push_str(&body);
    check(
        &delivery,
        carried.as_bytes(),
        input_len + signed.url.len() + body.len(),
    );
    // A parameter named like one the V2 signature adds (`Signature`, `Timestamp`, …) is sent
    // beside it, and the server cannot tell them apart: the runtime's low-level RpcRequest
    // does not refuse such names (the typed builders never send them), so that request is
    // left out of the check.
    let collides = call.params.iter().any(|(n, _)| {
        dwdi_wire_verify::v2::COMMON_PARAMS
            .iter()
            .any(|c| c.eq_ignore_ascii_case(n))
    });
    if let Delivery::Send(reply) = &delivery
        && call.key < 3
        && !collides
    {
        let code = code(reply);
        assert!(
            !code
                .as_deref()
                .is_some_and(|c| SIGNATURE_CODES.contains(&c)),
            "the runtime's request, signed with a key the mock knows, is refused: {} {}",
            reply.status,
            reply.body
        );
    }
    Some(delivery)
}

/// The `Code` of an answer, if it has one.
pub fn code(reply: &Reply) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(&reply.body).ok()?;
    value.get("Code")?.as_str().map(str::to_owned)
}

fn check(delivery: &Delivery, carried: &[u8], size: usize) {
    let Delivery::Send(reply) = delivery else {
        return;
    };
    assert!(
        (100..=599).contains(&reply.status),
        "status {} is not an HTTP status",
        reply.status
    );
    let value: serde_json::Value = serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("the answer is not JSON ({e}): {}", reply.body));
    assert!(
        value.is_object(),
        "the answer is not an object: {}",
        reply.body
    );
    let limit = 64 * 1024 + 2 * size;
    assert!(
        reply.body.len() <= limit,
        "a {}-byte answer to a {size}-byte request",
        reply.body.len()
    );
    let carried = String::from_utf8_lossy(carried);
    for secret in SECRETS {
        if !carried.contains(secret) {
            assert!(
                !reply.body.contains(secret) && !format!("{:?}", reply.headers).contains(secret),
                "the answer echoes a secret the request did not carry: {}",
                reply.body
            );
        }
    }
}
