//! Properties over generated documents: every valid TaskParam, TaskContent and StartParam built
//! from the typed models validates with no error and round-trips (serialize → validate →
//! deserialize gives the value back); and each single mutation of a valid document (a dropped
//! required member, a wrong type, a bad enum value, a value below its minimum, a rule broken) is
//! rejected with an error at the mutated place or its parent.

use std::collections::BTreeMap;

use dataworks_di::documents::{
    Connection, SchemaTables, SelectedTables, StartParam, StartParamErrorLimit,
    StartParamFailoverLimit, TableInfo, TableMappingRule, TableMappingRuleCreateTableInfo,
    TableMappingRuleDataColumn, TableMappingRuleDatasourceMapping, TableMappingRulePrimaryKeyInfo,
    TableMappingRuleTableRule, TaskContent, TaskContentExtend, TaskContentHop, TaskContentOrder,
    TaskContentStep, TaskContentStepParameter, TaskParam, TaskParamStep, TaskParamStepParameter,
};
use dataworks_di::types::{DdlAction, StepCategory, StepType};
use dwdi_validate::position::escape_token as escape;
use dwdi_validate::{DocumentValidator, Problem, Severity};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value, json};

const CASES: u32 = 384;

/// The validator of the document whose schema is `schema`, with its rules file.
fn validator(schema: &str) -> DocumentValidator {
    let (name, _) = dataworks_di::meta::DOCUMENT_SCHEMAS
        .iter()
        .find(|(_, s)| *s == schema)
        .expect("a generated schema");
    let (_, rules) = dataworks_di::meta::DOCUMENT_RULES
        .iter()
        .find(|(n, _)| n == name)
        .expect("its rules file");
    DocumentValidator::new(schema, rules).expect("the generated schema is usable")
}

// ---- Strategies: values of the typed models that keep every rule. ----

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,7}"
}

/// Undocumented members, far (by edit distance) from every documented one: allowed, and kept
/// by the models' `extra` maps.
fn extra() -> impl Strategy<Value = Map<String, Value>> {
    prop::option::weighted(0.2, ("[a-z]{1,6}", any::<i32>())).prop_map(|e| {
        let mut map = Map::new();
        if let Some((suffix, n)) = e {
            map.insert(format!("x-dwdi-test-{suffix}"), json!(n));
        }
        map
    })
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn step_type() -> impl Strategy<Value = StepType> {
    prop_oneof![
        Just(StepType::Mysql),
        Just(StepType::Odps),
        Just(StepType::Kafka),
        Just(StepType::Holo),
    ]
}

/// Table names made unique by their position.
fn unique_tables(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| format!("{n}_{i}"))
        .collect()
}

fn selected_tables() -> impl Strategy<Value = SelectedTables> {
    (
        word(),
        prop::collection::vec(
            prop::collection::vec((word(), opt(word()), opt(any::<bool>())), 1..4),
            1..3,
        ),
        extra(),
    )
        .prop_map(|(db_name, schemas, extra)| {
            // No table twice for one database: across all its schemas.
            let mut n = 0;
            let schema = schemas
                .into_iter()
                .map(|infos| SchemaTables {
                    table_infos: infos
                        .into_iter()
                        .map(|(table, table_name, enable)| {
                            n += 1;
                            TableInfo {
                                table: format!("{table}_{n}"),
                                table_name,
                                enable,
                                extra: Map::new(),
                            }
                        })
                        .collect(),
                    extra: Map::new(),
                })
                .collect();
            SelectedTables {
                db_name,
                schema,
                extra,
            }
        })
}

fn connection() -> impl Strategy<Value = Connection> {
    (
        // Each connection names its tables: table, selectedTables or both.
        0..3u8,
        prop::collection::vec(word(), 1..4),
        prop::collection::vec(selected_tables(), 1..3),
        opt(word()),
        opt(word()),
        extra(),
    )
        .prop_map(
            |(which, table, selected, datasource, datasource_type, extra)| Connection {
                table: (which != 1).then(|| unique_tables(table)),
                selected_tables: (which != 0).then_some(selected),
                datasource,
                datasource_type,
                extra,
            },
        )
}

