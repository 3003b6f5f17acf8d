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
