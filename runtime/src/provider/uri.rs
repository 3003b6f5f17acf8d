//! Credentials served by a URL (`ALIBABA_CLOUD_CREDENTIALS_URI`, profile mode
//! `CredentialsURI`): `GET` answers `{"Code": "Success", "AccessKeyId", "AccessKeySecret",
//! "SecurityToken", "Expiration"}`. Typically a sidecar on the same host.

use std::time::Duration;

use reqwest::Url;

use super::answer::{check_success_code, credentials_from, json_object};
use super::http::Fetcher;
use crate::credentials::{Credentials, CredentialsError, CredentialsProvider, ProvideFuture};
use crate::endpoint::{redact_url, redact_userinfo};
use crate::secret::Secret;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);

/// Temporary credentials from a URL.
pub struct CredentialsUriProvider {
    // The query may carry a token: kept as a secret, shown without query.
    uri: Secret,
    shown: String,
    fetcher: Fetcher,
}

impl CredentialsUriProvider {
    /// A provider for `uri` (`http` or `https`, no user information).
    pub fn new(uri: impl Into<Secret>) -> Result<Self, CredentialsError> {
        let uri = uri.into();
        let invalid = |reason: &str| CredentialsError::Invalid {
            source_name: format!(
                "credentials URI {}",
                redact_url(&redact_userinfo(uri.expose()))
            ),
            reason: reason.to_owned(),
        };
        let url = Url::parse(uri.expose()).map_err(|e| {
            invalid(&format!(
                "not a URL ({e}); expected http(s)://host[:port]/path"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme is neither http nor https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "it contains user information (user:password@), which is never sent",
            ));
        }
        Ok(CredentialsUriProvider {
            shown: redact_url(uri.expose()),
            uri,
            fetcher: Fetcher::new(CONNECT_TIMEOUT, TOTAL_TIMEOUT),
        })
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let name = self.describe();
        let url = self.uri.expose();
        let answer = self.fetcher.send(&name, url, |c| c.get(url)).await?;
        if answer.status != 200 {
            return Err(CredentialsError::Fetch {
                source_name: name,
                reason: format!("HTTP {} (expected 200)", answer.status),
                transient: answer.status >= 500 || answer.status == 429,
            });
        }
        let obj = json_object(&name, &answer.body)?;
        check_success_code(&name, &obj)?;
        credentials_from(&name, &obj)
    }
}

impl CredentialsProvider for CredentialsUriProvider {
    fn describe(&self) -> String {
        format!("credentials URI {}", self.shown)
    }
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

impl std::fmt::Debug for CredentialsUriProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}
