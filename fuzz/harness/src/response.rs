//! The `response` target: an answer as the runtime reads it off the wire (status, headers,
//! body) through its decoding, then through the operation's typed `Data` or typed error.
//!
//! Input layout (see [`Answer::parse`]): one byte choosing the operation, one choosing the
//! status, one giving the length `n` of the header block, `n` bytes of `name: value` lines,
//! then the body.

use std::borrow::Cow;

use dataworks_di::meta::{DISPATCH, GATEWAY_ERRORS};
use dwdi_runtime::dynamic::{DynError, TypedData};
use dwdi_runtime::transport::decode_answer;
use http::{HeaderMap, HeaderName, HeaderValue};

/// The statuses an input's second byte chooses from: success, the client and server errors
/// the spec documents, and the odd ones (1xx, 3xx, 2xx other than 200, past 599).
pub const STATUSES: &[u16] = &[
    200, 200, 200, 200, 201, 204, 299, 400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504, 100,
    302, 600, 999,
];

/// The secrets the call carried, as far as the decoding knows: they must not reach an error.
pub const SECRETS: &[&str] = &["fuzzAccessKeySecret0123", "fuzz/Sts+Token=="];

/// A fuzzer's input read as an answer.
#[derive(Debug)]
pub struct Answer<'a> {
    /// Index into [`DISPATCH`].
    pub operation: usize,
    /// The HTTP status.
    pub status: u16,
    /// The headers that parse.
    pub headers: HeaderMap,
    /// The body.
    pub body: &'a [u8],
}

impl<'a> Answer<'a> {
    /// Reads `data`; `None` when it is too short to say which operation and status.
    pub fn parse(data: &'a [u8]) -> Option<Answer<'a>> {
        let [op, status, n, rest @ ..] = data else {
            return None;
        };
        let n = usize::from(*n).min(rest.len());
        let (header_block, body) = rest.split_at(n);
        let mut headers = HeaderMap::new();
        for line in header_block.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(colon) = line.iter().position(|b| *b == b':') else {
                continue;
            };
            let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
            if let (Ok(name), Ok(value)) =
                (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
            {
                headers.append(name, value);
            }
        }
        Some(Answer {
            operation: usize::from(*op) % DISPATCH.len(),
            status: STATUSES[usize::from(*status) % STATUSES.len()],
            headers,
            body,
        })
    }
}

/// Decodes `data` (see [`Answer::parse`]) as the runtime decodes an answer, then as the
/// operation's typed `Data` or its typed error.
///
/// Panics when any of it does, or when a secret of [`SECRETS`] reaches an error's text or
/// `Debug`, or when a success is not a 2xx answer.
pub fn run(data: &[u8]) {
    let _ = decode(data);
}

/// What the runtime and the operation's typed layer made of an answer.
#[derive(Debug)]
pub enum Decoded {
    /// A successful answer: its `Data` decoded into the operation's type (`None` when it
    /// has no `Data`; `Some(Err)` when it does not fit the type).
    Success(Option<Result<TypedData, String>>),
    /// An error: the operation's typed error.
    Failure(Box<DynError>),
}

/// What [`run`] does, giving back the result (`None` for an input too short to be read).
pub fn decode(data: &[u8]) -> Option<Decoded> {
    let answer = Answer::parse(data)?;
    let op = &DISPATCH[answer.operation];
    let result = decode_answer(
        Cow::Borrowed(op.desc.action),
        answer.status,
        answer.headers,
        answer.body.to_vec(),
        GATEWAY_ERRORS,
        SECRETS,
        1,
    );
    match result {
        Ok(response) => {
            assert!(
                (200..300).contains(&response.status),
                "status {} decoded as a success",
                response.status
            );
            let _ = response.decode_data::<serde_json::Value>();
            Some(Decoded::Success(response.data().map(op.decode_data)))
        }
        Err(error) => {
            no_secret(&error.to_string());
            no_secret(&format!("{error:?}"));
            let typed = (op.typed_error)(error);
            no_secret(&typed.to_string());
            no_secret(&format!("{typed:?}"));
            Some(Decoded::Failure(Box::new(typed)))
        }
    }
}

fn no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "a secret reached an error: {text}");
    }
}
