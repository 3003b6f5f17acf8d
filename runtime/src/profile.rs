//! The Alibaba Cloud CLI's profile file, `~/.aliyun/config.json`: parsing and per-mode
//! validation. Turning a profile into credentials is [`crate::provider`]'s job, so this module
//! depends on nothing but the environment and [`Secret`].
//!
//! ```json
//! { "current": "default",
//!   "profiles": [ { "name": "default", "mode": "AK", "access_key_id": "…",
//!                   "access_key_secret": "…", "region_id": "cn-hangzhou" } ] }
//! ```
//! Modes, with the fields each needs (as the Alibaba Cloud CLI writes them):
//! - `AK`: `access_key_id`, `access_key_secret`.
//! - `StsToken`: those and `sts_token`.
//! - `RamRoleArn`: the key pair and `ram_role_arn`; optional `ram_session_name`,
//!   `expired_seconds`, `policy`, `external_id`, `sts_region`, `enable_vpc`.
//! - `ChainableRamRoleArn`: `source_profile` (any profile, whose credentials sign the
//!   AssumeRole call) and `ram_role_arn`; the same options.
//! - `EcsRamRole`: optional `ram_role_name` (discovered from the metadata service when absent).
//! - `OIDC`: `ram_role_arn`, `oidc_provider_arn`, `oidc_token_file`; the same options.
//! - `CredentialsURI`: `credentials_uri`.
//!
//! The file is parsed into a `serde_json::Value` and read field by field, rather than through
//! a derived struct: serde's type errors quote the offending value, and that value could be a
//! secret. Our errors name the field and the file, never the value.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::env::Env;
use crate::secret::Secret;

/// The largest profile file read (bytes actually read, whatever the kind of file). The CLI's
/// files are a few kilobytes.
pub const MAX_PROFILE_FILE_BYTES: u64 = 1024 * 1024;

/// Environment variable naming the profile to use, like `--profile`.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";

/// The default location of the CLI's profile file under a home directory.
pub fn default_profile_path(env: &dyn Env) -> Option<PathBuf> {
    env.home_dir()
        .map(|home| home.join(".aliyun").join("config.json"))
}

/// The modes this runtime turns into credentials, as the CLI spells them.
pub const SUPPORTED_MODES: &[&str] = &[
    "AK",
    "StsToken",
    "RamRoleArn",
    "ChainableRamRoleArn",
    "EcsRamRole",
    "OIDC",
    "CredentialsURI",
];

/// What went wrong while reading a profile file. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file exists but could not be read.
    #[error("cannot read the Alibaba Cloud CLI profile file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_PROFILE_FILE_BYTES`].
    #[error(
        "the Alibaba Cloud CLI profile file {path} is too big: more than {MAX_PROFILE_FILE_BYTES} \
         bytes; expected a small JSON file"
    )]
    TooBig {
        /// The file.
        path: PathBuf,
    },
    /// The file is not JSON, or not shaped like the CLI's configuration.
    #[error(
        "malformed Alibaba Cloud CLI profile file {path}: {reason}; expected JSON like \
         {{\"current\": \"default\", \"profiles\": [{{\"name\": \"default\", \"mode\": \"AK\", \
         \"access_key_id\": \"…\", \"access_key_secret\": \"…\", \"region_id\": \"…\"}}]}}"
    )]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What was wrong (never quotes a value).
        reason: String,
    },
    /// A profile was named (`--profile`, `ALIBABA_CLOUD_PROFILE`) but there is no file.
    #[error(
        "profile {name:?} was asked for, but there is no Alibaba Cloud CLI profile file at {path}; \
         create it with `aliyun configure --profile {name}`"
    )]
    NoFile {
        /// Where the file was looked for.
        path: PathBuf,
        /// The profile asked for.
        name: String,
    },
    /// The requested profile is not in the file.
    #[error("profile {name:?} not found in {path}; the file has: {}", if available.is_empty() { "no profiles".to_owned() } else { available.join(", ") })]
    NoSuchProfile {
        /// The file.
        path: PathBuf,
        /// The profile asked for.
        name: String,
        /// The profile names the file does have.
        available: Vec<String>,
    },
    /// The profile uses a mode this runtime cannot turn into keys.
    #[error(
        "profile {profile:?} in {path} has mode {mode:?}, which dwdi does not support; supported modes: {}",
        SUPPORTED_MODES.join(", ")
    )]
    UnsupportedMode {
        /// The file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// Its mode.
        mode: String,
    },
    /// A field that the profile's mode requires is missing or empty.
    #[error(
        "profile {profile:?} in {path} (mode {mode}) has no {field:?}; that mode needs {}",
        required_fields(mode).join(", ")
    )]
    MissingField {
        /// The file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// Its mode.
        mode: String,
        /// The missing field.
        field: &'static str,
    },
    /// A field has a value of the wrong kind or out of range.
    #[error("profile {profile:?} in {path}: {field} {reason}")]
    InvalidField {
        /// The file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// The field.
        field: &'static str,
        /// What is wrong (never quotes a secret).
        reason: String,
    },
    /// `ChainableRamRoleArn` profiles whose `source_profile`s lead back to themselves.
    #[error(
        "profile {profile:?} in {path}: its source_profile chain {} loops or is deeper than {MAX_SOURCE_DEPTH}; \
         expected it to end at a profile with keys (AK, StsToken, …)",
        chain.join(" -> ")
    )]
    SourceLoop {
        /// The file.
        path: PathBuf,
        /// The profile where the chain starts.
        profile: String,
        /// The profiles visited.
        chain: Vec<String>,
    },
}

