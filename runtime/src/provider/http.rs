//! One bounded HTTP exchange with a credentials service (STS, the instance metadata service,
//! a credentials URI): no redirects, time limits, a small cap on the answer, and errors that
//! never show a query string or a secret.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::body::{BodyError, read_capped};
use crate::credentials::CredentialsError;
use crate::endpoint::redact_url;
use crate::envelope::decode_error;
use crate::error::ErrorKind;

/// The largest answer a credentials service may send: they are a few hundred bytes of JSON.
pub const MAX_CREDENTIALS_ANSWER_BYTES: usize = 64 * 1024;

/// An answer: status, headers and the (capped) body.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A lazily built HTTP client with a provider's time limits and no redirects.
pub(crate) struct Fetcher {
    connect: Duration,
    total: Duration,
    client: OnceLock<Result<reqwest::Client, String>>,
}

impl Fetcher {
    /// A fetcher with a connect limit and a limit for the whole exchange.
    pub fn new(connect: Duration, total: Duration) -> Self {
        Fetcher {
            connect,
            total,
            client: OnceLock::new(),
        }
    }

    fn client(&self, source_name: &str) -> Result<&reqwest::Client, CredentialsError> {
        self.client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(self.connect)
                    .timeout(self.total)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| CredentialsError::Fetch {
                source_name: source_name.to_owned(),
                reason: format!("cannot build the HTTP client: {e}"),
                transient: false,
            })
    }

    /// Sends the request `build` makes; `url` is the request's URL (shown redacted in errors).
    /// Any status comes back as an [`Answer`] except a redirect, which is an error.
    pub async fn send(
        &self,
        source_name: &str,
        url: &str,
        build: impl FnOnce(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, CredentialsError> {
        let shown = redact_url(url);
        let fail = |reason: String, transient: bool| CredentialsError::Fetch {
            source_name: source_name.to_owned(),
            reason,
            transient,
        };
        let network = |e: reqwest::Error| {
            let e = e.without_url();
            let what = if e.is_connect() {
                "cannot connect to"
            } else if e.is_timeout() {
                "timed out talking to"
            } else {
                "transport failure talking to"
            };
            let mut reason = format!("{what} {shown}: {e}");
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                reason.push_str(&format!(": {c}"));
                cause = c.source();
            }
            fail(reason, !e.is_builder())
        };
        crate::endpoint::check_loopback_only(url).map_err(|reason| fail(reason, false))?;
        let client = self.client(source_name)?;
        let response = build(client).send().await.map_err(network)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if (300..400).contains(&status) {
            let location = headers
                .get(reqwest::header::LOCATION)
                .map(|v| redact_url(&String::from_utf8_lossy(v.as_bytes())))
                .unwrap_or_else(|| "(no location header)".to_owned());
            return Err(fail(
                format!(
                    "{shown} answered HTTP {status}, a redirect to {location}; redirects are \
                     never followed for credentials: expected the answer from {shown} itself"
                ),
                false,
            ));
        }
        let body = read_capped(response, MAX_CREDENTIALS_ANSWER_BYTES)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge { .. } => fail(
                    format!(
                        "{shown} answered HTTP {status} with more than \
                         {MAX_CREDENTIALS_ANSWER_BYTES} bytes; expected a small JSON document"
                    ),
                    false,
                ),
                BodyError::Transport(e) => network(e),
            })?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// The error for a non-2xx answer of an Alibaba Cloud service (STS): its code, message and
/// request id when the body is the usual error envelope, the start of the body otherwise.
/// `secrets` are scrubbed from everything shown.
pub(crate) fn service_error(
    source_name: &str,
    action: &str,
    answer: &Answer,
    secrets: &[&str],
) -> CredentialsError {
    // The runtime knows no error code (the API's table comes from the generated client, and
    // STS is another service): its answers are classed by status and `x-acs-retry-after`.
    let mut e = decode_error(
        action,
        answer.status,
        Some(&answer.headers),
        &answer.body,
        &[],
    );
    e.scrub(secrets);
    CredentialsError::Fetch {
        source_name: source_name.to_owned(),
        reason: e.to_string(),
        transient: e.kind != ErrorKind::Client,
    }
}

/// The error for an answer that is not what the service documents.
pub(crate) fn malformed(source_name: &str, what: &str) -> CredentialsError {
    CredentialsError::Fetch {
        source_name: source_name.to_owned(),
        reason: format!("unexpected answer: {what}"),
        transient: false,
    }
}
