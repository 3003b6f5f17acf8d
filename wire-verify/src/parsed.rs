//! A request read once, whichever signature it carries: who signed it, for which operation,
//! when, with which nonce and parameters; then checked against a secret.
//!
//! Reading ([`parse`]) needs no secret, so a server can look the key up between the two
//! steps and keep its own policy (which keys exist, STS tokens, clock skew, nonce replay).

use crate::error::VerifyError;
use crate::form;
use crate::request::Request;
use crate::v2;
use crate::v3::{self, Authorization};

/// Which signature a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme<'a> {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header.
    V3(Authorization<'a>),
    /// HMAC-SHA1 in the `Signature` query parameter.
    V2,
}

/// A request whose signature parts are well formed, not yet checked against a secret.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    request: Request<'a>,
    scheme: Scheme<'a>,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
}

/// Reads `request`: decodes its query and form body, finds its signature and checks that the
/// signature's parts are all there (V3: the authorization header, the signed headers, the
/// body hash; V2: the signature parameters).
pub fn parse(request: Request<'_>) -> Result<Parsed<'_>, VerifyError> {
    let query = form::decode(request.query, "query")?;
    let form = if request.has_form_body() {
        let text = std::str::from_utf8(request.body).map_err(|_| VerifyError::Undecodable {
            what: "form body",
            preview: crate::error::preview(&String::from_utf8_lossy(request.body)),
        })?;
        form::decode(text, "form body")?
    } else {
        Vec::new()
    };
    let scheme = if let Some(value) = request.header("authorization") {
        let auth = Authorization::parse(value)?;
        v3::check_signed_headers(&request, &auth)?;
        v3::check_body_hash(&request)?;
        Scheme::V3(auth)
    } else if query.iter().any(|(k, _)| k == "Signature") {
        Scheme::V2
    } else {
        return Err(VerifyError::Unsigned);
    };
    let parsed = Parsed {
        request,
        scheme,
        query,
        form,
    };
    if parsed.scheme == Scheme::V2 {
        parsed.check_v2_params()?;
    }
    Ok(parsed)
}

impl<'a> Parsed<'a> {
    /// The request as received.
    pub fn request(&self) -> &Request<'a> {
        &self.request
    }

    /// The signature it carries.
    pub fn scheme(&self) -> &Scheme<'a> {
        &self.scheme
    }

    /// The decoded query, in order.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The decoded form body, in order (empty without one).
    pub fn form(&self) -> &[(String, String)] {
        &self.form
    }

    /// A parameter of the query or the form body (the query's first).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(&self.form)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The AccessKey id that signed it.
    pub fn access_key_id(&self) -> &str {
        match &self.scheme {
            Scheme::V3(auth) => auth.credential,
            Scheme::V2 => self.param("AccessKeyId").unwrap_or_default(),
        }
    }

    /// The STS token it carries (`x-acs-security-token`, or V2's `SecurityToken`).
    pub fn security_token(&self) -> Option<&str> {
        match &self.scheme {
            Scheme::V3(_) => self.request.header("x-acs-security-token"),
            Scheme::V2 => self.param("SecurityToken"),
        }
    }

    /// The operation (`x-acs-action`, or V2's `Action`).
    pub fn action(&self) -> Option<&str> {
        self.common("x-acs-action", "Action")
    }

    /// The API version (`x-acs-version`, or V2's `Version`).
    pub fn api_version(&self) -> Option<&str> {
        self.common("x-acs-version", "Version")
    }

    /// The signing date as sent (`x-acs-date`, or V2's `Timestamp`), `YYYY-MM-DDThh:mm:ssZ`.
    pub fn date(&self) -> Option<&str> {
        self.common("x-acs-date", "Timestamp")
    }

    /// The nonce (`x-acs-signature-nonce`, or V2's `SignatureNonce`).
    pub fn nonce(&self) -> Option<&str> {
        self.common("x-acs-signature-nonce", "SignatureNonce")
    }

    fn common(&self, v3_header: &str, v2_param: &str) -> Option<&str> {
        match &self.scheme {
            Scheme::V3(_) => self.request.header(v3_header).map(str::trim),
            Scheme::V2 => self.param(v2_param),
        }
    }

    /// The operation's own parameters: the query's and the form body's, without the ones the
    /// V2 signature adds.
    pub fn operation_params(&self) -> Vec<(String, String)> {
        let v2 = self.scheme == Scheme::V2;
        self.query
            .iter()
            .chain(&self.form)
            .filter(|(k, _)| !(v2 && v2::COMMON_PARAMS.contains(&k.as_str())))
            .cloned()
            .collect()
    }

    /// Checks the signature with `secret`.
    pub fn verify(&self, secret: &str) -> Result<(), VerifyError> {
        match &self.scheme {
            Scheme::V3(auth) => v3::check_signature(&self.request, &self.query, auth, secret),
            Scheme::V2 => {
                let mut all = self.query.clone();
                all.extend(self.form.iter().cloned());
                v2::check_signature(self.request.method, &all, secret)
            }
        }
    }

    fn check_v2_params(&self) -> Result<(), VerifyError> {
        for name in [
            "AccessKeyId",
            "Signature",
            "SignatureMethod",
            "SignatureVersion",
            "Timestamp",
            "SignatureNonce",
        ] {
            if self.param(name).is_none_or(str::is_empty) {
                return Err(VerifyError::Incomplete(format!(
                    "{name} is missing; expected it among the query parameters of an HMAC-SHA1 \
                     signature"
                )));
            }
        }
        let method = self.param("SignatureMethod").unwrap_or_default();
        let version = self.param("SignatureVersion").unwrap_or_default();
        if method != "HMAC-SHA1" || version != "1.0" {
            return Err(VerifyError::Incomplete(format!(
                "SignatureMethod is {method:?} and SignatureVersion {version:?}; expected \
                 HMAC-SHA1 and 1.0"
            )));
        }
        Ok(())
    }
}
