//! What a caller asks for ([`RpcRequest`]), what hooks see ([`RequestParts`],
//! [`ResponseParts`]) and what goes on the wire ([`SignedRequest`]).

use std::borrow::Cow;
use std::fmt;

use reqwest::header::HeaderMap;

/// One parameter: a name (usually a `'static` literal from generated code) and its value.
pub type Param = (Cow<'static, str>, String);

/// The HTTP method. RPC calls are `POST` (the default); `GET` is accepted by the service too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpMethod {
    /// `POST`.
    #[default]
    Post,
    /// `GET`.
    Get,
}

impl HttpMethod {
    /// `"POST"` or `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Get => "GET",
        }
    }
}

/// An RPC call: action, API version and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcRequest {
    /// The operation, e.g. `GetDISyncInstanceInfo`.
    pub action: Cow<'static, str>,
    /// The API version, e.g. `2020-05-18`.
    pub version: Cow<'static, str>,
    /// `POST` unless set otherwise.
    pub method: HttpMethod,
    /// Parameters sent in the query string (all documented DataWorks parameters).
    pub params: Vec<Param>,
    /// Parameters sent as an `application/x-www-form-urlencoded` body (e.g. `TaskContent`
    /// of `CreateDISyncTask`). Empty for most calls, which then have no body.
    pub form: Vec<Param>,
}

impl RpcRequest {
    /// A `POST` call with no parameters yet.
    pub fn new(
        action: impl Into<Cow<'static, str>>,
        version: impl Into<Cow<'static, str>>,
    ) -> Self {
        RpcRequest {
            action: action.into(),
            version: version.into(),
            method: HttpMethod::Post,
            params: Vec::new(),
            form: Vec::new(),
        }
    }

    /// Adds a query parameter.
    pub fn param(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Adds a form-body parameter.
    pub fn form_param(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.form.push((name.into(), value.into()));
        self
    }

    /// Sets the method.
    pub fn method(mut self, method: HttpMethod) -> Self {
        self.method = method;
        self
    }
}

/// A request as hooks see it before signing. The request is borrowed until a hook changes it
/// (`parts.request.to_mut()`), so the common no-hook path copies nothing.
#[derive(Debug)]
pub struct RequestParts<'a> {
    /// The call.
    pub request: Cow<'a, RpcRequest>,
    /// Extra headers. Names are lower-cased when signed; `x-acs-*` ones are signed (V3).
    pub headers: Vec<(String, String)>,
    /// 1 for the first attempt.
    pub attempt: u32,
}

/// An answer as hooks see it before it is decoded.
#[derive(Debug)]
pub struct ResponseParts<'a> {
    /// The operation.
    pub action: &'a str,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: &'a HeaderMap,
    /// Raw body.
    pub body: &'a [u8],
}

/// Observes or adjusts requests before signing and responses before decoding.
/// Both methods default to doing nothing.
pub trait Hooks: Send + Sync {
    /// Called on every attempt, before the request is signed.
    fn before_sign(&self, parts: &mut RequestParts<'_>) {
        let _ = parts;
    }

    /// Called on every answer, before it is decoded.
    fn after_response(&self, response: &ResponseParts<'_>) {
        let _ = response;
    }
}

/// The hooks that do nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

impl Hooks for NoHooks {}

/// A fully signed request: exactly what would be sent.
///
/// `Debug` redacts the STS token (header `x-acs-security-token`, query `SecurityToken`);
/// [`SignedRequest::to_http_text`] shows everything, for an explicit `--dry-run`. The
/// AccessKey secret is never part of a request.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The method.
    pub method: HttpMethod,
    /// The full URL, query included.
    pub url: String,
    /// Headers in send order, names lower-case.
    pub headers: Vec<(Cow<'static, str>, String)>,
    /// The form body, if any.
    pub body: Option<String>,
    /// V3 only: lower-case hex SHA-256 of the canonical request (to compare with the
    /// server's when it answers `SignatureDoesNotMatch`).
    pub hashed_canonical_request: Option<String>,
}

/// The longest URL the runtime sends, in bytes (the whole URL: scheme, host, path and query).
///
/// Why this number: the HTTP stack (reqwest over hyper) turns the URL into an `http::Uri`,
/// which refuses 65,535 bytes or more, and the call then fails with reqwest's bare "Parsed Url
/// is not a valid Uri" (a TaskParam of about 50 KB, percent-encoded, gets there). Nothing
/// longer can be sent, so the runtime refuses at exactly that point, before sending, with the
/// parameter to blame. A lower limit would be a guess: Alibaba publishes no URL limit for RPC
/// calls, and the official SDK 10.1.1 sends these JSON parameters in the query too.
pub const MAX_URL_LEN: usize = 65_534;

/// A URL over [`MAX_URL_LEN`]: the request cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTooLong {
    /// The URL's length in bytes.
    pub url_len: usize,
    /// [`MAX_URL_LEN`].
    pub limit: usize,
    /// The longest query parameter, the one to shorten (the URL's own name for it).
    pub parameter: String,
    /// That parameter's value, percent-encoded, in bytes (what it takes in the URL).
    pub encoded_len: usize,
    /// That parameter's value, decoded, in bytes (what the caller gave).
    pub value_len: usize,
}