/// How deep `ChainableRamRoleArn` profiles may nest.
pub const MAX_SOURCE_DEPTH: usize = 5;

/// The fields a mode requires, for error messages.
fn required_fields(mode: &str) -> &'static [&'static str] {
    match mode {
        "StsToken" => &["access_key_id", "access_key_secret", "sts_token"],
        "RamRoleArn" => &["access_key_id", "access_key_secret", "ram_role_arn"],
        "ChainableRamRoleArn" => &["source_profile", "ram_role_arn"],
        "EcsRamRole" => &[],
        "OIDC" => &["ram_role_arn", "oidc_provider_arn", "oidc_token_file"],
        "CredentialsURI" => &["credentials_uri"],
        _ => &["access_key_id", "access_key_secret"],
    }
}

/// A parsed profile file.
#[derive(Debug, Clone)]
pub struct ProfileFile {
    path: PathBuf,
    current: Option<String>,
    profiles: Vec<Profile>,
}

/// One profile of the file, with its fields as read (secrets wrapped).
#[derive(Debug, Clone)]
pub struct Profile {
    path: PathBuf,
    /// The profile's name.
    pub name: String,
    /// Its mode (`AK`, `StsToken`, …); empty when the file omits it, which means `AK`.
    pub mode: String,
    /// The `region_id` field, when set and non-empty.
    pub region_id: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<Secret>,
    sts_token: Option<Secret>,
    ram_role_arn: Option<String>,
    ram_session_name: Option<String>,
    ram_role_name: Option<String>,
    oidc_provider_arn: Option<String>,
    oidc_token_file: Option<String>,
    source_profile: Option<String>,
    // A URI may carry a token in its query.
    credentials_uri: Option<Secret>,
    policy: Option<String>,
    external_id: Option<String>,
    sts_region: Option<String>,
    expired_seconds: Option<u64>,
    enable_vpc: bool,
}

/// The settings of an AssumeRole-style profile (`RamRoleArn`, `ChainableRamRoleArn`, `OIDC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleSettings<'a> {
    /// `ram_role_arn`.
    pub role_arn: &'a str,
    /// `ram_session_name` (or `role_session_name`).
    pub session_name: Option<&'a str>,
    /// `expired_seconds` (absent or 0: the provider's default).
    pub duration_seconds: Option<u64>,
    /// `policy`.
    pub policy: Option<&'a str>,
    /// `external_id` (RAM roles only).
    pub external_id: Option<&'a str>,
    /// `sts_region`: call `sts.<region>.aliyuncs.com`.
    pub sts_region: Option<&'a str>,
    /// `enable_vpc`: call the `sts-vpc` endpoint.
    pub enable_vpc: bool,
}

