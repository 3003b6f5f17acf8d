//! Regions and endpoints: where a call goes.
//!
//! The region map is plain `'static` data so that a generated crate can declare the spec's map
//! as a `const` and hand it over; the runtime itself knows no product's regions.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use reqwest::Url;
use reqwest::header::HeaderValue;

use crate::env::Env;
use crate::error::ConfigError;
use crate::profile::Profile;
pub use crate::region::{ENV_REGION_ID, RegionSource};

/// The environment variable that confines every request to loopback hosts. The test suites
/// set it (through `dwdi-test-support`) as a net under their own guards: a test that lost its
/// `--dry-run` or its loopback endpoint then fails instead of reaching Alibaba Cloud.
pub const ENV_LOOPBACK_ONLY: &str = "DWDI_LOOPBACK_ONLY";

/// Whether [`ENV_LOOPBACK_ONLY`] is set in the process's environment (to anything but empty
/// or `0`).
pub fn loopback_only() -> bool {
    std::env::var_os(ENV_LOOPBACK_ONLY).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Refuses `url` when [`loopback_only`] holds and its host is not a loopback address; the
/// message names the host (never the query, which may carry a token).
pub fn check_loopback_only(url: &str) -> Result<(), String> {
    confine_to_loopback(loopback_only(), url)
}

fn confine_to_loopback(confined: bool, url: &str) -> Result<(), String> {
    if !confined {
        return Ok(());
    }
    let host = Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    if is_loopback_host(&host) {
        Ok(())
    } else {
        Err(format!(
            "{ENV_LOOPBACK_ONLY} is set: refusing to send to {host:?}, which is not a loopback \
             address; expected 127.0.0.1, ::1 or localhost"
        ))
    }
}

/// True for `localhost`, `127.0.0.0/8` and `::1` (`[::1]` as URLs write it), as the URL
/// parser normalises hosts (lower case, canonical addresses).
fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .and_then(|h| h.parse::<Ipv6Addr>().ok())
            .is_some_and(|ip| ip.is_loopback())
}

/// A product's region → host table plus a pattern for regions not in it.
///
/// ```
/// use dwdi_runtime::RegionMap;
/// const MAP: RegionMap = RegionMap::new(
///     &[("cn-qingdao", "dataworks.aliyuncs.com")],
///     "dataworks.{regionId}.aliyuncs.com",
/// );
/// assert_eq!(MAP.host_for("cn-qingdao"), "dataworks.aliyuncs.com");
/// assert_eq!(MAP.host_for("cn-shanghai"), "dataworks.cn-shanghai.aliyuncs.com");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionMap {
    /// Regions with a host of their own.
    pub hosts: &'static [(&'static str, &'static str)],
    /// The host of every other region; `{regionId}` is replaced by the region id.
    pub default_pattern: &'static str,
}

impl RegionMap {
    /// A region map (usable in `const` context).
    pub const fn new(
        hosts: &'static [(&'static str, &'static str)],
        default_pattern: &'static str,
    ) -> Self {
        RegionMap {
            hosts,
            default_pattern,
        }
    }

    /// The host serving `region`.
    pub fn host_for(&self, region: &str) -> String {
        self.hosts
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, h)| (*h).to_owned())
            .unwrap_or_else(|| self.default_pattern.replace("{regionId}", region))
    }
}

/// `https` (the default) or `http`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// TLS.
    Https,
    /// Plain text; credentials go over it only to loopback hosts unless explicitly allowed.
    Http,
}

impl Scheme {
    /// `"https"` or `"http"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

/// Where requests go: scheme, host and optional port. The path is always `/` (RPC style).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
    loopback: bool,
    /// `scheme://host[:port]/`, built once.
    base_url: String,
    /// `host[:port]` as sent (and signed) in the `host` header.
    host_header: String,
}

