//! The generated schemas and the validator: the pages' own examples validate; every kind of
//! mistake is reported, all at once, with line:column, pointer, expected and found.

use dataworks_di::documents::{START_PARAM_SCHEMA, TASK_CONTENT_SCHEMA, TASK_PARAM_SCHEMA};
use dataworks_di::meta::DOCUMENT_SCHEMAS;
use dwdi_validate::{DocumentValidator, Problem, Severity};

/// GenerateDISyncTaskConfigForUpdating's TaskParam example, as the page prints it.
const PAGE_TASK_PARAM: &str = r#"{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" } ] }"#;

/// StartDISyncInstance's StartParam example, as the page prints it.
const PAGE_START_PARAM: &str = r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"RENAMECOLUMN":"WARNING","DROPTABLE":"WARNING","CREATETABLE":"IGNORE","MODIFYCOLUMN":"WARNING","TRUNCATETABLE":"NORMAL","DROPCOLUMN":"IGNORE","ADDCOLUMN":"NORMAL","RENAMETABLE":"CRITICAL"}}"#;

/// The QueryDISyncTaskConfigProcessResult sample's TaskContent with its defect (erratum QRY-5:
/// `"srcDbName":"m"]` closes an object with a bracket) mended as Alibaba's metadata prints it.
const SAMPLE_TASK_CONTENT: &str = r#"{"extend":{"mode":"migration_holo","resourceGroup":"280749","name":"h"},"type":"job","steps":[{"stepType":"mysql","parameter":{"connection":[{"datasourceType":"mysql","datasource":"mm","selectedTables":[{"schema":[{"tableInfos":[{"enable":true,"table":"m_v1","tableName":"m_v1"}]}],"dbName":"m"}]}]},"name":"reader","category":"reader"},{"stepType":"holo","parameter":{"datasource":"h","tableMappingRule":{"datasource":[{"tableRule":[{"srcTable":"m_v1","mergeIntoCycleType":"DEFAULT","hourDeltaEnable":false,"dstTable":"m.m_v1","dayDeltaEnable":false,"primaryKeyInfo":{"column":["id"],"type":"pk"},"dstCreateTableInfo":{"indexType":"m_v1","dataColumn":[{"columnSize":0,"name":"id","index":0,"comment":"","newDigit":0,"type":"int8","digit":0,"primaryKey":true}],"schemaName":"m","tableName":"m_v1"},"srcDbName":"m"}],"srcDatasourceName":"mm"}],"totalTableMapping":1},"writeMode":"replay"},"name":"writer","category":"writer"}],"version":"2.0","order":{"hops":[{"from":"reader","to":"writer"}]}}"#;

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

