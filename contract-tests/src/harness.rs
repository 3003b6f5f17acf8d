//! Runs the contract cases of an operation ([`dwdi_codegen::cases::all`]: the ones derived
//! from the spec, then those it writes) through the generated client, as a user's program
//! would:
//!
//! - a request case through the operation's dynamic entry: the typed builder checks the
//!   parameters and builds the request its `send()` would (`to_request`), which the runtime
//!   signs with the case's pinned date, nonce and fake credentials;
//! - a response case through the dynamic entry's `send()` against a loopback server that gives
//!   the case's answer: the generated client decodes it into the typed `Data` or the typed
//!   error (a failed outcome in a successful answer included); nothing here builds an outcome.

use dataworks_di::Client;
use dataworks_di::meta;
use dwdi_codegen::cases::{ExpectedResponse, Pinned, RequestCase, ResponseCase};
use dwdi_codegen::model::{Operation, Spec};
use dwdi_runtime::{AcsDate, Credentials, RetryPolicy, Runtime, SignedRequest};
use dwdi_test_support::{Received, Reply, TestServer, verify_v3};
use dwdi_wire_verify::query::check_canonical;
use serde_json::{Value, json};

/// The signature headers a V3 request carries; the parameters go elsewhere.
const V3_SIGNING_HEADERS: [&str; 5] = [
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "authorization",
];

/// The path of a URL.
fn path_of(url: &str) -> &str {
    dwdi_wire_verify::split_target(url).0
}

/// The query's (name, value) pairs, decoded form-style by the shared verifier.
pub fn decode_query(query: &str) -> Result<Vec<(String, String)>, String> {
    dwdi_wire_verify::form::decode(query, "query").map_err(|e| e.to_string())
}

/// The encoded text `name` travels in, and whether it is the form body (else the query), as
/// the tables say.
pub fn encoded_text_of<'a>(signed: &'a SignedRequest, action: &str, name: &str) -> (&'a str, bool) {
    let in_body = dataworks_di::meta::operation(action)
        .and_then(|op| op.param(name))
        .is_some_and(|p| p.location == dwdi_runtime::describe::ParamLocation::Body);
    if in_body {
        (signed.body.as_deref().unwrap_or(""), true)
    } else {
        (signed.query(), false)
    }
}

/// The credentials a case pins.
pub fn credentials(pinned: &Pinned) -> Credentials {
    let creds = Credentials::new(
        pinned.access_key_id.clone(),
        pinned.access_key_secret.clone(),
    );
    match &pinned.security_token {
        Some(token) => creds.with_security_token(token.clone()),
        None => creds,
    }
}

/// A case's parameters in wire form: integers in decimal, strings as they are.
pub fn wire_params(case: &RequestCase) -> Vec<(String, String)> {
    case.params
        .iter()
        .map(|(name, value)| (name.clone(), wire_text(value)))
        .collect()
}

/// A parameter's value in wire form: a string as it is, anything else as JSON text (an
/// integer in decimal).
pub fn wire_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The parameters of the operation's `page-example` case: every parameter with an example.
pub fn example_params(spec: &Spec, action: &str, op: &Operation) -> Vec<(String, String)> {
    let derived = dwdi_codegen::cases::derived(spec, action, op);
    derived
        .request
        .iter()
        .find(|c| c.id == dwdi_codegen::cases::PAGE_EXAMPLE)
        .map(wire_params)
        .unwrap_or_default()
}

/// Builds `params` into the request the generated client's `send()` would hand the runtime
/// (through the typed builder, which checks them and the documents they carry), and signs it
/// with the given date and nonce.
pub fn sign(
    client: &Client,
    action: &str,
    params: &[(String, String)],
    date: &str,
    nonce: &str,
) -> Result<SignedRequest, String> {
    sign_checked(client, action, params, date, nonce, true)
}

/// [`sign`] with the JSON-in-a-string parameters checked to be JSON only (their documents
/// left unchecked, as `skip_document_validation()` does): for properties of the wire, where
/// arbitrary JSON stands in for a document.
pub fn sign_any_json(
    client: &Client,
    action: &str,
    params: &[(String, String)],
    date: &str,
    nonce: &str,
) -> Result<SignedRequest, String> {
    sign_checked(client, action, params, date, nonce, false)
}

fn sign_checked(
    client: &Client,
    action: &str,
    params: &[(String, String)],
    date: &str,
    nonce: &str,
    check_documents: bool,
) -> Result<SignedRequest, String> {
    let entry = meta::dispatch(action)
        .ok_or_else(|| format!("{action}: the generated client has no such operation"))?;
    let request = (entry.to_request)(client, params, check_documents).map_err(|e| e.to_string())?;
    let date = AcsDate::parse(date).map_err(|e| format!("pinned date {date:?}: {e}"))?;
    Ok(client.runtime().sign_at(&request, date, nonce, 1))
}

/// A client for the region a case pins, with its fake credentials; it only signs.
pub fn signing_client(pinned: &Pinned) -> Result<Client, String> {
    let runtime = Client::runtime_builder()
        .region(pinned.region.clone())
        .credentials(credentials(pinned))
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    Ok(Client::new(runtime))
}

