//! A generator of realistic TaskParam documents and their single-mistake mutants, shared by
//! the differential test, the benchmarks and `examples/corpus.rs` (which writes them to files
//! for the whole-process comparison with ajv-cli and check-jsonschema).
//!
//! Realistic means the shape Alibaba's examples have, at the sizes real tasks reach: 1–8 KB,
//! one reader and up to three writers, one to four connections, 10 to 200 tables named either
//! in one database (`table`) or across several (`selectedTables` → `schema` → `tableInfos`),
//! compact or pretty-printed. The same seed always gives the same document.

#![allow(dead_code)]

use serde_json::{Value, json};

/// splitmix64: small, fast and the same everywhere, so a seed names one document.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const WORDS: &[&str] = &[
    "orders",
    "order_items",
    "customers",
    "payments",
    "refunds",
    "shipments",
    "inventory",
    "products",
    "prices",
    "coupons",
    "sessions",
    "events",
    "accounts",
    "ledger",
    "invoices",
    "audit_log",
    "users",
    "addresses",
    "carts",
    "reviews",
];

/// Writers the pages support for a MySQL reader.
const WRITERS: &[&str] = &["odps", "kafka", "holo"];

/// The smallest document the generator makes (tables are added to reach it).
pub const MIN_BYTES: usize = 1024;

/// The largest document the generator makes.
pub const MAX_BYTES: usize = 8 * 1024;

/// A realistic, valid TaskParam: its value and its text (as a user's file holds it).
pub fn task_param(seed: u64) -> (Value, String) {
    let mut rng = Rng::new(seed);
    let mut tables = rng.range(10, 200);
    let pretty = rng.chance(30);
    let connections = rng.range(1, 4);
    let writers = rng.range(0, 3);
    let several = rng.chance(50);
    loop {
        let mut r = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
        let doc = build(&mut r, tables, connections, writers, several);
        let text = if pretty {
            serde_json::to_string_pretty(&doc).expect("JSON")
        } else {
            serde_json::to_string(&doc).expect("JSON")
        };
        if text.len() < MIN_BYTES && tables < 200 {
            tables = (tables + 5).min(200);
            continue;
        }
        if text.len() <= MAX_BYTES || tables <= 10 {
            return (doc, text);
        }
        tables = (tables * 3 / 4).max(10);
    }
}

fn build(rng: &mut Rng, tables: usize, connections: usize, writers: usize, several: bool) -> Value {
    let mut left = tables;
    let mut conns = Vec::new();
    for c in 0..connections {
        let here = if c + 1 == connections {
            left
        } else {
            (left / (connections - c)).max(1)
        };
        left -= here.min(left);
        let here = here.max(1);
        let names: Vec<String> = (0..here)
            .map(|i| format!("{}_{c}_{i}", rng.pick(WORDS)))
            .collect();
        let mut names = names.into_iter();
        let mut conn = json!({
            "datasourceType": "mysql",
            "datasource": format!("mysql_src_{c}"),
        });
        if several {
            let dbs = rng.range(1, 3).min(here);
            let mut selected = Vec::new();
            for d in 0..dbs {
                let per_db = here / dbs + usize::from(d < here % dbs);
                let schemas = rng.range(1, 2).min(per_db);
                let mut schema = Vec::new();
                for s in 0..schemas {
                    let per_schema = per_db / schemas + usize::from(s < per_db % schemas);
                    let infos: Vec<Value> = (0..per_schema)
                        .filter_map(|_| names.next())
                        .map(|t| json!({"table": t, "tableName": t, "enable": true}))
                        .collect();
                    schema.push(json!({"tableInfos": infos}));
                }
                selected.push(json!({"dbName": format!("db_{d}"), "schema": schema}));
            }
            conn["selectedTables"] = json!(selected);
        } else {
            conn["table"] = json!(names.collect::<Vec<_>>());
        }
        conns.push(conn);
    }
    let mut steps = vec![json!({
        "stepType": "mysql",
        "parameter": {"connection": conns},
        "name": "Reader",
        "category": "reader",
    })];
    for w in 0..writers {
        steps.push(json!({
            "stepType": rng.pick(WRITERS),
            "parameter": {"datasource": format!("dst_{w}"), "writeMode": "replay"},
            "name": format!("Writer{w}"),
            "category": "writer",
        }));
    }
    json!({
        "type": "realtime",
        "version": "1.0",
        "setting": {"resourceGroup": "S_res_group_280749521950784_1623033752022", "taskType": "oneclick_to_odps"},
        "steps": steps,
    })
}

/// Why dwdi and a plain JSON Schema validator may judge a document differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A rule only dwdi checks (reader/writer pairs, one table named twice for a database).
    DwdiRule,
    /// A near-miss of a documented member (`datasourceTyp`): dwdi says "did you mean".
    NearMiss,
    /// A member written twice: a parsed value keeps the last, dwdi reports it.
    DuplicateMember,
    /// `--strict`: an undocumented member is an error to dwdi, allowed by the schema.
    Strict,
    /// A UTF-8 BOM: dwdi skips it; a JSON parser refuses it.
    Bom,
    /// The document escaped in a JSON string: dwdi reads the inner one; the schema sees a
    /// string.
    Escaped,
}

/// One mistake made in a valid document.
pub struct Mutant {
    /// What was done.
    pub what: &'static str,
    /// The text.
    pub text: String,
    /// Checked with `--strict`.
    pub strict: bool,
    /// Whether dwdi must find it invalid.
    pub dwdi_invalid: bool,
    /// Why a JSON Schema validator's verdict may differ; None when it must agree.
    pub cause: Option<Cause>,
}