fn render(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| {
            format!(
                "{}:{} {:?} {}: {}",
                p.line, p.column, p.severity, p.pointer, p.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn errors(problems: &[Problem]) -> Vec<&Problem> {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

#[test]
fn every_schema_is_valid_draft_2020_12_with_an_id_and_a_title() {
    assert!(!DOCUMENT_SCHEMAS.is_empty());
    for (name, text) in DOCUMENT_SCHEMAS {
        let schema: serde_json::Value = serde_json::from_str(text).expect("JSON");
        jsonschema::draft202012::meta::validator()
            .validate(&schema)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(
            schema["$id"]
                .as_str()
                .is_some_and(|id| id.starts_with("urn:dwdi:schema:"))
        );
        assert_eq!(schema["title"], *name);
        assert!(schema["description"].is_string());
        jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        keywords_are_the_drafts(&schema, "", name);
    }
}

/// Strict validators (ajv's default strict mode) refuse keywords outside the draft: every key
/// of every schema object must be one of draft 2020-12's (member names under `properties`,
/// `$defs` and the values under `examples` and `const` excepted).
fn keywords_are_the_drafts(schema: &serde_json::Value, at: &str, name: &str) {
    const KEYWORDS: &[&str] = &[
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "$comment",
        "title",
        "description",
        "examples",
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minimum",
        "minItems",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
        "anyOf",
        "allOf",
        "if",
        "then",
    ];
    let Some(map) = schema.as_object() else {
        assert!(schema.is_boolean(), "{name} {at}: {schema}");
        return;
    };
    for (key, value) in map {
        assert!(
            KEYWORDS.contains(&key.as_str()),
            "{name} {at}: unknown keyword {key}"
        );
        match key.as_str() {
            "properties" | "$defs" => {
                for (member, s) in value.as_object().expect("object") {
                    keywords_are_the_drafts(s, &format!("{at}/{key}/{member}"), name);
                }
            }
            "items" | "additionalProperties" | "contains" | "if" | "then" => {
                keywords_are_the_drafts(value, &format!("{at}/{key}"), name)
            }
            "anyOf" | "allOf" => {
                for (i, s) in value.as_array().expect("array").iter().enumerate() {
                    keywords_are_the_drafts(s, &format!("{at}/{key}/{i}"), name);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_pages_own_examples_validate() {
    for (schema, doc) in [
        (TASK_PARAM_SCHEMA, PAGE_TASK_PARAM),
        (START_PARAM_SCHEMA, PAGE_START_PARAM),
        (TASK_CONTENT_SCHEMA, SAMPLE_TASK_CONTENT),
    ] {
        let problems = validator(schema).validate(doc, true);
        assert!(problems.is_empty(), "{}", render(&problems));
    }
}

#[test]
fn the_pages_examples_decode_into_the_typed_models() {
    let param: dataworks_di::documents::TaskParam =
        serde_json::from_str(PAGE_TASK_PARAM).expect("typed");
    assert_eq!(
        param.steps[0].category,
        dataworks_di::types::StepCategory::Reader
    );
    let content: dataworks_di::documents::TaskContent =
        serde_json::from_str(SAMPLE_TASK_CONTENT).expect("typed");
    assert_eq!(content.order.hops[0].to, "writer");
    let start: dataworks_di::documents::StartParam =
        serde_json::from_str(PAGE_START_PARAM).expect("typed");
    let ddl = start.ddl_mark_map.expect("ddlMarkMap");
    assert_eq!(ddl["RENAMETABLE"], dataworks_di::types::DdlAction::Critical);
    assert_eq!(ddl.len(), 8);
}

#[test]
fn invalid_json_is_reported_with_its_position() {
    let problems = validator(TASK_PARAM_SCHEMA).validate("{\n  \"steps\": [\n}", false);
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].line, problems[0].column), (3, 1));
    assert!(problems[0].message.starts_with("not valid JSON: "));
}

#[test]
fn a_misspelt_member_gets_a_did_you_mean() {
    let doc = "{\n  \"steps\": [\n    {\n      \"category\": \"reader\",\n      \"parameter\": {\"conection\": [{\"table\": [\"t\"]}]}\n    }\n  ]\n}";
    let problems = validator(TASK_PARAM_SCHEMA).validate(doc, false);
    insta::assert_snapshot!(render(&problems));
    let errors = errors(&problems);
    assert!(
        errors.iter().any(|p| p.message
            == "unknown member `conection`; did you mean `connection`?"
            && p.pointer == "/steps/0/parameter/conection"
            && (p.line, p.column) == (5, 21)),
        "{}",
        render(&problems)
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let doc = r#"{
  "type": "job",
  "version": "2.0",
  "steps": [
    {"stepType": "mysql", "category": "reader", "name": "r1",
     "parameter": {"connection": [{"table": ["a", "b", "a"]}, {"datasource": "x"}]}},
    {"stepType": "mysql", "category": "reader", "name": "r2", "parameter": {}},
    {"stepType": "holo", "category": "writer", "name": "w", "parameter": {"writeMode": 3}},
    {"stepType": "oracle", "category": "writer", "name": "w2", "parameter": {}}
  ],
  "order": {"hops": [{"from": "r1", "to": "w"}, {"from": "r1", "to": "nowhere"}]},
  "note": "kept"
}"#;
    let problems = validator(TASK_CONTENT_SCHEMA).validate(doc, false);
    insta::assert_snapshot!(render(&problems));
    let messages = render(&problems);
    for expected in [
        "Every hop ends at an existing step. Expected one of r1, r2, w, w2 (the values at /steps/*/name), found \"nowhere\"",
        "expected exactly 1 item with category \"reader\", found 2 (/steps/0, /steps/1) (dwdi decision: No page says how many readers",
        "\"a\" appears again (first at /steps/0/parameter/connection/0/table/0); expected each item once (dwdi decision: No page says a table may not repeat",
        "expected the member `table` or `selectedTables`, found neither",
        "/steps/2/parameter: missing required member \"datasource\"",
        "\"oracle\" is not an accepted value",
        "expected string, found the number 3",
        "undocumented member `note`",
    ] {
        assert!(
            messages.contains(expected),
            "missing {expected:?} in\n{messages}"
        );
    }
}

#[test]
fn an_unsupported_writer_for_the_reader_is_refused() {
    let doc = SAMPLE_TASK_CONTENT.replace(r#""stepType":"holo""#, r#""stepType":"mysql""#);
    let problems = validator(TASK_CONTENT_SCHEMA).validate(&doc, false);
    let errors = errors(&problems);
    assert_eq!(errors.len(), 1, "{}", render(&problems));
    assert_eq!(errors[0].pointer, "/steps/1/stepType");
    assert_eq!(
        errors[0].message,
        "Writers are ones the docs support for the reader: MySQL to MaxCompute, Kafka or Hologres. Expected a writer stepType of odps, kafka, holo for a reader stepType \"mysql\", found \"mysql\""
    );
}

#[test]
fn an_unknown_ddl_kind_is_a_warning_and_an_error_when_strict() {
    let doc = r#"{"ddlMarkMap": {"ADDCOLUMN": "NORMAL", "ADDCOLUMNS": "IGNORE", "DROPINDEX": "WARNING"}}"#;
    let v = validator(START_PARAM_SCHEMA);
    let lenient = v.validate(doc, false);
    assert!(errors(&lenient).is_empty(), "{}", render(&lenient));
    assert_eq!(lenient.len(), 2);
    let strict = v.validate(doc, true);
    assert_eq!(errors(&strict).len(), 2);
    insta::assert_snapshot!(render(&strict));
}

#[test]
fn a_bad_ddl_action_and_a_negative_limit_are_errors() {
    let doc = r#"{"failoverLimit": {"count": -1}, "ddlMarkMap": {"ADDCOLUMN": "SOMETIMES"}}"#;
    let problems = validator(START_PARAM_SCHEMA).validate(doc, false);
    let rendered = render(&problems);
    assert!(
        rendered.contains("-1 is too small; expected at least 0"),
        "{rendered}"
    );
    assert!(
        rendered.contains(
            "\"SOMETIMES\" is not an accepted value; expected one of \"NORMAL\", \"IGNORE\", \"WARNING\", \"CRITICAL\""
        ),
        "{rendered}"
    );
}

#[test]
fn a_table_repeated_for_one_database_is_refused() {
    let doc = r#"{"steps": [{"category": "reader", "parameter": {"connection": [{"selectedTables": [
        {"dbName": "d1", "schema": [{"tableInfos": [{"table": "t"}, {"table": "t"}]}]},
        {"dbName": "d2", "schema": [{"tableInfos": [{"table": "t"}]}]}
    ]}]}}]}"#;
    let problems = validator(TASK_PARAM_SCHEMA).validate(doc, false);
    let errors = errors(&problems);
    assert_eq!(errors.len(), 1, "{}", render(&problems));
    assert_eq!(
        errors[0].pointer,
        "/steps/0/parameter/connection/0/selectedTables/0/schema/0/tableInfos/1/table"
    );
}

