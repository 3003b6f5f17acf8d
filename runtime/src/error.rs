//! Errors, and the one classification that retry decisions and callers share.

use std::fmt;
use std::time::Duration;

use crate::credentials::CredentialsError;
use crate::profile::ProfileError;
use crate::region::{ENV_REGION_ID, RegionSource};

/// What kind of failure an error is; decides whether retrying can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Rate limited (HTTP 429, a code the API's table classes so, or an `x-acs-retry-after`
    /// header).
    Throttling,
    /// Likely to pass on its own: connection failures, timeouts, 502/503/504, or a code the
    /// API's table classes so.
    Transient,
    /// Another 5xx: the service failed; a retry may succeed.
    Server,
    /// The request (or the local configuration) is wrong; retrying will not help.
    Client,
}

impl ErrorKind {
    /// True for throttling, transient and server errors.
    pub fn is_retryable(self) -> bool {
        !matches!(self, ErrorKind::Client)
    }

    /// Classifies a service answer by its code, status and the throttling header.
    ///
    /// A code the API's table states a class for wins over the status (gateways have answered
    /// `Throttling.User` with 400 and `ServiceUnavailable` with 500); the runtime itself knows
    /// no code: the table comes from the spec, through the generated client
    /// ([`RuntimeBuilder::error_classes`](crate::RuntimeBuilder::error_classes)). Without a
    /// match: 429 or an `x-acs-retry-after` header is throttling, 502–504 transient, another
    /// 5xx a server error, anything else the client's.
    pub fn classify(
        status: u16,
        code: Option<&str>,
        retry_after: Option<Duration>,
        table: &[GatewayErrorDesc],
    ) -> ErrorKind {
        if let Some(known) = code.and_then(|c| GatewayErrorDesc::find(table, c)) {
            return known.class;
        }
        if status == 429 || retry_after.is_some() {
            return ErrorKind::Throttling;
        }
        match status {
            502..=504 => ErrorKind::Transient,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Client,
        }
    }
}

/// An error code any call can meet (the gateway's), with its HTTP status and class: one row
/// of the table the generated client hands the runtime, so that retry decisions follow the
/// spec instead of code prefixes written here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayErrorDesc {
    /// The code, e.g. `Throttling.User`.
    pub code: &'static str,
    /// The HTTP status the gateway answers it with.
    pub status: u16,
    /// How callers and retries treat it.
    pub class: ErrorKind,
    /// When the gateway answers it.
    pub message: &'static str,
}

impl GatewayErrorDesc {
    /// The row of `table` for `code`.
    pub fn find<'t>(table: &'t [GatewayErrorDesc], code: &str) -> Option<&'t GatewayErrorDesc> {
        table.iter().find(|row| row.code == code)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Throttling => "throttling",
            ErrorKind::Transient => "transient",
            ErrorKind::Server => "server",
            ErrorKind::Client => "client",
        })
    }
}

/// An error answer from the service: an HTTP error status, or HTTP 200 with `Success: false`.
///
/// Secrets the request carried (STS token, AccessKey secret) are scrubbed from every field,
/// because a `SignatureDoesNotMatch` answer echoes the server's string to sign.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    /// The operation (`Action`).
    pub action: String,
    /// HTTP status.
    pub status: u16,
    /// `RequestId` from the body, else the `x-acs-request-id` header.
    pub request_id: Option<String>,
    /// `HostId`.
    pub host_id: Option<String>,
    /// `Code`, e.g. `Throttling.User`.
    pub code: Option<String>,
    /// `Message`.
    pub message: Option<String>,
    /// `Recommend`: a diagnosis link.
    pub recommend: Option<String>,
    /// `AccessDeniedDetail`, kept as JSON.
    pub access_denied_detail: Option<serde_json::Value>,
    /// `x-acs-retry-after`, when the service sent a positive one.
    pub retry_after: Option<Duration>,
    /// The raw body (lossy UTF-8).
    pub body: String,
    /// False when the body was not a JSON object.
    pub body_is_json: bool,
    /// The classification.
    pub kind: ErrorKind,
}

/// How many bytes of a non-JSON body an error message quotes.
pub(crate) const BODY_PREVIEW: usize = 200;

