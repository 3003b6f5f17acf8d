//! The Alibaba Cloud CLI's profile file, `~/.aliyun/config.json`.
//!
//! ```json
//! { "current": "default",
//!   "profiles": [ { "name": "default", "mode": "AK", "access_key_id": "…",
//!                   "access_key_secret": "…", "sts_token": "", "region_id": "cn-hangzhou" } ] }
//! ```
//! Only the modes `AK` and `StsToken` carry keys this runtime can use; the others (RAM role,
//! ECS role, OIDC, …) need a token service and are reported as unsupported by name.
//!
//! The file is parsed into a `serde_json::Value` and read field by field, rather than through
//! a derived struct: serde's type errors quote the offending value, and that value could be a
//! secret. Our errors name the field and the file, never the value.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::credentials::Credentials;
use crate::env::Env;

/// The default location of the CLI's profile file under a home directory.
pub fn default_profile_path(env: &dyn Env) -> Option<PathBuf> {
    env.home_dir()
        .map(|home| home.join(".aliyun").join("config.json"))
}

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
        "profile {profile:?} in {path} has mode {mode:?}, which dwdi does not support; supported modes: AK, StsToken"
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
    #[error("profile {profile:?} in {path} (mode {mode}) has no {field:?}; that mode needs access_key_id, access_key_secret{}", if mode == "StsToken" { " and sts_token" } else { "" })]
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
    access_key_secret: Option<crate::Secret>,
    sts_token: Option<crate::Secret>,
}

impl ProfileFile {
    /// Reads and parses the file. A missing file gives `Ok(None)`: having no CLI
    /// configuration is normal and the credential chain moves on.
    pub fn load(path: &Path) -> Result<Option<ProfileFile>, ProfileError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(ProfileError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
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
            let field = |name: &str| -> Result<Option<String>, ProfileError> {
                match p.get(name) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) if s.is_empty() => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    Some(_) => Err(malformed(format!("profiles[{i}].{name} is not a string"))),
                }
            };
            let name = field("name")?
                .ok_or_else(|| malformed(format!("profiles[{i}] has no \"name\"")))?;
            profiles.push(Profile {
                path: path.to_owned(),
                mode: field("mode")?.unwrap_or_default(),
                region_id: field("region_id")?,
                access_key_id: field("access_key_id")?,
                access_key_secret: field("access_key_secret")?.map(crate::Secret::new),
                sts_token: field("sts_token")?.map(crate::Secret::new),
                name,
            });
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

    /// The profile named `name`, or else the file's `current` one (or `default` when the file
    /// names none).
    pub fn select(&self, name: Option<&str>) -> Result<&Profile, ProfileError> {
        let wanted = name.or(self.current.as_deref()).unwrap_or("default");
        self.profiles
            .iter()
            .find(|p| p.name == wanted)
            .ok_or_else(|| ProfileError::NoSuchProfile {
                path: self.path.clone(),
                name: wanted.to_owned(),
                available: self.profiles.iter().map(|p| p.name.clone()).collect(),
            })
    }
}

impl Profile {
    /// The profile's keys, per its mode: `AK` needs the key pair, `StsToken` also the token.
    pub fn credentials(&self) -> Result<Credentials, ProfileError> {
        let mode = if self.mode.is_empty() {
            "AK"
        } else {
            &self.mode
        };
        let needs_token = match mode {
            "AK" => false,
            "StsToken" => true,
            other => {
                return Err(ProfileError::UnsupportedMode {
                    path: self.path.clone(),
                    profile: self.name.clone(),
                    mode: other.to_owned(),
                });
            }
        };
        let missing = |field| ProfileError::MissingField {
            path: self.path.clone(),
            profile: self.name.clone(),
            mode: mode.to_owned(),
            field,
        };
        let id = self
            .access_key_id
            .clone()
            .ok_or_else(|| missing("access_key_id"))?;
        let secret = self
            .access_key_secret
            .clone()
            .ok_or_else(|| missing("access_key_secret"))?;
        let creds = Credentials::new(id, secret);
        if needs_token {
            let token = self.sts_token.clone().ok_or_else(|| missing("sts_token"))?;
            Ok(creds.with_security_token(token))
        } else {
            Ok(creds)
        }
    }
}
