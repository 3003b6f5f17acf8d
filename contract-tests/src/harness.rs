//! Runs the spec's contract cases: a request case through the dynamic path (`operation(name)`,
//! `validate`, `RpcRequest`, `sign_at`), a response case through the runtime's transport
//! against a loopback server and the generated types (see [`crate::dispatch`]).

use dwdi_codegen::cases::{ExpectedResponse, Pinned, RequestCase, ResponseCase};
use dwdi_codegen::model::{HttpMethod, OutcomeField};
use dwdi_runtime::{AcsDate, Credentials, RetryPolicy, RpcRequest, Runtime, SignedRequest};
use dwdi_test_support::{Received, Reply, TestServer, verify_v3};
use dwdi_wire_verify::query::check_canonical;
use serde_json::{Value, json};

use crate::dispatch;

/// The path of a URL.
fn path_of(url: &str) -> &str {
    dwdi_wire_verify::split_target(url).0
}

/// The query's (name, value) pairs, decoded form-style by the shared verifier.
pub fn decode_query(query: &str) -> Result<Vec<(String, String)>, String> {
    dwdi_wire_verify::form::decode(query, "query").map_err(|e| e.to_string())
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

/// Validates `params` on the dynamic path and signs them with the given date and nonce.
pub fn sign(
    rt: &Runtime,
    action: &str,
    params: &[(String, String)],
    date: &str,
    nonce: &str,
) -> Result<SignedRequest, String> {
    let desc = dataworks_di::meta::operation(action)
        .ok_or_else(|| format!("{action}: the generated client has no such operation"))?;
    desc.validate(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| e.to_string())?;
    let mut request = RpcRequest::new(desc.action, dataworks_di::meta::API_VERSION);
    for (name, value) in params {
        request = request.param(name.clone(), value.clone());
    }
    let date = AcsDate::parse(date).map_err(|e| format!("pinned date {date:?}: {e}"))?;
    Ok(rt.sign_at(&request, date, nonce, 1))
}

/// Signs a request case with its pinned inputs.
pub fn sign_case(action: &str, case: &RequestCase) -> Result<SignedRequest, String> {
    let rt = Runtime::builder()
        .region_map(dataworks_di::meta::REGION_MAP)
        .region(case.pinned.region.clone())
        .credentials(credentials(&case.pinned))
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    sign(
        &rt,
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

/// Every way `signed` differs from what the case expects, one message each.
pub fn request_mismatches(case: &RequestCase, signed: &SignedRequest) -> Vec<String> {
    let mut out = Vec::new();
    let expect = &case.expect;
    let method = match expect.method {
        HttpMethod::Post => "POST",
        HttpMethod::Get => "GET",
    };
    if signed.method.as_str() != method {
        out.push(format!(
            "method: expected {method}, found {}",
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
    if let Err(e) = check_canonical(signed.query()) {
        out.push(format!("query: not canonical: {e}"));
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
            for (name, _) in &pairs {
                if !expect.query.contains_key(name) {
                    out.push(format!(
                        "query: unexpected parameter {name}; expected only {:?}",
                        expect.query.keys().collect::<Vec<_>>()
                    ));
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
    if let Err(e) = verify_v3(&as_received(signed), &case.pinned.access_key_secret) {
        out.push(format!(
            "signature: the independent V3 verifier refuses it: {e}"
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

/// Serves the case's answer once on loopback, calls `action` through the runtime (one
/// attempt), and decodes the answer into the generated types. The result is the typed value
/// (`{"requestId", "data", "debug"}`, `debug` being its `Debug` text) or the typed error (`{"variant", "status", ...}`) as JSON.
pub async fn decode_case(
    action: &str,
    outcome: Option<&OutcomeField>,
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
    let rt = Runtime::builder()
        .endpoint(server.endpoint())
        .error_classes(dataworks_di::meta::GATEWAY_ERRORS)
        .credentials(Credentials::new(
            "test-access-key-id",
            "test-access-key-secret",
        ))
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    match rt
        .call(RpcRequest::new(
            action.to_owned(),
            dataworks_di::meta::API_VERSION,
        ))
        .await
    {
        Ok(response) => {
            let data = response
                .data()
                .ok_or_else(|| format!("{action}: the answer has no Data"))?;
            let (typed, debug) = dispatch::decode_data(action, data)
                .ok_or_else(|| format!("{action}: no typed dispatch"))??;
            if let Some(outcome) = outcome
                && typed.get(&outcome.field).and_then(Value::as_str)
                    == Some(outcome.failure.as_str())
            {
                return Ok(json!({
                    "variant": "Failed",
                    "status": response.status,
                    "code": null,
                    "message": typed.get(&outcome.message),
                    "requestId": response.request_id,
                }));
            }
            Ok(json!({ "requestId": response.request_id, "data": typed, "debug": debug }))
        }
        Err(error) => {
            let service = error.service_error().cloned();
            let (variant, display) = dispatch::typed_error(action, error)
                .ok_or_else(|| format!("{action}: no typed dispatch"))?;
            let Some(e) = service else {
                return Err(format!("{action}: not a service error: {display}"));
            };
            Ok(json!({
                "variant": variant,
                "status": e.status,
                "code": e.code,
                "message": e.message,
                "requestId": e.request_id,
                "hostId": e.host_id,
                "recommend": e.recommend,
                "retryAfterMs": e.retry_after.map(|d| d.as_millis() as u64),
                "kind": format!("{:?}", e.kind),
                "display": display,
            }))
        }
    }
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
