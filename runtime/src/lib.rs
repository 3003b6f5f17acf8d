//! Alibaba Cloud RPC runtime for dwdi: signing, credentials, endpoints, transport, retries.
//!
//! Hand-written and independent of the spec: it knows Alibaba's RPC protocol (signatures,
//! envelopes, retry classification by status and `x-acs-retry-after`) and nothing about
//! DataWorks. Operations, parameters, the region map and the error codes with their classes
//! come from the spec through the generated client, which is a thin layer over [`Runtime`]
//! and hands it its tables ([`describe`], [`RuntimeBuilder::error_classes`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), dwdi_runtime::Error> {
//! use dwdi_runtime::{RegionMap, RpcRequest, Runtime};
//! const REGIONS: RegionMap = RegionMap::new(
//!     &[("cn-qingdao", "dataworks.aliyuncs.com")],
//!     "dataworks.{regionId}.aliyuncs.com",
//! );
//! let rt = Runtime::builder().region("cn-hangzhou").region_map(REGIONS).build()?;
//! let req = RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18")
//!     .param("ProjectId", "10000")
//!     .param("TaskType", "DI_REALTIME")
//!     .param("FileId", "100");
//! let dry = rt.sign_only(&req); // the exact request, not sent
//! println!("{}", dry.to_http_text());
//! let resp = rt.call(req).await?;
//! println!("{:?}", resp.data());
//! # Ok(()) }
//! ```
//!
//! # TLS backend
//! reqwest with `rustls-tls`: rustls on the *ring* crypto provider, with the Mozilla root
//! store compiled in (webpki-roots). Why: no system OpenSSL (static, portable binaries that
//! behave the same on every host), and ring builds from C/asm sources with the `cc` crate
//! alone — unlike aws-lc-rs it needs no cmake or Go and builds quickly on 2 cores. Compiled-in
//! roots make verification independent of the host's certificate store; callers who need
//! their platform's roots or a corporate CA inject their own `reqwest::Client`.
//! No other reqwest default feature is enabled (no HTTP/2, no compression, no system proxy
//! lookup): RPC answers are small JSON.
//!
//! # Modules
//! - [`encode`]: RFC 3986 percent-encoding and the canonical query.
//! - [`sign`]: V3 (`ACS3-HMAC-SHA256`) and legacy V2 (HMAC-SHA1) signers.
//! - [`clock`]: injectable clock and nonce source, the wire date format.
//! - [`credentials`]: keys and the provider trait; [`provider`]: the sources (environment,
//!   profiles, RAM roles, OIDC, the ECS metadata service, credentials URIs), the default
//!   chain and its precedence rule, and the refreshing cache; [`profile`]: the CLI's profile
//!   file; [`env`](mod@env): environment access.
//! - [`region`], [`endpoint`]: regions, region maps, endpoints, the plain-http guard.
//! - [`envelope`], [`error`]: answers, errors and their classification.
//! - [`retry`]: retry policy and backoff; [`transport`]: the runtime and its call loop
//!   (no redirects followed, response bodies capped).
//! - [`waiter`]: polling loop for asynchronous operations.
//! - [`describe`]: the tables a generated client carries (operations, parameters, fields,
//!   errors, gateway codes) and the checks run before sending; [`dynamic`]: operations by
//!   action name.

#![warn(missing_docs)]

mod body;
pub mod clock;
pub mod credentials;
pub mod describe;
pub mod dynamic;
pub mod encode;
pub mod endpoint;
pub mod env;
pub mod envelope;
pub mod error;
pub mod outcome;
pub mod profile;
pub mod provider;
pub mod region;
pub mod request;
pub mod retry;
mod secret;
pub mod sign;
pub mod transport;
pub mod waiter;

pub use clock::{
    AcsDate, Clock, FixedClock, FixedNonce, ManualClock, NonceSource, RandomNonce, SystemClock,
};
pub use credentials::{Credentials, CredentialsError, CredentialsProvider, StaticProvider};
pub use endpoint::{Endpoint, RegionMap, RegionSource, Scheme};
pub use env::{Env, MapEnv, ProcessEnv};
pub use error::{ConfigError, Error, ErrorKind, GatewayErrorDesc, ServiceError, TransportError};
pub use outcome::{JsonText, OperationFailed, WaiterFailure, client_token};
pub use provider::{
    CachingProvider, CredentialsSource, CredentialsUriProvider, DefaultChain, EcsRamRoleProvider,
    EnvProvider, OidcRoleArnProvider, RamRoleArnProvider, StsEndpoint,
};
pub use request::{
    Hooks, HttpMethod, MAX_URL_LEN, NoHooks, PROTOCOL_PARAMS, Param, RequestParts, ResponseParts,
    RpcRequest, SignedRequest, UrlTooLong,
};
pub use retry::{RetryPolicy, Sleeper, TokioSleeper};
pub use secret::Secret;
pub use sign::{SignatureVersion, Signer};
pub use transport::{
    DEFAULT_MAX_RESPONSE_BODY_BYTES, RpcResponse, Runtime, RuntimeBuilder, Timeouts,
};
pub use waiter::{Poll, WaitError, WaiterConfig, wait};