/// GenerateDISyncTaskConfigForCreating's TaskParam example in Alibaba's metadata (the
/// `example` field as printed, and the three statements of its description): each validates
/// as a TaskParam, strictly, and decodes into the typed model.
#[test]
fn alibabas_for_creating_examples_validate_as_task_param() {
    let examples = [
        include_str!("data/for-creating.task-param.example.json"),
        include_str!("data/for-creating.task-param.odps.json"),
        include_str!("data/for-creating.task-param.kafka.json"),
        include_str!("data/for-creating.task-param.holo.json"),
    ];
    let v = validator(TASK_PARAM_SCHEMA);
    for text in examples {
        let report = v.check(text, true);
        assert!(report.problems.is_empty(), "{}", render(&report.problems));
        assert!(
            v.fast_path_clean(text.as_bytes()),
            "the fast path clears it"
        );
        let typed: dataworks_di::documents::TaskParam = serde_json::from_str(text).expect("typed");
        let writer = &typed.steps[1].parameter;
        assert!(writer.datasource.is_some() && writer.connection.is_none());
    }
}

#[test]
fn empty_lists_select_nothing_and_are_errors_at_their_place() {
    let v = validator(TASK_PARAM_SCHEMA);
    for (doc, at) in [
        (
            r#"{"steps":[{"category":"reader","parameter":{"connection":[]}}]}"#,
            "/steps/0/parameter/connection",
        ),
        (
            r#"{"steps":[{"category":"reader","parameter":{"connection":[{"table":[]}]}}]}"#,
            "/steps/0/parameter/connection/0/table",
        ),
        (
            r#"{"steps":[{"category":"reader","parameter":{"connection":[{"selectedTables":[]}]}}]}"#,
            "/steps/0/parameter/connection/0/selectedTables",
        ),
        (
            r#"{"steps":[{"category":"reader","parameter":{"connection":[{"selectedTables":[{"dbName":"d","schema":[]}]}]}}]}"#,
            "/steps/0/parameter/connection/0/selectedTables/0/schema",
        ),
        (
            r#"{"steps":[{"category":"reader","parameter":{"connection":[{"selectedTables":[{"dbName":"d","schema":[{"tableInfos":[]}]}]}]}}]}"#,
            "/steps/0/parameter/connection/0/selectedTables/0/schema/0/tableInfos",
        ),
    ] {
        let problems = v.validate(doc, false);
        let errors = errors(&problems);
        assert_eq!(errors.len(), 1, "{}", render(&problems));
        assert_eq!(
            (errors[0].kind, errors[0].pointer.as_str()),
            ("min-items", at)
        );
        assert_eq!(
            errors[0].message,
            "an empty list selects nothing; expected at least 1 item"
        );
    }
}

