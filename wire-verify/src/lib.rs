//! An independent verifier of Alibaba Cloud RPC requests, as the gateway checks them.
//!
//! One place for the wire math every checker in dwdi needs: the mock (which adds its policy:
//! which keys, clock skew, nonce replay), the test fixtures, the contract suites and the CLI
//! tests. It is written from the published algorithms (the project's `wire-protocol.md`) and
//! shares no code with `dwdi-runtime`'s signer, which it exists to check.
//!
//! - [`encode`]: RFC 3986 percent-encoding, as both signatures define it.
//! - [`form`]: `application/x-www-form-urlencoded` decoding of a query or a body (`+` and
//!   `%20` are both a space: the official SDKs put `+` on the wire and sign `%20`).
//! - [`query`]: the canonical query, and a check that a query already is canonical.
//! - [`request`]: a request as a server receives it.
//! - [`v3`]: `ACS3-HMAC-SHA256` (the `Authorization` header); [`v2`]: HMAC-SHA1 (the
//!   `Signature` query parameter).
//! - [`parsed`]: a request read once, whichever signature it carries, then checked against a
//!   secret; [`verify`] does both.
//!
//! ```
//! use dwdi_wire_verify::{Request, verify};
//! // Alibaba's public V3 vector (ECS RunInstances).
//! let headers: Vec<(String, String)> = [
//!     ("host", "ecs.cn-shanghai.aliyuncs.com"),
//!     ("x-acs-action", "RunInstances"),
//!     ("x-acs-version", "2014-05-26"),
//!     ("x-acs-date", "2023-10-26T10:22:32Z"),
//!     ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
//!     ("x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
//!     ("authorization", "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,\
//!       SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
//!       Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"),
//! ]
//! .map(|(n, v)| (n.to_owned(), v.to_owned()))
//! .into();
//! let request = Request {
//!     method: "POST",
//!     path: "/",
//!     query: "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
//!     headers: &headers,
//!     body: b"",
//! };
//! let parsed = verify(request, "YourAccessKeySecret").expect("the public vector verifies");
//! assert_eq!(parsed.access_key_id(), "YourAccessKeyId");
//! assert!(verify(request, "another secret").is_err());
//! ```

#![warn(missing_docs)]

pub mod encode;
pub mod error;
pub mod form;
pub mod parsed;
pub mod query;
pub mod request;
pub mod v2;
pub mod v3;

pub use error::VerifyError;
pub use parsed::{Parsed, Scheme, parse};
pub use request::{Request, split_target};

/// Reads `request` ([`parse`]) and checks its signature with `secret` ([`Parsed::verify`]).
pub fn verify<'a>(request: Request<'a>, secret: &str) -> Result<Parsed<'a>, VerifyError> {
    let parsed = parse(request)?;
    parsed.verify(secret)?;
    Ok(parsed)
}