/// Signs a request case with its pinned inputs.
pub fn sign_case(action: &str, case: &RequestCase) -> Result<SignedRequest, String> {
    sign(
        &signing_client(&case.pinned)?,
        action,
        &wire_params(case),
        &case.pinned.date,
        &case.pinned.nonce,
    )
}

/// The request as the server would receive it, for the independent verifier.
pub fn as_received(signed: &SignedRequest) -> Received {
    let path = path_of(&signed.url);
    let query = signed.query();
    Received {
        method: signed.method.as_str().to_owned(),
        target: if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        },
        headers: signed
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect(),
        body: signed.body.clone().unwrap_or_default(),
    }
}

/// The parameters a request carries, read back by the shared verifier's decoder: the query's,
/// then a form body's.
pub fn sent_params(signed: &SignedRequest) -> Result<Vec<(String, String)>, String> {
    let mut sent = decode_query(signed.query())?;
    if let Some(body) = &signed.body {
        sent.extend(dwdi_wire_verify::form::decode(body, "body").map_err(|e| e.to_string())?);
    }
    Ok(sent)
}

/// Every way `signed` differs from what the spec says of every request of `action` (its
/// method and path, the API version, the region's host, exactly the case's parameters, a
/// canonical query, a signature the independent verifier accepts) and from what the case
/// itself expects, one message each.
pub fn request_mismatches(
    spec: &Spec,
    action: &str,
    case: &RequestCase,
    signed: &SignedRequest,
) -> Vec<String> {
    let mut out = Vec::new();
    let method = spec.http.method.as_str();
    if signed.method.as_str() != method {
        out.push(format!(
            "method: expected {method} (the spec's http.method), found {}",
            signed.method.as_str()
        ));
    }
    if let Some(op) = spec.operations.get(action)
        && !op
            .methods
            .iter()
            .any(|m| m.as_str() == signed.method.as_str())
    {
        out.push(format!(
            "method: {} is not one the operation allows",
            signed.method.as_str()
        ));
    }
    if path_of(&signed.url) != spec.http.path {
        out.push(format!(
            "path: expected {:?}, found {:?}",
            spec.http.path,
            path_of(&signed.url)
        ));
    }
    let expected_headers = [
        ("x-acs-action", Some(action.to_owned())),
        ("x-acs-version", Some(spec.api_version.clone())),
        ("x-acs-date", Some(case.pinned.date.clone())),
        ("x-acs-signature-nonce", Some(case.pinned.nonce.clone())),
        (
            "host",
            spec.endpoints.regions.get(&case.pinned.region).cloned(),
        ),
    ];
    for (name, want) in expected_headers {
        let Some(want) = want else { continue };
        match signed.header(name) {
            Some(found) if found == want => {}
            found => out.push(format!("header {name}: expected {want:?}, found {found:?}")),
        }
    }
    if let Err(e) = check_canonical(signed.query()) {
        out.push(format!("query: not canonical: {e}"));
    }
    match sent_params(signed) {
        Err(e) => out.push(e),
        Ok(mut sent) => {
            for name in V3_SIGNING_HEADERS {
                if sent.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    out.push(format!("{name} is sent as a parameter, not a header"));
                }
            }
            let mut given = wire_params(case);
            sent.sort();
            given.sort();
            if sent != given {
                out.push(format!(
                    "parameters: expected exactly {given:?}, found {sent:?}"
                ));
            }
        }
    }
    if let Some(expect) = &case.expect {
        out.extend(expected_request_mismatches(expect, signed));
    }
    if let Err(e) = verify_v3(&as_received(signed), &case.pinned.access_key_secret) {
        out.push(format!(
            "signature: the independent V3 verifier refuses it: {e}"
        ));
    }
    out
}

/// What a written case adds to the checks every request gets.
fn expected_request_mismatches(
    expect: &dwdi_codegen::cases::ExpectedRequest,
    signed: &SignedRequest,
) -> Vec<String> {
    let mut out = Vec::new();
    if signed.method.as_str() != expect.method.as_str() {
        out.push(format!(
            "method: expected {}, found {}",
            expect.method.as_str(),
            signed.method.as_str()
        ));
    }
    if path_of(&signed.url) != expect.path {
        out.push(format!(
            "path: expected {:?}, found {:?}",
            expect.path,
            path_of(&signed.url)
        ));
    }
    match decode_query(signed.query()) {
        Err(e) => out.push(format!("query: {e}")),
        Ok(pairs) => {
            for (name, value) in &expect.query {
                match pairs.iter().filter(|(n, _)| n == name).collect::<Vec<_>>()[..] {
                    [] => out.push(format!("query: {name} missing; expected {value:?}")),
                    [(_, found)] if found == value => {}
                    [(_, found)] => {
                        out.push(format!("query: {name} is {found:?}; expected {value:?}"))
                    }
                    _ => out.push(format!("query: {name} is sent more than once")),
                }
            }
            for name in &expect.forbidden_query {
                if pairs.iter().any(|(n, _)| n == name) {
                    out.push(format!("query: forbidden parameter {name} is sent"));
                }
            }
        }
    }
    for (name, value) in &expect.headers {
        match signed.header(name) {
            None => out.push(format!("header: {name} missing; expected {value:?}")),
            Some(found) if found != value => {
                out.push(format!("header: {name} is {found:?}; expected {value:?}"))
            }
            Some(_) => {}
        }
    }
    if signed.body != expect.body {
        out.push(format!(
            "body: expected {:?}, found {:?}",
            expect.body, signed.body
        ));
    }
    out
}

