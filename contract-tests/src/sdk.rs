//! The requests Alibaba's official Python SDK signed (`fixtures/sdk/`, captured by
//! `fixtures/sdk/capture.py`): the independent oracle dwdi's wire output is compared with.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The eight DI operations of Alibaba's metadata, which the fixtures cover.
pub const OPERATIONS: [&str; 8] = [
    "CreateDISyncTask",
    "GenerateDISyncTaskConfigForCreating",
    "GenerateDISyncTaskConfigForUpdating",
    "GetDISyncInstanceInfo",
    "QueryDISyncTaskConfigProcessResult",
    "StartDISyncInstance",
    "StopDISyncInstance",
    "UpdateDISyncTask",
];

/// The cases captured per operation (see the fixtures' README).
pub const CASES: [&str; 3] = ["escaping", "sts", "v2"];

/// One captured request and what produced it.
#[derive(Debug, Clone, Deserialize)]
pub struct Fixture {
    /// The SDK and the packages that sign and send, with their versions.
    pub sdk: Sdk,
    /// The action.
    pub operation: String,
    /// `sts`, `escaping` or `v2`.
    pub case: String,
    /// `ACS3-HMAC-SHA256` or `HMAC-SHA1`.
    pub signature: String,
    /// The pinned signing date and nonce.
    pub pinned: Pinned,
    /// Fake credentials.
    pub credentials: FixtureCredentials,
    /// The region the SDK was configured with.
    pub region: String,
    /// The parameters given to the SDK, by wire name (numbers as JSON numbers).
    pub inputs: serde_json::Map<String, Value>,
    /// The request as the capture server received it.
    pub request: Captured,
}

/// The SDK's identity.
#[derive(Debug, Clone, Deserialize)]
pub struct Sdk {
    /// `alibabacloud-dataworks-public20200518`.
    pub package: String,
    /// `10.1.1`.
    pub version: String,
}

/// The pinned date and nonce.
#[derive(Debug, Clone, Deserialize)]
pub struct Pinned {
    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub date: String,
    /// 32 hex characters.
    pub nonce: String,
}

/// Fake credentials.
#[derive(Debug, Clone, Deserialize)]
pub struct FixtureCredentials {
    /// The AccessKey id.
    pub access_key_id: String,
    /// The AccessKey secret (fake).
    pub access_key_secret: String,
    /// The STS token, for the `sts` and `v2` cases.
    pub security_token: Option<String>,
}

/// A request as received.
#[derive(Debug, Clone, Deserialize)]
pub struct Captured {
    /// `POST`.
    pub method: String,
    /// `/`.
    pub path: String,
    /// The query as sent (`+` for a space).
    pub query: String,
    /// Headers in the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: String,
}

impl Captured {
    /// The request, for the shared verifier.
    pub fn as_request(&self) -> dwdi_wire_verify::Request<'_> {
        dwdi_wire_verify::Request {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: self.body.as_bytes(),
        }
    }

    /// A header's value (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.as_request().header(name)
    }
}

impl Fixture {
    /// `<Operation>.<case>`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.operation, self.case)
    }

    /// The inputs in wire form: numbers in decimal, strings as they are.
    pub fn wire_inputs(&self) -> Vec<(String, String)> {
        self.inputs
            .iter()
            .map(|(name, value)| (name.clone(), crate::harness::wire_text(value)))
            .collect()
    }
}

/// The fixtures' directory.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk")
}

/// Every `*.json` fixture, sorted by file name; panics naming a file that does not load.
pub fn load_all() -> Vec<Fixture> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap_or_else(|e| panic!("{}: {e}", dir().display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not a fixture: {e}", path.display()))
        })
        .collect()
}