fn edit(doc: &Value, f: impl FnOnce(&mut Value)) -> String {
    let mut doc = doc.clone();
    f(&mut doc);
    serde_json::to_string(&doc).expect("JSON")
}

/// The first connection's table list (one-database mode) or first tableInfos list.
fn first_tables(doc: &mut Value) -> &mut Vec<Value> {
    let conn = &mut doc["steps"][0]["parameter"]["connection"][0];
    if conn.get("table").is_some() {
        conn["table"].as_array_mut().expect("array")
    } else {
        conn["selectedTables"][0]["schema"][0]["tableInfos"]
            .as_array_mut()
            .expect("array")
    }
}

/// Every single-mistake mutant of a valid generated document, and the odd inputs a user
/// meets (a BOM, an escaped document, `--strict`).
pub fn mutants(doc: &Value, text: &str) -> Vec<Mutant> {
    let several = doc["steps"][0]["parameter"]["connection"][0]
        .get("selectedTables")
        .is_some();
    let writers = doc["steps"].as_array().map_or(0, |s| s.len() - 1);
    let mut out = vec![
        Mutant {
            what: "an empty table list",
            text: edit(doc, |d| first_tables(d).clear()),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        },
        Mutant {
            what: "no connection",
            text: edit(doc, |d| {
                d["steps"][0]["parameter"]["connection"] = json!([]);
            }),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        },
        Mutant {
            what: "a connection naming no tables",
            text: edit(doc, |d| {
                let c = d["steps"][0]["parameter"]["connection"][0]
                    .as_object_mut()
                    .expect("object");
                c.shift_remove("table");
                c.shift_remove("selectedTables");
            }),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        },
        Mutant {
            what: "a bad category",
            text: edit(doc, |d| d["steps"][0]["category"] = json!("reeder")),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        },
        Mutant {
            what: "no reader",
            text: edit(doc, |d| {
                d["steps"][0]["category"] = json!("writer");
            }),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        },
        Mutant {
            what: "a table name that is a number",
            text: edit(doc, |d| {
                let t = first_tables(d);
                t[0] = if t[0].is_object() {
                    json!({"table": 7})
                } else {
                    json!(7)
                };
            }),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        },
        Mutant {
            what: "a reader without its connections",
            text: edit(doc, |d| {
                d["steps"][0]["parameter"] = json!({"datasource": "x"});
            }),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        },
        Mutant {
            what: "a near-miss member (datasourceTyp)",
            text: edit(doc, |d| {
                let c = d["steps"][0]["parameter"]["connection"][0]
                    .as_object_mut()
                    .expect("object");
                let v = c.shift_remove("datasourceType").expect("member");
                c.insert("datasourceTyp".into(), v);
            }),
            strict: false,
            dwdi_invalid: true,
            cause: Some(Cause::NearMiss),
        },
        Mutant {
            what: "an undocumented member, strict",
            text: edit(doc, |d| d["note"] = json!("kept")),
            strict: true,
            dwdi_invalid: true,
            cause: Some(Cause::Strict),
        },
        Mutant {
            what: "an undocumented member",
            text: edit(doc, |d| d["note"] = json!("kept")),
            strict: false,
            dwdi_invalid: false,
            cause: None,
        },
        Mutant {
            what: "a member written twice",
            text: text.replacen("\"version\"", "\"version\": \"0.9\", \"version\"", 1),
            strict: false,
            dwdi_invalid: true,
            cause: Some(Cause::DuplicateMember),
        },
        Mutant {
            what: "a BOM",
            text: format!("\u{FEFF}{text}"),
            strict: false,
            dwdi_invalid: false,
            cause: Some(Cause::Bom),
        },
        Mutant {
            what: "the document escaped in a JSON string",
            text: serde_json::to_string(text).expect("JSON"),
            strict: false,
            dwdi_invalid: false,
            cause: Some(Cause::Escaped),
        },
        Mutant {
            what: "a $schema member",
            text: edit(doc, |d| {
                let mut m = serde_json::Map::new();
                m.insert("$schema".into(), json!("./task-param.schema.json"));
                m.extend(d.as_object().expect("object").clone());
                *d = Value::Object(m);
            }),
            strict: true,
            dwdi_invalid: false,
            cause: None,
        },
    ];
    if several {
        out.push(Mutant {
            what: "a table named in two schemas of one database",
            text: edit(doc, |d| {
                let db = &mut d["steps"][0]["parameter"]["connection"][0]["selectedTables"][0];
                let first = db["schema"][0]["tableInfos"][0].clone();
                db["schema"]
                    .as_array_mut()
                    .expect("array")
                    .push(json!({"tableInfos": [first]}));
            }),
            strict: false,
            dwdi_invalid: true,
            cause: Some(Cause::DwdiRule),
        });
    } else {
        out.push(Mutant {
            what: "a table named twice in one connection",
            text: edit(doc, |d| {
                let t = first_tables(d);
                let first = t[0].clone();
                t.push(first);
            }),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        });
    }
    if writers > 0 {
        out.push(Mutant {
            what: "a writer the reader does not support",
            text: edit(doc, |d| d["steps"][1]["stepType"] = json!("mysql")),
            strict: false,
            dwdi_invalid: true,
            cause: Some(Cause::DwdiRule),
        });
        out.push(Mutant {
            what: "a writer without its datasource",
            text: edit(doc, |d| {
                d["steps"][1]["parameter"]
                    .as_object_mut()
                    .expect("object")
                    .shift_remove("datasource");
            }),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        });
        out.push(Mutant {
            what: "a second reader",
            text: edit(doc, |d| d["steps"][1]["category"] = json!("reader")),
            strict: false,
            dwdi_invalid: true,
            cause: None,
        });
    }
    out
}
