//! Where credentials come from: the environment, the CLI's profiles, RAM roles through STS,
//! OIDC (RRSA), the ECS metadata service and credentials URIs; the default chain that picks
//! one by the precedence rule; and the cache that refreshes them.
//!
//! Layering (one way): [`chain`] picks a source and builds its provider ([`env`],
//! `profile`, [`sts`], [`ecs`], [`uri`]); the runtime wraps it in a
//! [`CachingProvider`]. The network providers share one bounded HTTP exchange (`http`) and
//! one parser of the credentials document (`answer`).

mod answer;
pub mod cache;
pub mod chain;
pub mod ecs;
pub mod env;
mod http;
mod profile;
mod settings;
pub mod sts;
pub mod uri;

pub use cache::CachingProvider;
pub use chain::{CredentialsSource, DefaultChain, NamedBy, ProfileChoice, SelectedCredentials};
pub use ecs::{EcsRamRoleBuilder, EcsRamRoleProvider};
pub use env::EnvProvider;
pub use http::MAX_CREDENTIALS_ANSWER_BYTES;
pub use sts::{
    OidcRoleArnBuilder, OidcRoleArnProvider, RamRoleArnBuilder, RamRoleArnProvider, StsEndpoint,
};
pub use uri::CredentialsUriProvider;