#[test]
fn a_document_of_another_kind_is_named() {
    let problems = validator(START_PARAM_SCHEMA).validate(PAGE_TASK_PARAM, false);
    assert_eq!(problems.len(), 1, "{}", render(&problems));
    assert_eq!(problems[0].kind, "wrong-kind");
    assert_eq!(
        problems[0].message,
        "none of the members `steps` belongs to a StartParam; it looks like a TaskParam; expected a StartParam with the members `failoverLimit`, `errorLimit`, `ddlMarkMap`"
    );
    let problems = validator(TASK_PARAM_SCHEMA).validate(PAGE_START_PARAM, false);
    assert_eq!(problems[0].kind, "wrong-kind");
    assert!(problems[0].message.contains("it looks like a StartParam"));
    // Members of no known kind: still the wrong document, with nothing to name.
    let problems = validator(TASK_PARAM_SCHEMA).validate(r#"{"hello": 1}"#, false);
    assert_eq!(problems.len(), 1);
    assert!(!problems[0].message.contains("looks like"));
    // An empty object is not a kind of anything: its missing members are reported.
    let problems = validator(TASK_PARAM_SCHEMA).validate("{}", false);
    assert_eq!(problems[0].kind, "required");
}

#[test]
fn a_root_schema_member_is_accepted_and_never_sent_or_kept() {
    let text = "{\n  \"$schema\": \"./task-param.schema.json\",\n  \"steps\": [{\"category\": \"reader\", \"parameter\": {\"connection\": [{\"table\": [\"t\"]}]}}]\n}";
    let v = validator(TASK_PARAM_SCHEMA);
    assert!(v.validate(text, true).is_empty());
    assert!(v.fast_path_clean(text.as_bytes()));
    let typed: dataworks_di::documents::TaskParam = serde_json::from_str(text).expect("typed");
    assert!(typed.extra.is_empty(), "{:?}", typed.extra);
    assert_eq!(
        dwdi_validate::without_schema_member(text),
        "{\n  \"steps\": [{\"category\": \"reader\", \"parameter\": {\"connection\": [{\"table\": [\"t\"]}]}}]\n}"
    );
    // Anywhere else it is an undocumented member like any other.
    let nested = r#"{"steps": [{"$schema": "x", "category": "reader", "parameter": {"connection": [{"table": ["t"]}]}}]}"#;
    assert_eq!(v.validate(nested, false)[0].kind, "undocumented-member");
}

#[test]
fn a_bom_is_skipped_and_positions_count_after_it() {
    let v = validator(TASK_PARAM_SCHEMA);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(PAGE_TASK_PARAM.as_bytes());
    assert!(v.check_bytes(&bytes, true).problems.is_empty());
    let mut bad = b"\xEF\xBB\xBF".to_vec();
    bad.extend_from_slice(b"{\"steps\": 1}");
    let report = v.check_bytes(&bad, false);
    assert_eq!(
        (report.problems[0].line, report.problems[0].column),
        (1, 11)
    );
}

#[test]
fn every_generated_schema_has_a_fast_path() {
    for (schema, _) in [
        (TASK_PARAM_SCHEMA, 0),
        (TASK_CONTENT_SCHEMA, 0),
        (START_PARAM_SCHEMA, 0),
    ] {
        assert!(validator(schema).has_fast_path());
    }
}
