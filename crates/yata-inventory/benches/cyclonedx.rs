//! CycloneDX parse rate: a generated 100k-component JSON BOM, and the
//! largest real example (Keycloak 10, JSON and XML) when the shared data is
//! present.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use yata_inventory::Limits;
use yata_inventory::cyclonedx::{parse_json, parse_xml};

const N: usize = 100_000;

fn generated() -> Vec<u8> {
    let mut components = Vec::with_capacity(N);
    for i in 0..N {
        components.push(serde_json::json!({
            "type": "library",
            "bom-ref": format!("pkg:npm/%40scope/package-{i}@1.{}.{}", i % 17, i % 5),
            "group": "@scope",
            "name": format!("package-{i}"),
            "version": format!("1.{}.{}", i % 17, i % 5),
            "purl": format!("pkg:npm/%40scope/package-{i}@1.{}.{}", i % 17, i % 5),
            "hashes": [{"alg": "SHA-256", "content": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}],
            "licenses": [{"license": {"id": "MIT"}}]
        }));
    }
    serde_json::to_vec(&serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "components": components,
    }))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let doc = generated();
    let mut group = c.benchmark_group("cyclonedx");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("json_generated_100k_components", |b| {
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
