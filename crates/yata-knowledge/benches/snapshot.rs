//! Snapshot load time on the full shared corpus (PyPA, Go, RustSec, CVE-5,
//! KEV, CSAF examples): decoding alone, merging alone, and both (the budget
//! for loading is 200 ms).

use std::hint::black_box;

/// The allocator of the `yata` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use yata_feeds::import::{ImportConfig, import};
use yata_knowledge::{AdvisoryDb, snapshot};

const SOURCES: &[&str] = &[
    "osv/pypa",
    "osv/Go.zip",
    "rustsec/advisory-db",
    "cve5/vulnrichment-2024-10-24.zip",
    "kev/known_exploited_vulnerabilities.json",
    "csaf/examples",
];

fn bench(c: &mut Criterion) {
    let mut records = Vec::new();
    for s in SOURCES {
        let Some(path) = yata_testdata::path(s) else {
            return;
        };
        let imported = import(&path, &ImportConfig::default(), &|_| {}).unwrap();
        assert!(imported.problems.is_empty());
        records.extend(imported.records);
    }
    let db = AdvisoryDb::new(records);
    let bytes = snapshot::encode(&db, jiff::Timestamp::UNIX_EPOCH).unwrap();
    eprintln!(
        "full corpus: {} records, {} vulnerabilities, snapshot {} bytes",
        db.records().len(),
        db.len(),
        bytes.len()
    );
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("decode_records", |b| {
        b.iter_with_large_drop(|| snapshot::decode_records(black_box(&bytes)).unwrap())
    });
    group.bench_function("merge", |b| {
        b.iter_batched(
            || db.records().to_vec(),
            AdvisoryDb::new,
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("load", |b| {
        b.iter_with_large_drop(|| snapshot::decode(black_box(&bytes)).unwrap())
    });
    group.bench_function("encode", |b| {
        b.iter(|| black_box(snapshot::encode(&db, jiff::Timestamp::UNIX_EPOCH).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
