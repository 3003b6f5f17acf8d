//! What the providers a profile or the environment asks for need from the caller: the
//! environment, the clock, and where STS and the metadata service are. A leaf, so that
//! [`super::chain`] and the profile builder depend on it and not on each other.

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::env::Env;

/// Shared settings of the providers the chain builds.
#[derive(Clone)]
pub(crate) struct Settings {
    pub env: Arc<dyn Env>,
    pub clock: Arc<dyn Clock>,
    pub sts_endpoint: Option<String>,
    pub ecs_metadata_endpoint: Option<String>,
}

impl Settings {
    pub fn new(env: Arc<dyn Env>) -> Self {
        Settings {
            env,
            clock: Arc::new(SystemClock),
            sts_endpoint: None,
            ecs_metadata_endpoint: None,
        }
    }
}