fn task_param() -> impl Strategy<Value = TaskParam> {
    // One reader, whose connections name the tables, and writers with their destination.
    let reader = (
        opt(word()),
        opt(step_type()),
        prop::collection::vec(connection(), 1..3),
        extra(),
        extra(),
    )
        .prop_map(
            |(name, step_type, connection, extra, parameter_extra)| TaskParamStep {
                category: StepCategory::Reader,
                name,
                step_type,
                parameter: TaskParamStepParameter {
                    connection: Some(connection),
                    datasource: None,
                    table_mapping_rule: None,
                    write_mode: None,
                    extra: parameter_extra,
                },
                extra,
            },
        );
    let writer = (opt(word()), word(), opt(word()), extra()).prop_map(
        |(name, datasource, write_mode, extra)| TaskParamStep {
            category: StepCategory::Writer,
            name,
            // Writers the docs support for a mysql reader, whatever the reader.
            step_type: Some(StepType::Odps),
            parameter: TaskParamStepParameter {
                connection: None,
                datasource: Some(datasource),
                table_mapping_rule: None,
                write_mode,
                extra: Map::new(),
            },
            extra,
        },
    );
    (
        reader,
        prop::collection::vec(writer, 0..3),
        any::<Index>(),
        opt(word()),
        extra(),
    )
        .prop_map(|(reader, writers, at, version, extra)| {
            let mut steps = writers;
            let at = at.index(steps.len() + 1);
            steps.insert(at, reader);
            TaskParam {
                r#type: None,
                version,
                setting: None,
                steps,
                extra,
            }
        })
}

fn table_rule() -> impl Strategy<Value = TableMappingRuleTableRule> {
    let column = (
        opt(word()),
        opt(word()),
        opt(0..100i64),
        opt(0..100i64),
        opt(0..10i64),
        opt(0..10i64),
        opt(word()),
        opt(any::<bool>()),
    )
        .prop_map(
            |(name, r#type, index, column_size, digit, new_digit, comment, primary_key)| {
                TableMappingRuleDataColumn {
                    name,
                    r#type,
                    index,
                    column_size,
                    digit,
                    new_digit,
                    comment,
                    primary_key,
                    extra: Map::new(),
                }
            },
        );
    let create = (
        opt(word()),
        opt(word()),
        opt(word()),
        opt(prop::collection::vec(column, 0..3)),
    )
        .prop_map(|(schema_name, table_name, index_type, data_column)| {
            TableMappingRuleCreateTableInfo {
                schema_name,
                table_name,
                index_type,
                data_column,
                extra: Map::new(),
            }
        });
    let primary_key =
        (opt(prop::collection::vec(word(), 0..3)), opt(word())).prop_map(|(column, r#type)| {
            TableMappingRulePrimaryKeyInfo {
                column,
                r#type,
                extra: Map::new(),
            }
        });
    (
        (opt(word()), opt(word()), opt(word()), opt(word())),
        (opt(any::<bool>()), opt(any::<bool>())),
        opt(primary_key),
        opt(create),
    )
        .prop_map(
            |(
                (src_db_name, src_table, dst_table, merge_into_cycle_type),
                (hour_delta_enable, day_delta_enable),
                primary_key_info,
                dst_create_table_info,
            )| TableMappingRuleTableRule {
                src_db_name,
                src_table,
                dst_table,
                merge_into_cycle_type,
                hour_delta_enable,
                day_delta_enable,
                primary_key_info,
                dst_create_table_info,
                extra: Map::new(),
            },
        )
}

