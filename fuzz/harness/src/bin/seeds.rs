//! Writes the fuzz targets' seed corpora (`fuzz/seeds/<target>/`) and their dictionary
//! (`fuzz/dwdi.dict`) from what the repository already holds: the validator's and the CLI's
//! document corpora, the spec and its samples (request and response cases), the codegen test
//! fixtures and the SDK captures. Run from anywhere: `cargo run -p dwdi-fuzz-harness --bin
//! seeds`. Deterministic: the same repository gives the same files, so they are committed.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use dataworks_di::meta::DISPATCH;
use dwdi_fuzz_harness::request::Call;
use dwdi_fuzz_harness::response::STATUSES;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `*.json` files under `dir` (recursively), sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.expect("a readable entry").path();
        if path.is_dir() {
            out.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file name from a description: letters, digits, `.`, `-` and `_` only.
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

struct Seeds {
    dir: PathBuf,
    written: usize,
}

impl Seeds {
    fn new(target: &str) -> Seeds {
        let dir = repo().join("fuzz/seeds").join(target);
        if dir.exists() {
            fs::remove_dir_all(&dir).expect("the old seeds can be removed");
        }
        fs::create_dir_all(&dir).expect("the seed directory can be made");
        Seeds { dir, written: 0 }
    }

    fn add(&mut self, name: &str, data: &[u8]) {
        fs::write(self.dir.join(file_name(name)), data).expect("a seed can be written");
        self.written += 1;
    }
}

/// A document as the spec holds it in a parameter: a JSON string of an object.
fn embedded_object(value: &Value) -> Option<String> {
    let text = value.as_str()?;
    let parsed: Value = serde_json::from_str(text).ok()?;
    parsed.is_object().then(|| text.to_owned())
}

/// The text of a parameter value as a caller gives it.
fn wire_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Each operation's example calls: the spec's request cases when it has them, else one call
/// with every parameter's documented example.
fn example_calls(facts: &Value) -> Vec<(String, Vec<(String, Value)>)> {
    let cases: Vec<(String, Vec<(String, Value)>)> = facts["cases"]["request"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|case| {
            let params = case["params"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect();
            (case["id"].as_str().unwrap_or("case").to_owned(), params)
        })
        .collect();
    if !cases.is_empty() {
        return cases;
    }
    let params: Vec<(String, Value)> = facts["parameters"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(n, p)| p.get("example").map(|v| (n.clone(), v.clone())))
        .collect();
    vec![("examples".to_owned(), params)]
}

/// Each operation's example answers: the spec's response cases when it has them, else its
/// sample and an error envelope per documented error.
fn example_answers(facts: &Value) -> Vec<(String, u16, Value)> {
    let cases: Vec<(String, u16, Value)> = facts["cases"]["response"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|case| {
            (
                case["id"].as_str().unwrap_or("case").to_owned(),
                case["status"].as_u64().unwrap_or(200) as u16,
                case["body"].clone(),
            )
        })
        .collect();
    if !cases.is_empty() {
        return cases;
    }
    let mut out = Vec::new();
    if facts["sample"]["body"].is_object() {
        out.push(("sample".to_owned(), 200, facts["sample"]["body"].clone()));
    }
    for error in facts["errors"].as_array().into_iter().flatten() {
        let code = error["code"].as_str().unwrap_or("Unknown");
        out.push((
            format!("error-{code}"),
            error["status"].as_u64().unwrap_or(400) as u16,
            serde_json::json!({
                "RequestId": "0bc1411515937635973",
                "HostId": "dataworks.cn-hangzhou.aliyuncs.com",
                "Code": code,
                "Message": error["message"],
                "Recommend": "https://api.aliyun.com/troubleshoot?q=x",
            }),
        ));
    }
    out
}

fn documents(spec: &Value) -> usize {
    let mut seeds = Seeds::new("document");
    let root = repo();
    for dir in ["cli/tests/corpus", "validate/tests/data"] {
        for path in json_files(&root.join(dir)) {
            let rel = path.strip_prefix(&root).expect("under the repository");
            seeds.add(&rel.to_string_lossy(), &fs::read(&path).expect("readable"));
        }
    }
    for (op, facts) in spec["operations"].as_object().into_iter().flatten() {
        for (id, params) in example_calls(facts) {
            for (name, value) in &params {
                if let Some(doc) = embedded_object(value) {
                    seeds.add(&format!("spec.{op}.{id}.{name}.json"), doc.as_bytes());
                    // The same document escaped in a JSON string, as copied out of a request.
                    seeds.add(
                        &format!("spec.{op}.{id}.{name}.escaped.json"),
                        Value::String(doc).to_string().as_bytes(),
                    );
                }
            }
        }
        for (id, _, body) in example_answers(facts) {
            for (name, value) in body["Data"].as_object().into_iter().flatten() {
                if let Some(doc) = embedded_object(value) {
                    seeds.add(&format!("spec.{op}.{id}.{name}.json"), doc.as_bytes());
                }
            }
        }
    }
    seeds.written
}

fn specs() -> usize {
    let mut seeds = Seeds::new("spec");
    let root = repo();
    seeds.add(
        "dataworks-di.json",
        &fs::read(root.join("spec/dataworks-di.json")).expect("the spec"),
    );
    seeds.add(
        "effective.json",
        &fs::read(root.join("generated/spec.json")).expect("the effective spec"),
    );
    for path in json_files(&root.join("codegen/tests/fixtures")) {
        let rel = path.strip_prefix(&root).expect("under the repository");
        seeds.add(&rel.to_string_lossy(), &fs::read(&path).expect("readable"));
    }
    seeds.written
}

fn requests(spec: &Value) -> usize {
    let mut seeds = Seeds::new("request");
    let root = repo();
    // The SDK's requests as they went on the wire (signed with other keys: refused, but
    // parsed and verified all the way).
    for path in json_files(&root.join("contract-tests/fixtures/sdk")) {
        let fixture = read_json(&path);
        let request = &fixture["request"];
        let (Some(method), Some(query)) = (request["method"].as_str(), request["query"].as_str())
        else {
            continue;
        };
        let path_part = request["path"].as_str().unwrap_or("/");
        let body = request["body"].as_str().unwrap_or("");
        let mut text = if query.is_empty() {
            format!("{method} {path_part} HTTP/1.1\r\n")
        } else {
            format!("{method} {path_part}?{query} HTTP/1.1\r\n")
        };
        for header in request["headers"].as_array().into_iter().flatten() {
            if let (Some(n), Some(v)) = (header[0].as_str(), header[1].as_str()) {
                text.push_str(&format!("{n}: {v}\r\n"));
            }
        }
        text.push_str("\r\n");
        text.push_str(body);
        let mut data = vec![0u8];
        data.extend_from_slice(text.as_bytes());
        let name = path.file_stem().expect("a name").to_string_lossy();
        seeds.add(&format!("sdk.{name}.http"), &data);
    }
    // Every request case of the spec, signed by the runtime, each way it can be sent.
    for (op, facts) in spec["operations"].as_object().into_iter().flatten() {
        for (id, params) in example_calls(facts) {
            let params: Vec<(String, String)> = params
                .iter()
                .map(|(n, v)| (n.clone(), wire_text(v)))
                .collect();
            for (v2, get, key, form) in [
                (false, false, 0, false),
                (true, false, 0, false),
                (false, true, 1, false),
                (true, false, 1, true),
                (false, false, 2, true),
                (false, false, 3, false),
            ] {
                let call = Call {
                    v2,
                    get,
                    key,
                    form,
                    action: op.clone(),
                    params: params.clone(),
                };
                seeds.add(
                    &format!(
                        "{op}.{id}.v{}{}.key{key}{}",
                        if v2 { 2 } else { 3 },
                        if get { ".get" } else { "" },
                        if form { ".form" } else { "" }
                    ),
                    &call.to_input(),
                );
            }
        }
    }
    seeds.written
}

fn responses(spec: &Value) -> usize {
    let mut seeds = Seeds::new("response");
    for (i, op) in DISPATCH.iter().enumerate() {
        let facts = &spec["operations"][op.desc.action];
        for (id, status, body) in example_answers(facts) {
            let Some(status_index) = STATUSES.iter().position(|s| *s == status) else {
                continue;
            };
            let headers = "x-acs-request-id: 0bc1411515937635973\r\nx-acs-retry-after: 1500\r\n";
            let mut data = vec![i as u8, status_index as u8, headers.len() as u8];
            data.extend_from_slice(headers.as_bytes());
            data.extend_from_slice(body.to_string().as_bytes());
            seeds.add(&format!("{}.{id}", op.desc.action), &data);
        }
    }
    seeds.written
}

/// Every object member name in `value`, and every short string value.
fn tokens(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                tokens(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| tokens(v, out)),
        Value::String(s) if s.len() <= 32 && !s.contains(' ') => {
            out.insert(s.clone());
        }
        _ => {}
    }
}

fn dictionary(spec: &Value) -> usize {
    let mut names = BTreeSet::new();
    tokens(spec, &mut names);
    for schema in [
        dataworks_di::documents::TASK_PARAM_SCHEMA,
        dataworks_di::documents::TASK_CONTENT_SCHEMA,
        dataworks_di::documents::START_PARAM_SCHEMA,
    ] {
        tokens(&serde_json::from_str(schema).expect("a schema"), &mut names);
    }
    let mut out = String::from(
        "# Written by `cargo run -p dwdi-fuzz-harness --bin seeds`: JSON's tokens, then every member\n\
         # name and short string of the spec and the document schemas (quoted as JSON strings).\n",
    );
    let json = [
        "{", "}", "[", "]", ":", ",", "\"", "true", "false", "null", "-0", "1e9", "0.5", "\\u0000",
        "\\uD800", "\\\"", "\u{FEFF}", "{}", "[]", "\"\":",
    ];
    let mut n = 0;
    for token in json {
        out.push_str(&format!("\"{}\"\n", escape(token)));
        n += 1;
    }
    // HTTP and wire tokens for the request target.
    for token in [
        "\r\n",
        "\r\n\r\n",
        "HTTP/1.1",
        "POST / HTTP/1.1",
        "GET /?",
        "content-type: ",
        "application/x-www-form-urlencoded",
        "authorization: ",
        "ACS3-HMAC-SHA256 Credential=",
        ",SignedHeaders=",
        ",Signature=",
        "x-acs-date: ",
        "x-acs-signature-nonce: ",
        "x-acs-content-sha256: ",
        "x-acs-security-token: ",
        "x-acs-action: ",
        "x-acs-version: ",
        "host: ",
        "content-length: ",
        "SignatureMethod=HMAC-SHA1",
        "SignatureVersion=1.0",
        "Signature=",
        "AccessKeyId=",
        "SignatureNonce=",
        "Timestamp=",
        "SecurityToken=",
        "Format=JSON",
        "%20",
        "%2B",
        "+",
        "%",
        "&",
        "=",
    ] {
        out.push_str(&format!("\"{}\"\n", escape(token)));
        n += 1;
    }
    for name in &names {
        out.push_str(&format!("\"{}\"\n", escape(&format!("\"{name}\""))));
        n += 1;
    }
    fs::write(repo().join("fuzz/dwdi.dict"), out).expect("the dictionary can be written");
    n
}

/// A dictionary entry's text: printable ASCII but `"` and `\`, the rest as `\xNN`.
fn escape(token: &str) -> String {
    token
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' => format!("\\x{b:02X}"),
            0x20..=0x7e => (b as char).to_string(),
            _ => format!("\\x{b:02X}"),
        })
        .collect()
}

fn main() {
    let spec = read_json(&repo().join("generated/spec.json"));
    println!("document: {} seeds", documents(&spec));
    println!("spec: {} seeds", specs());
    println!("request: {} seeds", requests(&spec));
    println!("response: {} seeds", responses(&spec));
    println!("dictionary: {} entries", dictionary(&spec));
}
