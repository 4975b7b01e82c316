//! CycloneDX parse rate in components/s: a synthetic 100k-component JSON
//! BOM (`support/synthetic.rs`: PURLs, hashes, licences, dependencies), and
//! the largest real example (Keycloak 10, JSON and XML) when the shared data
//! is present. Peak memory: `scripts/inventory-memory.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use yata_inventory::Limits;
use yata_inventory::cyclonedx::{parse_json, parse_xml};

/// The allocator of the `yata` binary, so that the figures are the
/// product's: parsing allocates millions of small strings.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/synthetic.rs"]
mod synthetic;

/// Components in the synthetic BOM.
const N: usize = 100_000;

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let doc = synthetic::bom(N).into_bytes();
    assert_eq!(parse_json(&doc, &limits).unwrap().components.len(), N);
    let mut group = c.benchmark_group("cyclonedx");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("json_synthetic_100k_components", |b| {
        b.iter(|| parse_json(&doc, &limits).unwrap())
    });
    if let Some(dir) = yata_testdata::path("cyclonedx/examples/keycloak-10.0.2") {
        for (name, parse) in [
            ("bom.json", parse_json as fn(&[u8], &Limits) -> _),
            ("bom.xml", parse_xml),
        ] {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            let n = parse(&bytes, &limits).unwrap().components.len();
            group.throughput(Throughput::Elements(n as u64));
            group.bench_function(format!("keycloak_{name}_{n}_components"), |b| {
                b.iter(|| parse(&bytes, &limits).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
