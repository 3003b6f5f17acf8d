//! Where a region id comes from. A leaf module: [`crate::error`] names a [`RegionSource`] in
//! its messages and [`crate::endpoint`] resolves regions, so the type lives below both.

/// Environment variable naming the region.
pub const ENV_REGION_ID: &str = "ALIBABA_CLOUD_REGION_ID";

/// Where the region came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSource {
    /// Passed by the caller (`RuntimeBuilder::region`, `--region`).
    Caller,
    /// `ALIBABA_CLOUD_REGION_ID`.
    Environment,
    /// A profile's `region_id`.
    Profile {
        /// The profile's name.
        name: String,
    },
}

impl std::fmt::Display for RegionSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegionSource::Caller => f.write_str("the caller (--region)"),
            RegionSource::Environment => write!(f, "the environment ({ENV_REGION_ID})"),
            RegionSource::Profile { name } => write!(f, "profile {name:?}'s region_id"),
        }
    }
}
