//! Building and signing one request (no I/O). Targets: < 5 µs with three short parameters,
//! < 20 µs with a 2 KB JSON parameter, on one core.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dwdi_runtime::{AcsDate, Credentials, RpcRequest, Runtime, SignatureVersion};

fn runtime(version: SignatureVersion) -> Runtime {
    Runtime::builder()
        .credentials(Credentials::new(
            "LTAI5tBenchmarkKeyId",
            "BenchmarkSecretValue0123456789",
        ))
        .endpoint("dataworks.cn-hangzhou.aliyuncs.com")
        .signature_version(version)
        .build()
        .expect("runtime")
}

fn task_param_2kb() -> String {
    // A realistic DI TaskParam: nested JSON with spaces, quotes, slashes and non-ASCII text.
    let mut s = String::from(
        "{\"FileFolderPath\":\"业务流程/XM_LSTest/数据集成\",\"ResourceGroup\":\"S_res_group_XXX\",\"Steps\":[",
    );
    let mut i = 0;
    while s.len() < 2000 {
        s.push_str(&format!(
            "{{\"name\":\"step {i}\",\"category\":\"reader\",\"parameter\":{{\"datasource\":\"mysql_src\",\"table\":\"orders_{i}\",\"column\":[\"*\"],\"where\":\"id > 0\"}}}},"
        ));
        i += 1;
    }
    s.pop();
    s.push_str("]}");
    s
}

fn bench(c: &mut Criterion) {
    let date = AcsDate::parse("2024-01-01T00:00:00Z").expect("date");
    let nonce = "3156853299f313e23d1673dc12e1703d";
    let big = task_param_2kb();
    assert!(big.len() >= 2000);

    for (label, version) in [("v3", SignatureVersion::V3), ("v2", SignatureVersion::V2)] {
        let rt = runtime(version);
        c.bench_function(&format!("{label}/three_short_params"), |b| {
            b.iter(|| {
                let req = RpcRequest::new("GetDISyncInstanceInfo", "2020-05-18")
                    .param("ProjectId", "10000")
                    .param("TaskType", "DI_REALTIME")
                    .param("FileId", "100");
                black_box(rt.sign_at(black_box(&req), date, nonce, 1))
            })
        });
        c.bench_function(&format!("{label}/json_param_2kb"), |b| {
            b.iter(|| {
                let req = RpcRequest::new("GenerateDISyncTaskConfigForUpdating", "2020-05-18")
                    .param("ProjectId", "10000")
                    .param("TaskType", "DI_REALTIME_TASK")
                    .param("TaskParam", big.clone());
                black_box(rt.sign_at(black_box(&req), date, nonce, 1))
            })
        });
    }
}

/// The pieces of the 2 KB case, to see where its time goes.
fn parts(c: &mut Criterion) {
    use sha2::Digest;
    let big = task_param_2kb();
    let encoded = dwdi_runtime::encode::encode(&big);
    c.bench_function("parts/encode_2kb", |b| {
        b.iter(|| black_box(dwdi_runtime::encode::encode(black_box(&big))))
    });
    c.bench_function("parts/sha256_encoded_2kb", |b| {
        b.iter(|| black_box(sha2::Sha256::digest(black_box(encoded.as_bytes()))))
    });
}

criterion_group!(benches, bench, parts);
criterion_main!(benches);
