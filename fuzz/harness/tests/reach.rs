//! The targets reach what they are meant to fuzz: a request the runtime signed gets past the
//! mock's signature check into the operation, a sample answer decodes into its typed `Data`,
//! and the invariants the targets assert hold on inputs where they are easy to get wrong.

use dataworks_di::meta::DISPATCH;
use dwdi_fuzz_harness::request::{self, Call};
use dwdi_fuzz_harness::response::{self, Decoded, SECRETS, STATUSES};
use dwdi_mock::Delivery;
use dwdi_mock::errors::gateway;

fn call(key: usize, v2: bool, form: bool) -> Call {
    Call {
        v2,
        get: false,
        key,
        form,
        action: "GetDISyncInstanceInfo".into(),
        params: vec![
            ("ProjectId".into(), "10000".into()),
            ("TaskType".into(), "DI_REALTIME".into()),
            ("FileId".into(), "100".into()),
        ],
    }
}

fn reply(data: &[u8]) -> dwdi_mock::Reply {
    match request::answer(data) {
        Some(Delivery::Send(reply)) => reply,
        other => panic!("an answer expected, got {other:?}"),
    }
}

#[test]
fn a_signed_call_gets_past_the_signature_with_either_version() {
    for v2 in [false, true] {
        let r = reply(&call(0, v2, false).to_input());
        assert_eq!(r.status, 200, "v2: {v2}: {}", r.body);
    }
}

#[test]
fn an_unknown_key_is_refused_by_the_verifier() {
    let r = reply(&call(3, false, false).to_input());
    assert_eq!(
        request::code(&r).as_deref(),
        Some(gateway::ACCESS_KEY_NOT_FOUND),
        "{}",
        r.body
    );
}

#[test]
fn a_call_reads_back_from_its_input() {
    let c = call(2, true, true);
    let data = c.to_input();
    assert_eq!(Call::parse(&data[1..]), Some(c));
}

#[test]
fn a_raw_request_is_parsed_and_verified() {
    let text = b"\0POST /?ProjectId=10000 HTTP/1.1\r\nhost: x\r\nx-acs-action: GetDISyncInstanceInfo\r\n\r\n";
    let r = reply(text);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(request::code(&r).is_some(), "{}", r.body);
    // A request hyper would refuse never reaches the mock.
    assert!(request::answer(b"\0POST /\r\n\r\n").is_none());
}

fn answer(op: &str, status: u16, headers: &str, body: &str) -> Vec<u8> {
    let op = DISPATCH
        .iter()
        .position(|d| d.desc.action == op)
        .expect("a known operation");
    let status = STATUSES
        .iter()
        .position(|s| *s == status)
        .expect("a listed status");
    let mut data = vec![op as u8, status as u8, headers.len() as u8];
    data.extend_from_slice(headers.as_bytes());
    data.extend_from_slice(body.as_bytes());
    data
}

#[test]
fn a_successful_answer_decodes_into_the_typed_data() {
    let data = answer(
        "StartDISyncInstance",
        200,
        "",
        r#"{"RequestId":"r","Success":true,"Data":{"Status":"success","Message":""}}"#,
    );
    match response::decode(&data) {
        Some(Decoded::Success(Some(Ok(typed)))) => assert_eq!(typed.json["Status"], "success"),
        other => panic!("typed data expected, got {other:?}"),
    }
}

#[test]
fn an_error_answer_is_the_typed_error_with_its_secret_scrubbed() {
    let body = format!(
        r#"{{"RequestId":"r","Code":"SignatureDoesNotMatch","Message":"string to sign: {} and {}"}}"#,
        SECRETS[0],
        SECRETS[1].replace('/', "\\/")
    );
    let data = answer("StartDISyncInstance", 400, "x-acs-request-id: r\r\n", &body);
    match response::decode(&data) {
        Some(Decoded::Failure(e)) => {
            assert_eq!(e.variant, "Gateway", "{e:?}");
            assert!(!format!("{e:?}").contains(SECRETS[0]));
        }
        other => panic!("an error expected, got {other:?}"),
    }
}

#[test]
fn a_secret_the_request_carried_may_be_quoted_back() {
    // The STS key (1), V2, with a parameter named `Signature`: the mock checks that one,
    // refuses the call and quotes its string to sign, STS token included. The token was in
    // the request's URL (the Debug form of the signed request hides it): no leak.
    let mut c = call(1, true, true);
    c.params.push(("Signature".into(), "10000".into()));
    let r = reply(&c.to_input());
    assert!(r.body.contains(dwdi_mock::DEFAULT_STS_TOKEN), "{}", r.body);
}