/// What a profile's mode asks for, validated: every required field is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileKind<'a> {
    /// `AK`: a permanent key pair.
    AccessKey {
        /// `access_key_id`.
        access_key_id: &'a str,
        /// `access_key_secret`.
        access_key_secret: &'a Secret,
    },
    /// `StsToken`: temporary keys with their token.
    StsToken {
        /// `access_key_id`.
        access_key_id: &'a str,
        /// `access_key_secret`.
        access_key_secret: &'a Secret,
        /// `sts_token`.
        sts_token: &'a Secret,
    },
    /// `RamRoleArn`: assume a role with the profile's key pair.
    RamRoleArn {
        /// `access_key_id`.
        access_key_id: &'a str,
        /// `access_key_secret`.
        access_key_secret: &'a Secret,
        /// The role.
        role: RoleSettings<'a>,
    },
    /// `ChainableRamRoleArn`: assume a role with another profile's credentials.
    ChainableRamRoleArn {
        /// `source_profile`.
        source_profile: &'a str,
        /// The role.
        role: RoleSettings<'a>,
    },
    /// `EcsRamRole`: the instance's RAM role, from the metadata service.
    EcsRamRole {
        /// `ram_role_name`, if given.
        role_name: Option<&'a str>,
    },
    /// `OIDC`: assume a role with an OIDC token read from a file (RRSA).
    Oidc {
        /// `oidc_provider_arn`.
        oidc_provider_arn: &'a str,
        /// `oidc_token_file`.
        oidc_token_file: &'a str,
        /// The role.
        role: RoleSettings<'a>,
    },
    /// `CredentialsURI`: credentials served by a local URL.
    CredentialsUri {
        /// `credentials_uri`.
        uri: &'a Secret,
    },
}

impl ProfileFile {
    /// Reads and parses the file. A missing file gives `Ok(None)`: having no CLI
    /// configuration is normal and the credential chain moves on.
    pub fn load(path: &Path) -> Result<Option<ProfileFile>, ProfileError> {
        let read_error = |source| ProfileError::Read {
            path: path.to_owned(),
            source,
        };
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(read_error(e)),
        };
        // Bounded by the bytes actually read, so a fifo or a device cannot make it grow.
        let mut bytes = Vec::new();
        file.take(MAX_PROFILE_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        if bytes.len() as u64 > MAX_PROFILE_FILE_BYTES {
            return Err(ProfileError::TooBig {
                path: path.to_owned(),
            });
        }
        let text = String::from_utf8(bytes).map_err(|e| ProfileError::Malformed {
            path: path.to_owned(),
            reason: format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        })?;
        Self::parse(path, &text).map(Some)
    }

