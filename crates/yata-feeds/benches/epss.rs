//! EPSS parse throughput: FIRST publishes about 300 k scores a day, so a
//! generated file of 300 k rows in the real format, plain and gzipped, is
//! parsed into records.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use yata_feeds::{Parsed, epss};

const ROWS: usize = 300_000;

fn generated() -> Vec<u8> {
    let mut out = b"#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\n\
                    cve,epss,percentile\n"
        .to_vec();
    // A fixed linear congruential sequence: scores with five decimals,
    // skewed low as the real ones are.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..ROWS {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let score = ((x >> 33) % 100_000) as f64 / 100_000.0;
        let score = score * score * score;
        let year = 1999 + i % 27;
        writeln!(
            out,
            "CVE-{year}-{:04},{score:.5},{:.5}",
            i + 1,
            score.sqrt()
        )
        .unwrap();
    }
    out
}

fn bench(c: &mut Criterion) {
    let plain = generated();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();

    let mut group = c.benchmark_group("epss");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    for (name, bytes) in [("plain", &plain), ("gzip", &gz)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Parsed::default();
                epss::parse("epss.csv", black_box(bytes), &mut out);
                assert_eq!(out.records.len(), ROWS);
                out
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
