//! Bytes in → verdict out, per document, on one core.
//!
//! `cargo bench -p dwdi-validate --bench validate`. Targets (issue 11 §3): at least 330 MB/s
//! on realistic TaskParam documents (the committed generator's, 1–8 KB; twice what ajv 8 with
//! `JSON.parse` does on the same documents, which `benches/corpus.sh` measures in the same
//! run), and at least 1,000,000 documents per second for the page's 118-byte example.
//! `DWDI_BENCH_DOCS=N` sets how many generated documents (1,000 by default).

#[path = "../tests/support/corpus.rs"]
mod corpus;

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

/// The page's TaskParam with three mistakes: the diagnostic path (positions, messages).
const BAD_TASK_PARAM: &str = "{\n  \"steps\": [\n    {\"category\": \"reeder\", \"parameter\": {\"conection\": []}}\n  ]\n}\n";

fn validator(schema: &str, rules: &str) -> DocumentValidator {
    DocumentValidator::new(schema, rules).expect("schema")
}

fn bench(c: &mut Criterion) {
    let task_param = validator(
        dataworks_di::documents::TASK_PARAM_SCHEMA,
        dataworks_di::documents::TASK_PARAM_RULES,
    );
    let task_content = validator(
        dataworks_di::documents::TASK_CONTENT_SCHEMA,
        dataworks_di::documents::TASK_CONTENT_RULES,
    );
    let start_param = validator(
        dataworks_di::documents::START_PARAM_SCHEMA,
        dataworks_di::documents::START_PARAM_RULES,
    );
    assert_eq!(
        PAGE_TASK_PARAM.len(),
        118,
        "the page's \"120-byte\" example"
    );
    for (v, doc) in [
        (&task_param, PAGE_TASK_PARAM),
        (&task_content, SAMPLE_TASK_CONTENT),
        (&start_param, PAGE_START_PARAM),
    ] {
        assert!(
            v.fast_path_clean(doc.as_bytes()),
            "the fast path clears {doc}"
        );
    }
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
        ("task-param/page-example-118B", &task_param, PAGE_TASK_PARAM),
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

    // Realistic documents: the generator's, every one valid, all checked per iteration.
    let n: u64 = std::env::var("DWDI_BENCH_DOCS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let docs: Vec<String> = (0..n).map(|seed| corpus::task_param(seed).1).collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    assert!(
        docs.iter()
            .all(|d| task_param.fast_path_clean(d.as_bytes()))
    );
    println!(
        "realistic corpus: {n} documents, {bytes} bytes, {} bytes on average",
        bytes / docs.len()
    );
    let mut group = c.benchmark_group("realistic");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("check_bytes/task-param", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(task_param.check_bytes(black_box(d.as_bytes()), false));
            }
        })
    });
    group.bench_function("serde_json::from_slice::<Value>", |b| {
        b.iter(|| {
            for d in &docs {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                    d.as_bytes(),
                )));
            }
        })
    });
    group.bench_function("diagnostic-path/task-param", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(task_param.diagnose_bytes(black_box(d.as_bytes()), false));
            }
        })
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
