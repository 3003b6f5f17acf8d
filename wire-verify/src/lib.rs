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
//! - [`vectors`]: Alibaba's published V3 and V2 vectors, as data.
//! - [`parsed`]: a request read once, whichever signature it carries, then checked against a
//!   secret; [`verify`] does both.
//!
//! ```
//! use dwdi_wire_verify::vectors::v3;
//! use dwdi_wire_verify::{Request, verify};
//! // Alibaba's public V3 vector (ECS RunInstances).
//! let headers = v3::headers();
//! let request = Request {
//!     method: v3::METHOD,
//!     path: "/",
//!     query: v3::QUERY,
//!     headers: &headers,
//!     body: b"",
//! };
//! let parsed = verify(request, v3::ACCESS_KEY_SECRET).expect("the public vector verifies");
//! assert_eq!(parsed.access_key_id(), v3::ACCESS_KEY_ID);
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
pub mod vectors;

pub use error::VerifyError;
pub use parsed::{Parsed, Scheme, parse};
pub use request::{Request, split_target};

/// Reads `request` ([`parse`]) and checks its signature with `secret` ([`Parsed::verify`]).
pub fn verify<'a>(request: Request<'a>, secret: &str) -> Result<Parsed<'a>, VerifyError> {
    let parsed = parse(request)?;
    parsed.verify(secret)?;
    Ok(parsed)
}
