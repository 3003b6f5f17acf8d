//! The `config` module: the runtime's configuration types, re-exported so that a program
//! needs only the generated crate as a dependency.

use proc_macro2::TokenStream;
use quote::quote;

use super::Cx;

/// The module's docs.
pub(crate) fn module_docs() -> String {
    "How the client connects: credentials and where they come from, region and endpoint\n\
     (through [`RuntimeBuilder`]), retries, time limits, hooks and signing, and how waiters\n\
     poll.\n\n\
     Start from [`Client::runtime_builder`](super::Client::runtime_builder), which already\n\
     knows this API's region map and error classes; give the built [`Runtime`] to\n\
     [`Client::new`](super::Client::new)."
        .to_owned()
}

/// Re-exports of the runtime's configuration types.
pub(crate) fn items(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    quote! {
        pub use #rt::{
            CachingProvider, Clock, Credentials, CredentialsProvider, CredentialsSource,
            CredentialsUriProvider, DefaultChain, EcsRamRoleProvider, EnvProvider, Hooks,
            OidcRoleArnProvider, RamRoleArnProvider, RequestParts, ResponseParts, RetryPolicy,
            Runtime, RuntimeBuilder, Secret, SignatureVersion, Sleeper, StaticProvider,
            StsEndpoint, Timeouts, WaiterConfig,
        };
    }
}
