//! dwdi's requests against the official Python SDK's (`fixtures/sdk/`, SDK 10.1.1, clock,
//! nonce and fake credentials pinned): the independent oracle for the wire.
//!
//! 1. Every fixture, all eight operations, verifies with the shared verifier
//!    (`dwdi-wire-verify`): the verifier agrees with the SDK's signing.
//! 2. The runtime, given the same parameters (in the query or the body, where the SDK put
//!    them), the same date, nonce and credentials, builds the same request: method, path,
//!    canonical query, body byte for byte, the headers it signs, and a signature that verifies
//!    over the SDK's own bytes.
//! 3. The generated client (the spec's operation table, the dynamic path `dwdi call` uses)
//!    builds the same request as the runtime for every operation, each parameter where the
//!    spec says it travels (CreateDISyncTask's TaskContent in the form body), and refuses
//!    exactly what the spec refuses.
//!
//! What the SDK sends and dwdi does not, and why that does not matter:
//! - `user-agent` names the SDK and Python; dwdi names itself. The SDK signs it, dwdi does not
//!   sign it (V3 lets the client choose; the Go SDK does not sign it either).
//! - `x-acs-credentials-provider` (`static_ak`, `static_sts`) tells Alibaba which credentials
//!   library built the credentials; dwdi does not send it.
//! - `Accept-Encoding` and `Content-Length` come from the SDK's HTTP library.
//! - On the wire the SDK writes a space in the query as `+`, dwdi as `%20`; the service
//!   decodes both, and both sign `%20`, so the canonical queries are compared.
//! - V2: the SDK sends `Format=json`, dwdi `JSON`; the service accepts both, and the signature
//!   is compared over the SDK's parameters with dwdi's `Format`.

use std::collections::BTreeSet;

use dwdi_contract_tests::harness;
use dwdi_contract_tests::sdk::{self, CASES, Fixture, OPERATIONS};
use dwdi_runtime::describe::ParamLocation;
use dwdi_runtime::{AcsDate, Credentials, RpcRequest, Runtime, SignatureVersion, SignedRequest};
use dwdi_wire_verify::query::{canonical_query, check_canonical};
use dwdi_wire_verify::v3::Authorization;
use dwdi_wire_verify::{Scheme, form, v2, v3};

/// Headers the SDK sends that dwdi does not (see the module documentation).
const SDK_ONLY_HEADERS: [&str; 4] = [
    "user-agent",
    "x-acs-credentials-provider",
    "accept-encoding",
    "content-length",
];

fn is_v2(f: &Fixture) -> bool {
    f.signature == "HMAC-SHA1"
}

/// A runtime configured as the fixture's SDK client was.
fn runtime(f: &Fixture) -> Runtime {
    let c = &f.credentials;
    let credentials = Credentials::new(c.access_key_id.clone(), c.access_key_secret.clone());
    let credentials = match &c.security_token {
        Some(token) => credentials.with_security_token(token.clone()),
        None => credentials,
    };
    Runtime::builder()
        .region_map(dataworks_di::meta::REGION_MAP)
        .region(f.region.clone())
        .credentials(credentials)
        .signature_version(if is_v2(f) {
            SignatureVersion::V2
        } else {
            SignatureVersion::V3
        })
        .build()
        .expect("a runtime with a region and credentials")
}

fn date(f: &Fixture) -> AcsDate {
    AcsDate::parse(&f.pinned.date).expect("the pinned date")
}