fn step_parameter() -> impl Strategy<Value = (TaskContentStepParameter, TaskContentStepParameter)> {
    let mapping = (
        opt(prop::collection::vec(
            (opt(word()), opt(prop::collection::vec(table_rule(), 0..3))).prop_map(
                |(src_datasource_name, table_rule)| TableMappingRuleDatasourceMapping {
                    src_datasource_name,
                    table_rule,
                    extra: Map::new(),
                },
            ),
            0..3,
        )),
        opt(0..1000i64),
    )
        .prop_map(|(datasource, total_table_mapping)| TableMappingRule {
            datasource,
            total_table_mapping,
            extra: Map::new(),
        });
    // A reader's parameter and a writer's, the caller picks by the step's category.
    (
        prop::collection::vec(connection(), 1..3),
        word(),
        opt(mapping),
        opt(word()),
        extra(),
    )
        .prop_map(
            |(connection, datasource, table_mapping_rule, write_mode, extra)| {
                (
                    TaskContentStepParameter {
                        connection: Some(connection),
                        datasource: None,
                        table_mapping_rule: None,
                        write_mode: None,
                        extra: extra.clone(),
                    },
                    TaskContentStepParameter {
                        connection: None,
                        datasource: Some(datasource),
                        table_mapping_rule,
                        write_mode,
                        extra,
                    },
                )
            },
        )
}