impl fmt::Display for UrlTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the URL would be {} bytes, over the limit of {} bytes; its longest query parameter \
             is {}: {} bytes of value, {} bytes once percent-encoded; expected a URL of at most \
             {} bytes (shorten {})",
            self.url_len,
            self.limit,
            self.parameter,
            self.value_len,
            self.encoded_len,
            self.limit,
            self.parameter
        )
    }
}

impl std::error::Error for UrlTooLong {}

/// The parameters the signature sets itself (V2 puts them all in the query; V3 sends the
/// same facts as `x-acs-…` headers).
pub const PROTOCOL_PARAMS: [&str; 10] = [
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// The query parameter that carries the token in V2.
const TOKEN_PARAM: &str = "SecurityToken=";
/// The header that carries the token in V3.
pub(crate) const TOKEN_HEADER: &str = "x-acs-security-token";

impl SignedRequest {
    /// The value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The query string (after `?`), empty when there is none.
    pub fn query(&self) -> &str {
        self.url.split_once('?').map_or("", |(_, q)| q)
    }

    /// Checks the URL against [`MAX_URL_LEN`]; over it, names the longest query parameter
    /// with its sizes (never its value, which may be a token).
    pub fn check_url_len(&self) -> Result<(), UrlTooLong> {
        if self.url.len() <= MAX_URL_LEN {
            return Ok(());
        }
        let (name, value) = self
            .query()
            .split('&')
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .max_by_key(|(_, value)| value.len())
            .unwrap_or(("(the URL has no query)", ""));
        // The runtime writes its query canonically: a decoded byte per `%XX`, one per other
        // character.
        let escapes = value.bytes().filter(|b| *b == b'%').count();
        Err(UrlTooLong {
            url_len: self.url.len(),
            limit: MAX_URL_LEN,
            parameter: name.to_owned(),
            encoded_len: value.len(),
            value_len: value.len() - 2 * escapes,
        })
    }

    /// [`SignedRequest::check_url_len`] as the error a call of `action` fails with: the one
    /// check both the transport and a dry-run (`dwdi call --dry-run`) apply, so a request
    /// that would be refused is refused the same way without being sent.
    pub fn check_sendable(&self, action: &str) -> Result<(), crate::Error> {
        let invalid = |reason: String| crate::Error::InvalidRequest {
            action: action.to_owned(),
            reason,
        };
        self.check_url_len().map_err(|e| invalid(e.to_string()))?;
        match self.repeated_param() {
            Some(name) => Err(invalid(format!(
                "parameter {name} would be sent twice: a parameter is sent once, and the \
                 signature sets its own ({}); expected distinct names other than those",
                PROTOCOL_PARAMS.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// The first parameter name (as written on the wire) that the query and the form body
    /// carry more than once between them: a caller's parameter named like one the signature
    /// sets itself (`Timestamp`, `Signature`…) or given twice. The service would read one of
    /// the two, and V2 would sign both, so such a request is refused rather than sent.
    fn repeated_param(&self) -> Option<String> {
        let names = |text: &'_ str| -> Vec<String> {
            text.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| pair.split_once('=').map_or(pair, |(n, _)| n).to_owned())
                .collect()
        };
        let mut all = names(self.query());
        all.extend(self.body.as_deref().map(names).unwrap_or_default());
        // A request has a handful of parameters; sorting a copy is the simplest exact check.
        all.sort_unstable();
        all.windows(2).find(|w| w[0] == w[1]).map(|w| w[0].clone())
    }

    /// The request as HTTP/1.1 text, token included: for a dry-run the user asked for.
    pub fn to_http_text(&self) -> String {
        self.render(false)
    }

    /// The URL with the `SecurityToken` value replaced by `***`.
    pub fn redacted_url(&self) -> String {
        let Some((base, query)) = self.url.split_once('?') else {
            return self.url.clone();
        };
        let parts: Vec<&str> = query
            .split('&')
            .map(|p| {
                if p.starts_with(TOKEN_PARAM) {
                    "SecurityToken=***"
                } else {
                    p
                }
            })
            .collect();
        format!("{base}?{}", parts.join("&"))
    }

    fn render(&self, redact: bool) -> String {
        let url = if redact {
            self.redacted_url()
        } else {
            self.url.clone()
        };
        let mut out = format!("{} {url}\n", self.method.as_str());
        for (name, value) in &self.headers {
            let value = if redact && name.eq_ignore_ascii_case(TOKEN_HEADER) {
                "***"
            } else {
                value
            };
            out.push_str(&format!("{name}: {value}\n"));
        }
        if let Some(body) = &self.body {
            out.push('\n');
            out.push_str(body);
            out.push('\n');
        }
        out
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let v = if n.eq_ignore_ascii_case(TOKEN_HEADER) {
                    "***"
                } else {
                    v.as_str()
                };
                (n.as_ref(), v)
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.redacted_url())
            .field("headers", &headers)
            .field("body", &self.body)
            .field("hashed_canonical_request", &self.hashed_canonical_request)
            .finish()
    }
}