/// The first `max` bytes of `s`, cut at a character boundary.
pub(crate) fn preview(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.action, self.status)?;
        if !self.body_is_json {
            let p = preview(&self.body, BODY_PREVIEW);
            let more = if p.len() < self.body.len() { "…" } else { "" };
            return write!(
                f,
                " with a body that is not a JSON envelope (expected {{\"Code\", \"Message\", \
                 \"RequestId\"}}); first bytes: {p:?}{more}"
            );
        }
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => write!(f, " {c}: {m}")?,
            (Some(c), None) => write!(f, " {c}")?,
            (None, Some(m)) => write!(f, ": {m}")?,
            (None, None) => f.write_str(" (no Code or Message in the body)")?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(r) = &self.recommend {
            write!(f, "; see {r}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {
    /// An answer is where the chain ends: nothing caused it on this side.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        None
    }
}

impl ServiceError {
    /// The error code (`Code`), e.g. `Throttling.User`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's message (`Message`).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request ID, for Alibaba Cloud support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The classification: whether retrying can help.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Replaces every occurrence of each secret (raw and percent-encoded once or twice) by
    /// `***` in every text field.
    pub(crate) fn scrub(&mut self, secrets: &[&str]) {
        let forms = secret_forms(secrets);
        if forms.is_empty() {
            return;
        }
        let clean = |t: &mut String| clean_text(t, &forms);
        clean(&mut self.body);
        // The request id too: without a JSON body it is the `x-acs-request-id` header's,
        // which a proxy may fill with anything (fuzz/regressions/response).
        for field in [
            &mut self.message,
            &mut self.code,
            &mut self.recommend,
            &mut self.host_id,
            &mut self.request_id,
        ]
        .into_iter()
        .flatten()
        {
            clean(field);
        }
        if let Some(detail) = &mut self.access_denied_detail {
            let mut text = detail.to_string();
            let before = text.clone();
            clean(&mut text);
            if text != before {
                *detail = serde_json::Value::String(text);
            }
        }
    }
}

/// The forms a secret takes in text that echoes it: raw, percent-encoded once or twice.
fn secret_forms(secrets: &[&str]) -> Vec<String> {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .flat_map(|s| {
            let once = crate::encode::encode(s);
            let twice = crate::encode::encode(&once);
            [(*s).to_owned(), once, twice]
        })
        .collect()
}

fn clean_text(t: &mut String, forms: &[String]) {
    for form in forms {
        if t.contains(form.as_str()) {
            *t = t.replace(form.as_str(), "***");
        }
    }
}

/// `text` with every form of each of `secrets` replaced by `***` (as [`ServiceError`]'s
/// fields are), for other errors that quote an answer.
pub(crate) fn scrub_text(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    clean_text(&mut out, &secret_forms(secrets));
    out
}