impl Endpoint {
    /// Parses `host`, `host:port` or `http(s)://host[:port][/]`; a bare host means https.
    ///
    /// An endpoint with user information (`http://AK:SECRET@host`) is refused, and errors
    /// show the input with that part replaced by `***`: it is most likely a key pair.
    pub fn parse(input: &str) -> Result<Endpoint, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidEndpoint {
            endpoint: redact_userinfo(input),
            reason: reason.to_owned(),
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
        let scheme = match url.scheme() {
            "https" => Scheme::Https,
            "http" => Scheme::Http,
            _ => return Err(invalid("the scheme is neither https nor http")),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "it contains user information (user:password@), which is never sent; give keys \
                 through the environment or a profile, and the endpoint as a bare host",
            ));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "it has a path, query or fragment; RPC endpoints are a bare host",
            ));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("it has no host"))?
            .to_owned();
        let loopback = is_loopback_host(&host);
        Ok(Self::assemble(scheme, host, url.port(), loopback))
    }

    /// An https endpoint for a host name (as a region map produces).
    pub fn https(host: &str) -> Result<Endpoint, ConfigError> {
        Self::parse(&format!("https://{host}"))
    }

    fn assemble(scheme: Scheme, host: String, port: Option<u16>, loopback: bool) -> Endpoint {
        let host_header = match port {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        let base_url = format!("{}://{host_header}/", scheme.as_str());
        Endpoint {
            scheme,
            host,
            port,
            loopback,
            base_url,
            host_header,
        }
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host name or address (IPv6 in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The explicit port, if any.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// `host[:port]`, the value of the `host` header.
    pub fn host_header(&self) -> &str {
        &self.host_header
    }

    /// `scheme://host[:port]/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// True for `localhost`, `127.0.0.0/8` and `::1`.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// Refuses plain http to a non-loopback host unless `allow_insecure` is set: the request
    /// carries the key id, the signature and possibly an STS token.
    pub fn check_transport_security(&self, allow_insecure: bool) -> Result<(), ConfigError> {
        if self.scheme == Scheme::Http && !self.loopback && !allow_insecure {
            return Err(ConfigError::InsecureEndpoint {
                endpoint: self.base_url.clone(),
            });
        }
        Ok(())
    }

    /// The `host` header value, checked once so signing never fails on it.
    pub(crate) fn host_header_value(&self) -> Result<HeaderValue, ConfigError> {
        HeaderValue::from_str(&self.host_header).map_err(|_| ConfigError::InvalidEndpoint {
            endpoint: self.base_url.clone(),
            reason: "the host is not a valid header value".to_owned(),
        })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base_url)
    }
}

/// The profile a region may come from, and whether the user named it.
#[derive(Debug, Clone, Copy)]
pub enum ProfileRef<'a> {
    /// Named explicitly (`--profile`, `RuntimeBuilder::profile`, `ALIBABA_CLOUD_PROFILE`): its
    /// region wins over the environment's.
    Named(&'a Profile),
    /// The file's current (or `default`) profile: the environment's region wins over it.
    Default(&'a Profile),
}

/// Chooses the region by the one precedence rule, what the user names explicitly first: the
/// caller's, else a named profile's `region_id`, else `ALIBABA_CLOUD_REGION_ID`, else the
/// default profile's `region_id`. The result is checked to look like a region id, since it
/// becomes part of a host name.
pub fn resolve_region(
    explicit: Option<&str>,
    env: &dyn Env,
    profile: Option<ProfileRef<'_>>,
) -> Result<(String, RegionSource), ConfigError> {
    let from_profile = |p: &Profile| {
        p.region_id.clone().map(|r| {
            (
                r,
                RegionSource::Profile {
                    name: p.name.clone(),
                },
            )
        })
    };
    let (named, default) = match profile {
        Some(ProfileRef::Named(p)) => (Some(p), None),
        Some(ProfileRef::Default(p)) => (None, Some(p)),
        None => (None, None),
    };
    let found = explicit
        .filter(|r| !r.is_empty())
        .map(|r| (r.to_owned(), RegionSource::Caller))
        .or_else(|| named.and_then(from_profile))
        .or_else(|| {
            env.var(ENV_REGION_ID)
                .map(|r| (r, RegionSource::Environment))
        })
        .or_else(|| default.and_then(from_profile));
    let Some((region, source)) = found else {
        return Err(ConfigError::NoRegion);
    };
    let well_formed = !region.is_empty()
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed {
        return Err(ConfigError::InvalidRegion {
            region,
            from: source,
        });
    }
    Ok((region, source))
}

/// `input` with any user information of its authority (`user:password@`) replaced by
/// `***@`, for error messages. Works on text that does not parse as a URL too.
pub fn redact_userinfo(input: &str) -> String {
    let (scheme, rest) = match input.find("://") {
        Some(i) => input.split_at(i + 3),
        None => ("", input),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => input.to_owned(),
    }
}

/// A URL as errors may show it: scheme, host, port and path, without user information,
/// query or fragment (which may carry a token or a signature).
pub fn redact_url(input: &str) -> String {
    match Url::parse(input) {
        Ok(url) => {
            let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
            if let Some(port) = url.port() {
                shown.push_str(&format!(":{port}"));
            }
            shown.push_str(url.path());
            shown
        }
        // A relative reference (a redirect's `/elsewhere?x`): keep the path only.
        Err(_) => {
            let cut = input.find(['?', '#']).unwrap_or(input.len());
            redact_userinfo(&input[..cut])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::confine_to_loopback;

    #[test]
    fn confined_requests_go_to_loopback_hosts_only() {
        for url in [
            "http://127.0.0.1:8080/",
            "http://127.1.2.3/",
            "http://[::1]:9/",
            "http://localhost:1/?Token=x",
        ] {
            assert_eq!(confine_to_loopback(true, url), Ok(()), "{url}");
        }
        for (url, host) in [
            (
                "https://dataworks.cn-hangzhou.aliyuncs.com/",
                "dataworks.cn-hangzhou.aliyuncs.com",
            ),
            (
                "http://100.100.100.200/latest/meta-data/",
                "100.100.100.200",
            ),
            (
                "https://sts.aliyuncs.com/?SecurityToken=secret",
                "sts.aliyuncs.com",
            ),
            ("http://[2001:db8::1]/", "[2001:db8::1]"),
        ] {
            let e = confine_to_loopback(true, url).expect_err(url);
            assert!(e.contains(&format!("{host:?}")), "{e}");
            assert!(e.contains("DWDI_LOOPBACK_ONLY is set"), "{e}");
            assert!(!e.contains("secret"), "{e}");
            assert_eq!(confine_to_loopback(false, url), Ok(()), "{url}");
        }
    }
}