fn task_content() -> impl Strategy<Value = TaskContent> {
    (
        step_type(),
        prop::collection::vec((0..3usize, step_type()), 0..3),
        prop::collection::vec(step_parameter(), 4),
        prop::collection::vec(word(), 4),
        prop::collection::vec((any::<Index>(), any::<Index>()), 0..4),
        (word(), word(), opt((opt(word()), opt(word()), opt(word())))),
        extra(),
    )
        .prop_map(
            |(
                reader_type,
                writers,
                mut parameters,
                names,
                hops,
                (r#type, version, extend),
                extra,
            )| {
                // Exactly one reader; writers the reader supports (a mysql reader: odps, kafka,
                // holo); hops naming existing steps.
                let mut steps = vec![TaskContentStep {
                    step_type: reader_type.clone(),
                    category: StepCategory::Reader,
                    name: format!("{}_0", names[0]),
                    parameter: parameters.remove(0).0,
                    extra: Map::new(),
                }];
                for (i, (pick, any_type)) in writers.into_iter().enumerate() {
                    let step_type = if reader_type == StepType::Mysql {
                        [StepType::Odps, StepType::Kafka, StepType::Holo][pick].clone()
                    } else {
                        any_type
                    };
                    steps.push(TaskContentStep {
                        step_type,
                        category: StepCategory::Writer,
                        name: format!("{}_{}", names[i + 1], i + 1),
                        parameter: parameters.remove(0).1,
                        extra: Map::new(),
                    });
                }
                let hops = hops
                    .into_iter()
                    .map(|(from, to)| TaskContentHop {
                        from: steps[from.index(steps.len())].name.clone(),
                        to: steps[to.index(steps.len())].name.clone(),
                        extra: Map::new(),
                    })
                    .collect();
                TaskContent {
                    r#type,
                    version,
                    extend: extend.map(|(mode, resource_group, name)| TaskContentExtend {
                        mode,
                        resource_group,
                        name,
                        extra: Map::new(),
                    }),
                    steps,
                    order: TaskContentOrder {
                        hops,
                        extra: Map::new(),
                    },
                    extra,
                }
            },
        )
}

fn start_param() -> impl Strategy<Value = StartParam> {
    let action = prop_oneof![
        Just(DdlAction::Normal),
        Just(DdlAction::Ignore),
        Just(DdlAction::Warning),
        Just(DdlAction::Critical),
    ];
    let ddl_kind = prop::sample::select(vec![
        "RENAMECOLUMN",
        "DROPTABLE",
        "CREATETABLE",
        "MODIFYCOLUMN",
        "TRUNCATETABLE",
        "DROPCOLUMN",
        "ADDCOLUMN",
        "RENAMETABLE",
    ]);
    (
        opt((opt(0..=i64::MAX), opt(0..=i64::MAX))),
        opt(opt(0..=i64::MAX)),
        opt(prop::collection::btree_map(
            ddl_kind.prop_map(str::to_owned),
            action,
            0..8,
        )),
        extra(),
    )
        .prop_map(|(failover, error, ddl, extra)| StartParam {
            failover_limit: failover.map(|(count, interval)| StartParamFailoverLimit {
                count,
                interval,
                extra: Map::new(),
            }),
            error_limit: error.map(|record| StartParamErrorLimit {
                record,
                extra: Map::new(),
            }),
            ddl_mark_map: ddl.map(|m: BTreeMap<String, DdlAction>| m),
            extra,
        })
        // Undocumented members alone make another kind of document (a `wrong-kind` error).
        .prop_filter("a StartParam with a documented member", |s| {
            s.extra.is_empty()
                || s.failover_limit.is_some()
                || s.error_limit.is_some()
                || s.ddl_mark_map.is_some()
        })
}

// ---- Valid documents validate and round-trip. ----

/// Only warnings, and only about the undocumented members the strategies add.
fn assert_no_errors(problems: &[Problem], text: &str) -> Result<(), TestCaseError> {
    for p in problems {
        prop_assert!(
            p.severity == Severity::Warning && p.kind == "undocumented-member",
            "{p:?} in {text}"
        );
        prop_assert!(p.pointer.contains("x-dwdi-test-"), "{p:?}");
    }
    Ok(())
}

/// The fast path and the diagnostic path agree: the fast path clears exactly the documents in
/// which the diagnostic path finds nothing (none of these documents holds an escape, a
/// fraction or a document escaped in a string, which the fast path leaves to the other).
fn paths_agree(validator: &DocumentValidator, text: &str) -> Result<(), TestCaseError> {
    let fast = validator.fast_path_clean(text.as_bytes());
    let diagnosed = validator.diagnose_bytes(text.as_bytes(), false);
    prop_assert_eq!(
        fast,
        diagnosed.problems.is_empty(),
        "fast path {} but the diagnostic path found {:#?} in\n{}",
        if fast {
            "cleared it"
        } else {
            "did not clear it"
        },
        diagnosed.problems,
        text
    );
    prop_assert_eq!(
        validator.check_bytes(text.as_bytes(), false),
        diagnosed,
        "check_bytes and the diagnostic path differ"
    );
    Ok(())
}

fn round_trip<T>(validator: &DocumentValidator, value: &T) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    for text in [
        serde_json::to_string(value).expect("serializes"),
        serde_json::to_string_pretty(value).expect("serializes"),
    ] {
        paths_agree(validator, &text)?;
        let report = validator.check_bytes(text.as_bytes(), false);
        prop_assert!(report.is_valid());
        prop_assert!(!report.embedded);
        assert_no_errors(&report.problems, &text)?;
        let back: T = serde_json::from_str(&text).expect("deserializes");
        prop_assert_eq!(&back, value);
        // Escaped in a JSON string, as an API request carries it: the same verdict.
        let escaped = serde_json::to_string(&text).expect("serializes");
        let report = validator.check(&escaped, false);
        prop_assert!(report.embedded);
        assert_no_errors(&report.problems, &text)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn valid_task_params_validate_and_round_trip(value in task_param()) {
        round_trip(&validator(dataworks_di::documents::TASK_PARAM_SCHEMA), &value)?;
    }

    #[test]
    fn valid_task_contents_validate_and_round_trip(value in task_content()) {
        round_trip(&validator(dataworks_di::documents::TASK_CONTENT_SCHEMA), &value)?;
    }

    #[test]
    fn valid_start_params_validate_and_round_trip(value in start_param()) {
        round_trip(&validator(dataworks_di::documents::START_PARAM_SCHEMA), &value)?;
    }
}

// ---- Each single mutation is rejected at its place. ----

/// One change to a valid document, and where it is.
#[derive(Debug, Clone)]
struct Mutation {
    /// What changed (for failure messages).
    what: String,
    /// The changed place (a removed member's would-be pointer).
    pointer: String,
    /// The document after the change.
    doc: Value,
}

fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

/// Follows a local `$ref`.
fn resolve<'s>(root: &'s Value, schema: &'s Value) -> &'s Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => root.pointer(&r[1..]).expect("a local $ref"),
        None => schema,
    }
}