    /// Parses the text of a profile file; `path` is used in errors.
    pub fn parse(path: &Path, text: &str) -> Result<ProfileFile, ProfileError> {
        let malformed = |reason: String| ProfileError::Malformed {
            path: path.to_owned(),
            reason,
        };
        // serde_json's syntax errors give line and column, never the input's content.
        let root: Value =
            serde_json::from_str(text).map_err(|e| malformed(format!("not valid JSON ({e})")))?;
        let obj = root
            .as_object()
            .ok_or_else(|| malformed("the top level is not a JSON object".into()))?;
        let current = match obj.get("current") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(malformed("\"current\" is not a string".into())),
        };
        let list = match obj.get("profiles") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(a)) => a.as_slice(),
            Some(_) => return Err(malformed("\"profiles\" is not an array".into())),
        };
        let mut profiles = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            let p = p
                .as_object()
                .ok_or_else(|| malformed(format!("profiles[{i}] is not an object")))?;
            profiles.push(Profile::parse(path, i, p).map_err(malformed)?);
        }
        Ok(ProfileFile {
            path: path.to_owned(),
            current,
            profiles,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The `current` profile's name, if the file names one.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// The profile called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The profile named `name`, or else the file's `current` one (or `default` when the file
    /// names none).
    pub fn select(&self, name: Option<&str>) -> Result<&Profile, ProfileError> {
        let wanted = name.or(self.current.as_deref()).unwrap_or("default");
        self.get(wanted).ok_or_else(|| ProfileError::NoSuchProfile {
            path: self.path.clone(),
            name: wanted.to_owned(),
            available: self.profiles.iter().map(|p| p.name.clone()).collect(),
        })
    }
}

impl Profile {
    /// Reads profile `i`; the error is the reason, for [`ProfileError::Malformed`].
    fn parse(path: &Path, i: usize, p: &Map<String, Value>) -> Result<Profile, String> {
        let text = |name: &str| -> Result<Option<String>, String> {
            match p.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("profiles[{i}].{name} is not a string")),
            }
        };
        // The CLI writes numbers; hand-written files sometimes quote them.
        let number = |name: &str| -> Result<Option<u64>, String> {
            let bad = || format!("profiles[{i}].{name} is not a non-negative integer");
            match p.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(bad),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => s.parse().map(Some).map_err(|_| bad()),
                Some(_) => Err(bad()),
            }
        };
        let flag = |name: &str| -> Result<bool, String> {
            match p.get(name) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
                Some(Value::String(s)) if s.is_empty() || s.eq_ignore_ascii_case("false") => {
                    Ok(false)
                }
                Some(_) => Err(format!("profiles[{i}].{name} is not true or false")),
            }
        };
        let name = text("name")?.ok_or_else(|| format!("profiles[{i}] has no \"name\""))?;
        Ok(Profile {
            path: path.to_owned(),
            mode: text("mode")?.unwrap_or_default(),
            region_id: text("region_id")?,
            access_key_id: text("access_key_id")?,
            access_key_secret: text("access_key_secret")?.map(Secret::new),
            sts_token: text("sts_token")?.map(Secret::new),
            ram_role_arn: text("ram_role_arn")?,
            // The CLI writes `ram_session_name`; some SDKs read `role_session_name` for OIDC.
            ram_session_name: match text("ram_session_name")? {
                Some(s) => Some(s),
                None => text("role_session_name")?,
            },
            ram_role_name: text("ram_role_name")?,
            oidc_provider_arn: text("oidc_provider_arn")?,
            oidc_token_file: text("oidc_token_file")?,
            source_profile: text("source_profile")?,
            credentials_uri: text("credentials_uri")?.map(Secret::new),
            policy: text("policy")?,
            external_id: text("external_id")?,
            sts_region: text("sts_region")?,
            // 0 is what the CLI writes when the user gave none.
            expired_seconds: number("expired_seconds")?.filter(|&s| s != 0),
            enable_vpc: flag("enable_vpc")?,
            name,
        })
    }

    /// The file the profile was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The mode, `AK` when the file leaves it empty.
    pub fn effective_mode(&self) -> &str {
        if self.mode.is_empty() {
            "AK"
        } else {
            &self.mode
        }
    }

    /// The profile's mode with the fields it needs, checked present.
    pub fn kind(&self) -> Result<ProfileKind<'_>, ProfileError> {
        let mode = self.effective_mode();
        let missing = |field| ProfileError::MissingField {
            path: self.path.clone(),
            profile: self.name.clone(),
            mode: mode.to_owned(),
            field,
        };
        let id = || {
            self.access_key_id
                .as_deref()
                .ok_or_else(|| missing("access_key_id"))
        };
        let secret = || {
            self.access_key_secret
                .as_ref()
                .ok_or_else(|| missing("access_key_secret"))
        };
        let role = || -> Result<RoleSettings<'_>, ProfileError> {
            Ok(RoleSettings {
                role_arn: self
                    .ram_role_arn
                    .as_deref()
                    .ok_or_else(|| missing("ram_role_arn"))?,
                session_name: self.ram_session_name.as_deref(),
                duration_seconds: self.expired_seconds,
                policy: self.policy.as_deref(),
                external_id: self.external_id.as_deref(),
                sts_region: self.sts_region.as_deref(),
                enable_vpc: self.enable_vpc,
            })
        };
        Ok(match mode {
            "AK" => ProfileKind::AccessKey {
                access_key_id: id()?,
                access_key_secret: secret()?,
            },
            "StsToken" => ProfileKind::StsToken {
                access_key_id: id()?,
                access_key_secret: secret()?,
                sts_token: self
                    .sts_token
                    .as_ref()
                    .ok_or_else(|| missing("sts_token"))?,
            },
            "RamRoleArn" => ProfileKind::RamRoleArn {
                access_key_id: id()?,
                access_key_secret: secret()?,
                role: role()?,
            },
            "ChainableRamRoleArn" => ProfileKind::ChainableRamRoleArn {
                source_profile: self
                    .source_profile
                    .as_deref()
                    .ok_or_else(|| missing("source_profile"))?,
                role: role()?,
            },
            "EcsRamRole" => ProfileKind::EcsRamRole {
                role_name: self.ram_role_name.as_deref(),
            },
            "OIDC" => ProfileKind::Oidc {
                oidc_provider_arn: self
                    .oidc_provider_arn
                    .as_deref()
                    .ok_or_else(|| missing("oidc_provider_arn"))?,
                oidc_token_file: self
                    .oidc_token_file
                    .as_deref()
                    .ok_or_else(|| missing("oidc_token_file"))?,
                role: role()?,
            },
            "CredentialsURI" => ProfileKind::CredentialsUri {
                uri: self
                    .credentials_uri
                    .as_ref()
                    .ok_or_else(|| missing("credentials_uri"))?,
            },
            other => {
                return Err(ProfileError::UnsupportedMode {
                    path: self.path.clone(),
                    profile: self.name.clone(),
                    mode: other.to_owned(),
                });
            }
        })
    }

    /// An [`ProfileError::InvalidField`] for this profile.
    pub fn invalid(&self, field: &'static str, reason: impl Into<String>) -> ProfileError {
        ProfileError::InvalidField {
            path: self.path.clone(),
            profile: self.name.clone(),
            field,
            reason: reason.into(),
        }
    }
}