/// The signed request as HTTP text for a snapshot; the `user-agent` (which carries the crate
/// version) is redacted.
pub fn render_request(signed: &SignedRequest) -> String {
    signed
        .to_http_text()
        .lines()
        .map(|line| {
            if line.starts_with("user-agent:") {
                "user-agent: [redacted: carries the crate version]".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The fake secret of the client that sends response cases.
const SECRET: &str = "test-access-key-secret";

/// A client of the loopback `server`, one attempt per call (a case is one answer).
pub fn loopback_client(server: &TestServer) -> Result<Client, String> {
    let runtime = Client::runtime_builder()
        .endpoint(server.endpoint())
        .credentials(Credentials::new("test-access-key-id", SECRET))
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    Ok(Client::new(runtime))
}

/// Serves the case's answer once on loopback and sends `action` with `params` through the
/// generated client's `send()`. The result, as JSON: the typed value
/// (`{"requestId", "data", "debug"}`, `debug` being its `Debug` text) or the typed error
/// (`{"variant", "status", "code", "message", "requestId", …}`, a failed outcome's too).
/// The request the server received must carry a signature the independent verifier accepts.
pub async fn decode_case(
    action: &str,
    params: &[(String, String)],
    case: &ResponseCase,
) -> Result<Value, String> {
    let body = match &case.body {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let mut reply = Reply::json(case.status, &body);
    for (name, value) in &case.headers {
        reply = reply.header(name, value);
    }
    let server = TestServer::start(vec![reply]).await;
    let client = loopback_client(&server)?;
    let entry = meta::dispatch(action).ok_or_else(|| format!("{action}: no dynamic entry"))?;
    let result = (entry.send)(&client, params).await;
    let received = server.received();
    match &received[..] {
        [one] => verify_v3(one, SECRET).map_err(|e| format!("the request sent: {e}"))?,
        other => {
            return Err(format!(
                "expected one request, the server got {}",
                other.len()
            ));
        }
    }
    let error = match result {
        Ok(out) => {
            return Ok(json!({
                "requestId": out.request_id,
                "data": out.data.json,
                "debug": out.data.debug,
            }));
        }
        Err(error) => error,
    };
    if let Some(failed) = &error.failed {
        return Ok(json!({
            "variant": error.variant,
            "status": failed.status,
            "code": null,
            "message": failed.message,
            "outcome": failed.outcome,
            "requestId": failed.request_id,
            "display": error.message,
        }));
    }
    let Some(e) = &error.service else {
        return Err(format!(
            "{action}: neither an answer nor a service error: {}",
            error.message
        ));
    };
    Ok(json!({
        "variant": error.variant,
        "status": e.status,
        "code": e.code,
        "message": e.message,
        "requestId": e.request_id,
        "hostId": e.host_id,
        "recommend": e.recommend,
        "retryAfterMs": e.retry_after.map(|d| d.as_millis() as u64),
        "kind": format!("{:?}", e.kind),
        "display": error.message,
    }))
}

/// Every way a decoded answer differs from what the case expects.
pub fn response_mismatches(case: &ResponseCase, decoded: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match &case.expect {
        ExpectedResponse::Data(expected) => match decoded.get("data") {
            None => out.push(format!(
                "expected a typed value, found the error {}",
                decoded.get("variant").unwrap_or(&Value::Null)
            )),
            Some(found) if found != expected => {
                out.push(format!("typed value: expected {expected}, found {found}"))
            }
            Some(_) => {}
        },
        ExpectedResponse::Error(expected) => {
            let fields = [
                ("variant", json!(expected.variant)),
                ("status", json!(expected.status)),
                ("code", json!(expected.code)),
                ("message", json!(expected.message)),
                ("requestId", json!(expected.request_id)),
            ];
            for (key, want) in fields {
                let found = decoded.get(key).unwrap_or(&Value::Null);
                if *found != want {
                    out.push(format!("error {key}: expected {want}, found {found}"));
                }
            }
        }
    }
    out
}

/// A runtime that only signs, for the region a case pins (for suites that sign raw requests).
pub fn signing_runtime(pinned: &Pinned) -> Result<Runtime, String> {
    Runtime::builder()
        .region_map(meta::REGION_MAP)
        .region(pinned.region.clone())
        .credentials(credentials(pinned))
        .build()
        .map_err(|e| format!("runtime: {e}"))
}
