//! CVE JSON 5 throughput on the shared vulnrichment snapshot (44 k records;
//! the budget is "CVE-5 zip of 44 k records → advisory store < 10 s" on 2
//! cores).
//!
//! * `read_inflate`: `source::read` over the zip (open, inflate, limits),
//!   no parsing;
//! * `parse`: `cve5::parse` of every record, from bytes already in memory;
//! * `json_value`: `serde_json::Value` of every record, the same bytes: a
//!   floor for any serde_json-based reader, to compare `parse` with.
//!
//! All single-threaded.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use yata_feeds::{Parsed, source};

fn bench(c: &mut Criterion) {
    let Some(path) = yata_testdata::path("cve5/vulnrichment-2024-10-24.zip") else {
        return;
    };
    let limits = source::Limits::default();
    let mut docs = Vec::new();
    source::read(&path, &limits, &mut |doc| {
        if doc.name.ends_with(".json") {
            docs.push(doc);
        }
    })
    .unwrap();
    let bytes: u64 = docs.iter().map(|d| d.bytes.len() as u64).sum();
    eprintln!(
        "cve5 bench: {} records, {} MB of JSON",
        docs.len(),
        bytes >> 20
    );

    let mut group = c.benchmark_group("cve5");
    group.sample_size(10);
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_function("read_inflate", |b| {
        b.iter(|| {
            let mut n = 0usize;
            source::read(&path, &limits, &mut |doc| n += black_box(doc.bytes.len())).unwrap();
            n
        })
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut out = Parsed::default();
            for doc in &docs {
                yata_feeds::cve5::parse(&doc.name, black_box(&doc.bytes), &mut out);
            }
            assert!(out.problems.is_empty());
            out.records.len()
        })
    });
    group.bench_function("json_value", |b| {
        b.iter(|| {
            for doc in &docs {
                let value: serde_json::Value = serde_json::from_slice(&doc.bytes).unwrap();
                black_box(value);
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(10));
    targets = bench
}
criterion_main!(benches);