/// No answer came back: the connection failed, timed out or broke.
#[derive(Debug)]
pub struct TransportError {
    /// The operation (`Action`).
    pub action: String,
    /// The endpoint (`scheme://host[:port]/`; never the query, which may carry a token).
    pub endpoint: String,
    /// Transient for connection failures and timeouts.
    pub kind: ErrorKind,
    /// The underlying error, with its URL removed.
    pub source: reqwest::Error,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.source.is_connect() {
            "cannot connect to"
        } else if self.source.is_timeout() {
            "timed out talking to"
        } else {
            "transport failure talking to"
        };
        write!(
            f,
            "{}: {what} {}: {}",
            self.action, self.endpoint, self.source
        )?;
        // reqwest's top-level message is terse; the cause says e.g. "Connection refused".
        let mut cause = std::error::Error::source(&self.source);
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A problem with the runtime's configuration, found before anything is sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No region from any source, and no explicit endpoint.
    #[error(
        "no region: pass one explicitly (e.g. --region cn-hangzhou), set {ENV_REGION_ID}, or \
         set region_id in the Alibaba Cloud CLI profile (~/.aliyun/config.json)"
    )]
    NoRegion,
    /// The region does not look like a region id.
    #[error(
        "invalid region id {region:?} (from {from:?}); expected lower-case letters, digits and '-', e.g. cn-hangzhou"
    )]
    InvalidRegion {
        /// The region given.
        region: String,
        /// Where it came from.
        from: RegionSource,
    },
    /// The endpoint cannot be parsed.
    #[error(
        "invalid endpoint {endpoint:?}: {reason}; expected a host such as dataworks.cn-hangzhou.aliyuncs.com, optionally with https:// or http:// and a port"
    )]
    InvalidEndpoint {
        /// The endpoint given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Neither an endpoint nor a region map was given.
    #[error(
        "no endpoint: pass an explicit endpoint, or a region map to derive one from the region"
    )]
    NoEndpoint,
    /// Plain http to a host outside loopback.
    #[error(
        "refusing to send credentials over plain http to {endpoint}, which is not a loopback \
         address; use https, or allow it explicitly (allow_insecure_http)"
    )]
    InsecureEndpoint {
        /// The endpoint.
        endpoint: String,
    },
    /// The profile file (read for its region) is unusable.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The default HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// Every error the runtime returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad configuration, found before sending.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No credentials, or a broken credential source.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The request cannot be built (e.g. a hook added a header that is not valid HTTP).
    #[error("{action}: cannot build the request: {reason}")]
    InvalidRequest {
        /// The operation.
        action: String,
        /// What is wrong.
        reason: String,
    },
    /// The service answered with an error.
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// No answer: connection, timeout or I/O failure.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// A successful answer whose body is not the JSON expected.
    #[error("{action}: HTTP {status} answer cannot be decoded: {reason}; first bytes: {preview:?}")]
    Decode {
        /// The operation.
        action: String,
        /// HTTP status.
        status: u16,
        /// What did not match.
        reason: String,
        /// The start of the body.
        preview: String,
    },
    /// The service answered with a redirect (3xx), which is never followed: it would carry
    /// the signed request, with its key id and token, to another host.
    #[error(
        "{action}: HTTP {status} redirect to {location} refused; dwdi never follows redirects \
         (the signed request would go to another host); expected an answer from the endpoint \
         itself: check the endpoint and any proxy in between"
    )]
    Redirected {
        /// The operation.
        action: String,
        /// HTTP status (301, 302, 307, …).
        status: u16,
        /// The `location` header, without user information, query or fragment;
        /// `(no location header)` when there is none.
        location: String,
    },
    /// The answer's body is larger than the runtime's cap.
    #[error(
        "{action}: HTTP {status} answer is larger than the response body limit of {limit} bytes \
         (reading stopped after {read} bytes); RPC answers are small JSON: check the endpoint, \
         or raise the limit with RuntimeBuilder::max_response_body_bytes"
    )]
    ResponseTooLarge {
        /// The operation.
        action: String,
        /// HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
        /// Bytes received before reading stopped (0 when the declared length was over the limit).
        read: u64,
    },
    /// Retryable failures until the attempt limit or the time budget ran out.
    #[error("gave up after {attempts} attempt(s) in {elapsed:.1?} ({why}); last error: {last}")]
    RetriesExhausted {
        /// Attempts made.
        attempts: u32,
        /// Time spent.
        elapsed: Duration,
        /// `attempt limit reached` or `time budget exhausted`.
        why: &'static str,
        /// The last failure (a service error or a transport error).
        last: Box<Error>,
    },
}

impl Error {
    /// The classification, looking through [`Error::RetriesExhausted`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Service(e) => e.kind,
            Error::Transport(e) => e.kind,
            Error::RetriesExhausted { last, .. } => last.kind(),
            // A credentials service that did not answer may answer next time.
            Error::Credentials(e) if e.is_transient() => ErrorKind::Transient,
            Error::Config(_)
            | Error::Credentials(_)
            | Error::InvalidRequest { .. }
            | Error::Decode { .. }
            | Error::Redirected { .. }
            | Error::ResponseTooLarge { .. } => ErrorKind::Client,
        }
    }

    /// Shorthand for `self.kind().is_retryable()`.
    pub fn is_retryable(&self) -> bool {
        self.kind().is_retryable()
    }

    /// The service's error answer, if there was one (looking through retries).
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            Error::RetriesExhausted { last, .. } => last.service_error(),
            _ => None,
        }
    }

    /// The error code from the service, if any.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(|e| e.code.as_deref())
    }

    /// The HTTP status, if the service answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode { status, .. }
            | Error::Redirected { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => self.service_error().map(|e| e.status),
        }
    }

    /// The request id, if the service gave one.
    pub fn request_id(&self) -> Option<&str> {
        self.service_error().and_then(|e| e.request_id.as_deref())
    }
}