/// A value that is not of JSON Schema type `t`.
fn other_type(t: &str) -> Value {
    match t {
        "string" => json!(42),
        "integer" | "number" => json!("42"),
        "boolean" => json!("true"),
        "array" => json!({}),
        "object" => json!([]),
        _ => json!(null),
    }
}

fn with(doc: &Value, pointer: &str, f: impl FnOnce(&mut Value)) -> Value {
    let mut doc = doc.clone();
    f(doc.pointer_mut(pointer).expect("the place exists"));
    doc
}

/// Every schema-level mutation of `value` (at `pointer`, described by `schema`).
fn schema_mutations(
    root: &Value,
    schema: &Value,
    doc: &Value,
    value: &Value,
    pointer: &str,
    out: &mut Vec<Mutation>,
) {
    let schema = resolve(root, schema);
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        out.push(Mutation {
            what: format!("a wrong type (not {t})"),
            pointer: pointer.to_owned(),
            doc: with(doc, pointer, |v| *v = other_type(t)),
        });
    }
    if schema.get("enum").is_some() {
        out.push(Mutation {
            what: "a bad enum value".into(),
            pointer: pointer.to_owned(),
            doc: with(doc, pointer, |v| *v = json!("not-an-accepted-value")),
        });
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_i64) {
        out.push(Mutation {
            what: "a value below its minimum".into(),
            pointer: pointer.to_owned(),
            doc: with(doc, pointer, |v| *v = json!(min - 1)),
        });
    }
    match value {
        Value::Object(members) => {
            for key in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if members.contains_key(key) {
                    out.push(Mutation {
                        what: format!("required member {key} dropped"),
                        pointer: format!("{pointer}/{}", escape(key)),
                        doc: with(doc, pointer, |v| {
                            v.as_object_mut().expect("object").shift_remove(key);
                        }),
                    });
                }
            }
            let props = schema.get("properties").and_then(Value::as_object);
            let values = schema.get("additionalProperties");
            // A member whose shape a sibling picks (`allOf` of `if`/`then`): the picked shape.
            let picked = |key: &str| {
                schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|c| {
                        c["if"]["properties"].as_object().is_some_and(|p| {
                            p.iter().all(|(by, s)| members.get(by) == Some(&s["const"]))
                        })
                    })
                    .find_map(|c| c["then"]["properties"].get(key))
            };
            for (key, child) in members {
                let child_schema = match props {
                    Some(props) => picked(key).or_else(|| props.get(key)),
                    None => values,
                };
                if let Some(child_schema) = child_schema {
                    let at = format!("{pointer}/{}", escape(key));
                    schema_mutations(root, child_schema, doc, child, &at, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    schema_mutations(root, item_schema, doc, item, &format!("{pointer}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// Every mutation that keeps the schema but breaks one of the document's rules.
fn rule_mutations(doc: &Value, task_content: bool, out: &mut Vec<Mutation>) {
    let steps = doc["steps"].as_array().cloned().unwrap_or_default();
    for (s, step) in steps.iter().enumerate() {
        let connections = step["parameter"]["connection"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (c, connection) in connections.iter().enumerate() {
            let at = format!("/steps/{s}/parameter/connection/{c}");
            // A connection naming no tables.
            out.push(Mutation {
                what: "a connection without table or selectedTables".into(),
                pointer: at.clone(),
                doc: with(doc, &at, |v| {
                    let v = v.as_object_mut().expect("object");
                    v.shift_remove("table");
                    v.shift_remove("selectedTables");
                }),
            });
            // A table named twice in one connection.
            if let Some(first) = connection["table"]
                .as_array()
                .and_then(|t| t.first())
                .cloned()
            {
                let len = connection["table"].as_array().map_or(0, Vec::len);
                out.push(Mutation {
                    what: format!("a table repeated in one connection ({first})"),
                    pointer: format!("{at}/table/{len}"),
                    doc: with(doc, &format!("{at}/table"), |v| {
                        v.as_array_mut().expect("array").push(first)
                    }),
                });
            }
            // A table named twice for one database.
            for (d, database) in connection["selectedTables"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let first = database["schema"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|schema| schema["tableInfos"].as_array().into_iter().flatten())
                    .next()
                    .cloned();
                let schemas = database["schema"].as_array().map_or(0, Vec::len);
                if let (Some(first), true) = (first, schemas > 0) {
                    let infos =
                        format!("{at}/selectedTables/{d}/schema/{}/tableInfos", schemas - 1);
                    let len = doc
                        .pointer(&infos)
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    out.push(Mutation {
                        what: "a table repeated for one database".into(),
                        pointer: format!("{infos}/{len}/table"),
                        doc: with(doc, &infos, |v| {
                            v.as_array_mut().expect("array").push(first)
                        }),
                    });
                }
            }
        }
    }
    // No reader: `steps: []`, or the reader turned into a writer.
    if doc.get("steps").is_some() {
        out.push(Mutation {
            what: "steps emptied".into(),
            pointer: "/steps".into(),
            doc: with(doc, "/steps", |v| *v = json!([])),
        });
    }
    for (s, step) in steps.iter().enumerate() {
        if step["category"] == "reader" {
            out.push(Mutation {
                what: "the reader made a writer".into(),
                pointer: format!("/steps/{s}"),
                doc: with(doc, &format!("/steps/{s}/category"), |v| {
                    *v = json!("writer")
                }),
            });
        }
        // A second reader: reported at the later of the two.
        if step["category"] == "writer" {
            let reader = steps
                .iter()
                .position(|r| r["category"] == "reader")
                .unwrap_or(s);
            out.push(Mutation {
                what: "a second reader".into(),
                pointer: format!("/steps/{}", s.max(reader)),
                doc: with(doc, &format!("/steps/{s}/category"), |v| {
                    *v = json!("reader")
                }),
            });
        }
    }
    // A writer the mysql reader does not support.
    if steps
        .iter()
        .any(|r| r["category"] == "reader" && r["stepType"] == "mysql")
    {
        for s in (0..steps.len()).filter(|s| steps[*s]["category"] == "writer") {
            let at = format!("/steps/{s}/stepType");
            out.push(Mutation {
                what: "an unsupported writer for a mysql reader".into(),
                pointer: at.clone(),
                doc: with(doc, &at, |v| *v = json!("mysql")),
            });
        }
    }
    if !task_content {
        return;
    }
    // A hop naming no step.
    for (h, _) in doc["order"]["hops"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for end in ["from", "to"] {
            let at = format!("/order/hops/{h}/{end}");
            out.push(Mutation {
                what: format!("a hop's {end} naming no step"),
                pointer: at.clone(),
                doc: with(doc, &at, |v| *v = json!("no-such-step")),
            });
        }
    }
}

fn mutations(schema_text: &str, doc: &Value, task_content: bool) -> Vec<Mutation> {
    let schema: Value = serde_json::from_str(schema_text).expect("JSON");
    let mut out = Vec::new();
    schema_mutations(&schema, &schema, doc, doc, "", &mut out);
    rule_mutations(doc, task_content, &mut out);
    out
}

fn assert_rejected(
    validator: &DocumentValidator,
    schema_text: &str,
    doc: &Value,
    task_content: bool,
    pick: Index,
) -> Result<(), TestCaseError> {
    let all = mutations(schema_text, doc, task_content);
    prop_assert!(!all.is_empty(), "the whole document can always be mutated");
    let m = &all[pick.index(all.len())];
    let text = serde_json::to_string_pretty(&m.doc).expect("serializes");
    paths_agree(validator, &text)?;
    let report = validator.check(&text, false);
    prop_assert!(
        !report.is_valid(),
        "{} at {} was accepted:\n{text}",
        m.what,
        m.pointer
    );
    let at_place = report.problems.iter().any(|p| {
        p.severity == Severity::Error && (p.pointer == m.pointer || p.pointer == parent(&m.pointer))
    });
    prop_assert!(
        at_place,
        "{} at {}: no error there; got {:#?}\n{text}",
        m.what,
        m.pointer,
        report.problems
    );
    // Every problem is placed inside the text.
    let lines = text.lines().count();
    for p in &report.problems {
        prop_assert!(p.line >= 1 && p.line <= lines && p.column >= 1, "{p:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn each_mutation_of_a_task_param_is_rejected_at_its_place(value in task_param(), pick in any::<Index>()) {
        let doc = serde_json::to_value(&value).expect("serializes");
        let schema = dataworks_di::documents::TASK_PARAM_SCHEMA;
        assert_rejected(&validator(schema), schema, &doc, false, pick)?;
    }

    #[test]
    fn each_mutation_of_a_task_content_is_rejected_at_its_place(value in task_content(), pick in any::<Index>()) {
        let doc = serde_json::to_value(&value).expect("serializes");
        let schema = dataworks_di::documents::TASK_CONTENT_SCHEMA;
        assert_rejected(&validator(schema), schema, &doc, true, pick)?;
    }

    #[test]
    fn each_mutation_of_a_start_param_is_rejected_at_its_place(value in start_param(), pick in any::<Index>()) {
        let doc = serde_json::to_value(&value).expect("serializes");
        let schema = dataworks_di::documents::START_PARAM_SCHEMA;
        assert_rejected(&validator(schema), schema, &doc, false, pick)?;
    }
}

#[test]
fn the_mutations_cover_every_kind() {
    // The generators reach every kind of mutation (so the properties above test them all).
    let doc = json!({
        "type": "job", "version": "2.0",
        "steps": [
            {"stepType": "mysql", "category": "reader", "name": "r",
             "parameter": {"connection": [{"table": ["a"], "selectedTables": [
                 {"dbName": "d", "schema": [{"tableInfos": [{"table": "t"}]}]}]}]}},
            {"stepType": "holo", "category": "writer", "name": "w",
             "parameter": {"datasource": "h", "tableMappingRule": {"totalTableMapping": 1}}}
        ],
        "order": {"hops": [{"from": "r", "to": "w"}]}
    });
    let all = mutations(dataworks_di::documents::TASK_CONTENT_SCHEMA, &doc, true);
    let validator = validator(dataworks_di::documents::TASK_CONTENT_SCHEMA);
    for kind in [
        "a wrong type",
        "a bad enum value",
        "a value below its minimum",
        "required member",
        "a connection without",
        "a table repeated in one connection",
        "a table repeated for one database",
        "steps emptied",
        "the reader made a writer",
        "a second reader",
        "an unsupported writer",
        "naming no step",
    ] {
        assert!(all.iter().any(|m| m.what.contains(kind)), "{kind}");
    }
    assert!(validator.check(&doc.to_string(), false).problems.is_empty());
    // Every mutation of this document, not a sample.
    for m in &all {
        let report = validator.check(&serde_json::to_string_pretty(&m.doc).expect("JSON"), false);
        assert!(
            report.problems.iter().any(|p| p.severity == Severity::Error
                && (p.pointer == m.pointer || p.pointer == parent(&m.pointer))),
            "{} at {}: {:#?}",
            m.what,
            m.pointer,
            report.problems
        );
    }
}
