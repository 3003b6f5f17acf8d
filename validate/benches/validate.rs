//! Bytes in → verdict out (parse, schema, undocumented members, rules), per document.
//!
//! `cargo bench -p dwdi-validate --bench validate`. The target: at least 500,000 documents per
//! second per core for the GenerateDISyncTaskConfigForUpdating page's 120-byte TaskParam.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dwdi_validate::DocumentValidator;

/// The page's TaskParam example ("120 bytes"; 118 as printed).
const PAGE_TASK_PARAM: &str = r#"{ "steps": [ { "parameter": { "connection": [ { "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" } ] }"#;

/// StartDISyncInstance's StartParam example, as the page prints it.
const PAGE_START_PARAM: &str = r#"{"failoverLimit":{"count":10,"interval":30},"errorLimit":{"record":0},"ddlMarkMap":{"RENAMECOLUMN":"WARNING","DROPTABLE":"WARNING","CREATETABLE":"IGNORE","MODIFYCOLUMN":"WARNING","TRUNCATETABLE":"NORMAL","DROPCOLUMN":"IGNORE","ADDCOLUMN":"NORMAL","RENAMETABLE":"CRITICAL"}}"#;

/// The QueryDISyncTaskConfigProcessResult sample's TaskContent, its defect mended.
const SAMPLE_TASK_CONTENT: &str = r#"{"extend":{"mode":"migration_holo","resourceGroup":"280749","name":"h"},"type":"job","steps":[{"stepType":"mysql","parameter":{"connection":[{"datasourceType":"mysql","datasource":"mm","selectedTables":[{"schema":[{"tableInfos":[{"enable":true,"table":"m_v1","tableName":"m_v1"}]}],"dbName":"m"}]}]},"name":"reader","category":"reader"},{"stepType":"holo","parameter":{"datasource":"h","tableMappingRule":{"datasource":[{"tableRule":[{"srcTable":"m_v1","mergeIntoCycleType":"DEFAULT","hourDeltaEnable":false,"dstTable":"m.m_v1","dayDeltaEnable":false,"primaryKeyInfo":{"column":["id"],"type":"pk"},"dstCreateTableInfo":{"indexType":"m_v1","dataColumn":[{"columnSize":0,"name":"id","index":0,"comment":"","newDigit":0,"type":"int8","digit":0,"primaryKey":true}],"schemaName":"m","tableName":"m_v1"},"srcDbName":"m"}],"srcDatasourceName":"mm"}],"totalTableMapping":1},"writeMode":"replay"},"name":"writer","category":"writer"}],"version":"2.0","order":{"hops":[{"from":"reader","to":"writer"}]}}"#;

/// The page's TaskParam with three mistakes: the error path (positions, messages).
const BAD_TASK_PARAM: &str = "{\n  \"steps\": [\n    {\"category\": \"reeder\", \"parameter\": {\"conection\": []}}\n  ]\n}\n";

fn bench(c: &mut Criterion) {
    let task_param =
        DocumentValidator::new(dataworks_di::documents::TASK_PARAM_SCHEMA).expect("schema");
    let task_content =
        DocumentValidator::new(dataworks_di::documents::TASK_CONTENT_SCHEMA).expect("schema");
    let start_param =
        DocumentValidator::new(dataworks_di::documents::START_PARAM_SCHEMA).expect("schema");
    assert_eq!(
        PAGE_TASK_PARAM.len(),
        118,
        "the page's \"120-byte\" example"
    );
    assert!(
        task_param
            .check_bytes(PAGE_TASK_PARAM.as_bytes(), false)
            .problems
            .is_empty()
    );
    assert!(
        task_content
            .check_bytes(SAMPLE_TASK_CONTENT.as_bytes(), false)
            .problems
            .is_empty()
    );
    assert!(
        start_param
            .check_bytes(PAGE_START_PARAM.as_bytes(), false)
            .problems
            .is_empty()
    );
    assert_eq!(
        task_param
            .check_bytes(BAD_TASK_PARAM.as_bytes(), false)
            .problems
            .len(),
        3
    );

    let mut group = c.benchmark_group("check_bytes");
    group.throughput(Throughput::Elements(1));
    for (name, validator, doc) in [
        ("task-param/page-example-120B", &task_param, PAGE_TASK_PARAM),
        (
            "task-content/page-sample",
            &task_content,
            SAMPLE_TASK_CONTENT,
        ),
        ("start-param/page-example", &start_param, PAGE_START_PARAM),
        ("task-param/three-mistakes", &task_param, BAD_TASK_PARAM),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(validator.check_bytes(black_box(doc.as_bytes()), false)))
        });
    }
    group.finish();

    // The floor: what parsing alone, and the compiled schema alone, cost for the page's example.
    let mut group = c.benchmark_group("parts");
    group.throughput(Throughput::Elements(1));
    group.bench_function("serde_json::from_slice/page-example-120B", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                PAGE_TASK_PARAM.as_bytes(),
            )))
        })
    });
    let schema: serde_json::Value =
        serde_json::from_str(dataworks_di::documents::TASK_PARAM_SCHEMA).expect("JSON");
    let compiled = jsonschema::draft202012::new(&schema).expect("schema");
    let doc: serde_json::Value = serde_json::from_str(PAGE_TASK_PARAM).expect("JSON");
    group.bench_function("jsonschema::is_valid/page-example-120B", |b| {
        b.iter(|| black_box(compiled.is_valid(black_box(&doc))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