/// The parameters the SDK sent in its form body.
fn body_names(f: &Fixture) -> BTreeSet<String> {
    form::decode(&f.request.body, "form body")
        .expect("the body decodes")
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

/// The runtime's request for the fixture's inputs, each where the SDK put it.
fn runtime_request(f: &Fixture) -> SignedRequest {
    let in_body = body_names(f);
    let mut request = RpcRequest::new(f.operation.clone(), dataworks_di::meta::API_VERSION);
    for (name, value) in f.wire_inputs() {
        request = if in_body.contains(&name) {
            request.form_param(name, value)
        } else {
            request.param(name, value)
        };
    }
    runtime(f).sign_at(&request, date(f), &f.pinned.nonce, 1)
}

/// Every way `ours` differs from the SDK's request that matters, one message each.
fn differences(f: &Fixture, ours: &SignedRequest) -> Vec<String> {
    let sdk = &f.request;
    let secret = &f.credentials.access_key_secret;
    let mut out = Vec::new();
    let (path, query) = dwdi_wire_verify::split_target(&ours.url);
    for (what, sdk_value, our_value) in [
        ("method", sdk.method.as_str(), ours.method.as_str()),
        ("path", sdk.path.as_str(), path),
        (
            "body",
            sdk.body.as_str(),
            ours.body.as_deref().unwrap_or_default(),
        ),
    ] {
        if sdk_value != our_value {
            out.push(format!(
                "{what}: the SDK sends {sdk_value:?}, dwdi {our_value:?}"
            ));
        }
    }
    let sdk_query = form::decode(&sdk.query, "query").expect("the SDK's query decodes");
    let our_query = form::decode(query, "query").expect("dwdi's query decodes");

    if is_v2(f) {
        // Every parameter, query and body, as the V2 signature covers them.
        let all = |query: &[(String, String)], body: &str| -> BTreeSet<(String, String)> {
            let body = form::decode(body, "form body").expect("decodes");
            query
                .iter()
                .chain(&body)
                .filter(|(k, _)| k != "Signature" && k != "Format")
                .cloned()
                .collect()
        };
        let theirs = all(&sdk_query, &sdk.body);
        let mine = all(&our_query, ours.body.as_deref().unwrap_or_default());
        if theirs != mine {
            out.push(format!(
                "V2 parameters: only the SDK sends {:?}; only dwdi sends {:?}",
                theirs.difference(&mine).collect::<Vec<_>>(),
                mine.difference(&theirs).collect::<Vec<_>>()
            ));
        }
        // dwdi's signature over the SDK's parameters, with dwdi's Format.
        let find = |q: &[(String, String)], name: &str| {
            q.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut params: Vec<(String, String)> = sdk_query
            .iter()
            .chain(&form::decode(&sdk.body, "form body").expect("decodes"))
            .filter(|(k, _)| k != "Signature" && k != "Format")
            .cloned()
            .collect();
        params.push(("Format".into(), find(&our_query, "Format")));
        params.push(("Signature".into(), find(&our_query, "Signature")));
        if let Err(e) = v2::check_signature(&sdk.method, &params, secret) {
            out.push(format!(
                "V2 signature: dwdi's does not verify over the SDK's parameters: {e}"
            ));
        }
        return out;
    }

    // V3. The canonical query: the SDK's, re-encoded, is what dwdi sends.
    if let Err(e) = check_canonical(query) {
        out.push(format!("query: dwdi's is not canonical: {e}"));
    }
    let canonical = canonical_query(&sdk_query);
    if canonical != query {
        out.push(format!(
            "canonical query: the SDK signs {canonical:?}, dwdi sends {query:?}"
        ));
    }
    // Every header dwdi sends (signed or not) has the SDK's value; every header the SDK sends
    // dwdi sends too, but those listed in SDK_ONLY_HEADERS and the authorization.
    for (name, value) in &ours.headers {
        if name == "authorization" || name == "user-agent" {
            continue;
        }
        match sdk.header(name) {
            Some(v) if v == value => {}
            Some(v) => out.push(format!(
                "header {name}: the SDK sends {v:?}, dwdi {value:?}"
            )),
            None => out.push(format!("header {name}: dwdi sends it, the SDK does not")),
        }
    }
    for (name, _) in &sdk.headers {
        let name = name.to_ascii_lowercase();
        if name != "authorization"
            && !SDK_ONLY_HEADERS.contains(&name.as_str())
            && ours.header(&name).is_none()
        {
            out.push(format!("header {name}: the SDK sends it, dwdi does not"));
        }
    }
    // The signature: dwdi's, for the headers dwdi signs, verifies over the SDK's bytes (its
    // `+`-encoded query, its body), and its hashed canonical request is the verifier's.
    let Ok(auth) = Authorization::parse(ours.header("authorization").unwrap_or_default()) else {
        out.push("authorization: dwdi's does not parse".into());
        return out;
    };
    let sdk_auth = Authorization::parse(sdk.header("authorization").unwrap_or_default())
        .expect("the SDK's authorization parses");
    if auth.credential != sdk_auth.credential {
        out.push(format!(
            "credential: the SDK signs as {}, dwdi as {}",
            sdk_auth.credential, auth.credential
        ));
    }
    let mut theirs = sdk.clone();
    theirs
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("x-acs-credentials-provider"));
    let request = theirs.as_request();
    match v3::canonical_request(&request, &sdk_query, &auth) {
        Err(e) => out.push(format!("canonical request: {e}")),
        Ok(canonical) => {
            let hashed = v3::sha256_hex(canonical.as_bytes());
            if ours.hashed_canonical_request.as_deref() != Some(hashed.as_str()) {
                out.push(format!(
                    "hashed canonical request: the SDK's request gives {hashed}, dwdi {:?}; \
                     canonical request:\n{canonical}",
                    ours.hashed_canonical_request
                ));
            }
        }
    }
    if let Err(e) = v3::check_signature(&request, &sdk_query, &auth, secret) {
        out.push(format!(
            "signature: dwdi's does not verify over the SDK's request: {e}"
        ));
    }
    out
}

#[test]
fn every_operation_and_case_is_captured_from_the_pinned_sdk() {
    let fixtures = sdk::load_all();
    let found: BTreeSet<(String, String)> = fixtures
        .iter()
        .map(|f| (f.operation.clone(), f.case.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .flat_map(|op| CASES.iter().map(|c| ((*op).to_owned(), (*c).to_owned())))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(
        fixtures.len(),
        expected.len(),
        "one file per operation and case"
    );
    for f in &fixtures {
        assert_eq!(
            (f.sdk.package.as_str(), f.sdk.version.as_str()),
            ("alibabacloud-dataworks-public20200518", "10.1.1"),
            "{}",
            f.name()
        );
        assert_eq!(
            f.credentials.security_token.is_some(),
            f.case != "escaping",
            "{}: STS in the sts and v2 cases",
            f.name()
        );
    }
}

#[test]
fn every_fixture_verifies_with_the_shared_verifier() {
    for f in sdk::load_all() {
        let name = f.name();
        let parsed =
            dwdi_wire_verify::verify(f.request.as_request(), &f.credentials.access_key_secret)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        let scheme_is_v2 = matches!(parsed.scheme(), Scheme::V2);
        assert_eq!(scheme_is_v2, is_v2(&f), "{name}");
        assert_eq!(
            parsed.access_key_id(),
            f.credentials.access_key_id,
            "{name}"
        );
        assert_eq!(
            parsed.security_token(),
            f.credentials.security_token.as_deref(),
            "{name}"
        );
        assert_eq!(parsed.action(), Some(f.operation.as_str()), "{name}");
        assert_eq!(
            parsed.api_version(),
            Some(dataworks_di::meta::API_VERSION),
            "{name}"
        );
        assert_eq!(parsed.date(), Some(f.pinned.date.as_str()), "{name}");
        assert_eq!(parsed.nonce(), Some(f.pinned.nonce.as_str()), "{name}");
        // The parameters the service reads are the inputs, whatever their escaping.
        let read: BTreeSet<(String, String)> = parsed.operation_params().into_iter().collect();
        let given: BTreeSet<(String, String)> = f.wire_inputs().into_iter().collect();
        assert_eq!(read, given, "{name}");
        assert!(
            parsed.verify("another secret").is_err(),
            "{name}: a wrong secret is refused"
        );
    }
}

#[test]
fn the_runtime_builds_the_sdks_requests() {
    let mut report = Vec::new();
    for f in sdk::load_all() {
        let ours = runtime_request(&f);
        for d in differences(&f, &ours) {
            report.push(format!("{}: {d}", f.name()));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn each_parameter_travels_where_the_spec_says_and_the_sdk_sends_it() {
    // The SDK 10.1.1 sends CreateDISyncTask's TaskContent in the body and everything else in
    // the query; the spec's table says the same, parameter by parameter.
    for f in sdk::load_all() {
        let desc = dataworks_di::meta::operation(&f.operation).expect("in the spec");
        let in_body = body_names(&f);
        let spec_body: BTreeSet<String> = desc
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Body)
            .filter(|p| f.inputs.get(p.name).is_some())
            .map(|p| p.name.to_owned())
            .collect();
        assert_eq!(in_body, spec_body, "{}", f.name());
        if !in_body.is_empty() {
            assert_eq!(
                f.request.header("content-type"),
                Some("application/x-www-form-urlencoded"),
                "{}",
                f.name()
            );
        }
        let ours = runtime_request(&f);
        assert_eq!(ours.body.is_some(), !in_body.is_empty(), "{}", f.name());
    }
}

#[test]
fn the_generated_client_builds_the_sdks_requests() {
    let mut compared = BTreeSet::new();
    let mut stale = BTreeSet::new();
    for f in sdk::load_all() {
        let name = f.name();
        let desc = dataworks_di::meta::operation(&f.operation)
            .unwrap_or_else(|| panic!("{name}: the spec has no {}", f.operation));
        // The spec refuses what the SDK sends as given when it is outside the documentation:
        // a TaskType the operation does not accept (the escaping cases of the operations
        // without a free-text parameter put their text there), or, after a documentation
        // change, a value of a type the spec no longer gives the parameter (until the fixtures
        // are captured again from an SDK that follows). The client must refuse exactly then,
        // naming the parameter; every operation must still be compared through some fixture.
        let wire = f.wire_inputs();
        let refused: Vec<String> = desc
            .validate_all(wire.iter().map(|(n, v)| (n.as_str(), v.as_str())))
            .into_iter()
            .map(|e| e.parameter)
            .collect();
        let signed = harness::sign(
            &dataworks_di::Client::new(runtime(&f)),
            &f.operation,
            &wire,
            &f.pinned.date,
            &f.pinned.nonce,
        );
        match signed {
            Ok(signed) => {
                assert!(refused.is_empty(), "{name}: {refused:?} were not refused");
                assert_eq!(signed, runtime_request(&f), "{name}");
                let d = differences(&f, &signed);
                assert!(d.is_empty(), "{name}:\n{}", d.join("\n"));
                compared.insert(f.operation.clone());
            }
            Err(e) => {
                assert!(
                    refused.iter().any(|p| e.contains(p.as_str())),
                    "{name}: refused ({e}), but the spec accepts every value"
                );
                eprintln!(
                    "{name}: not compared: the spec refuses what SDK {} sent: {e}",
                    f.sdk.version
                );
                // The page example (the sts case) is refused only when the documentation has
                // changed a parameter's type since the capture: the operation's fixtures are
                // stale until captured again (capture.py) from an SDK that follows.
                if f.case == "sts" {
                    assert!(
                        !refused.iter().any(|p| p == "TaskType"),
                        "{name}: the page example's TaskType is refused: {e}"
                    );
                    stale.insert(f.operation.clone());
                }
            }
        }
    }
    if !stale.is_empty() {
        eprintln!("stale fixtures (capture them again): {stale:?}");
    }
    let all: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|op| (*op).to_owned())
        .filter(|op| !stale.contains(op))
        .collect();
    assert_eq!(
        compared, all,
        "every operation of the fixtures is compared (but those whose fixtures are stale)"
    );
}
