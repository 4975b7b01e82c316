//! Parse and compare throughput per version scheme.
//!
//! Corpus: both sides of every case in `../shared/data/versions/*.txt` for the
//! schemes that have a file, and a fixed list of realistic versions for the
//! others. Compare throughput is measured on already-parsed versions, all
//! ordered pairs of the corpus (the budget is ≥ 5 M comparisons/s per core).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use yata_version::{Scheme, Version};

const BUILTIN: &[(Scheme, &[&str])] = &[
    (
        Scheme::Cargo,
        &[
            "0.1.0",
            "1.0.0-alpha.1",
            "1.2.3",
            "1.2.3+build.5",
            "2.0.0-rc.1",
            "0.10.12",
            "1.0.197",
        ],
    ),
    (
        Scheme::Go,
        &[
            "v1.2.3",
            "1.20.5",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v2.3.4+incompatible",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v0.17.0",
            "1.21.0-rc.2",
        ],
    ),
    (
        Scheme::Npm,
        &[
            "1.2.3",
            "v1.2.3",
            "4.17.21",
            "1.0.0-beta.2",
            "10.0.0-rc.1",
            "0.0.1",
            "2.6.9",
        ],
    ),
    (
        Scheme::Hex,
        &[
            "1.2.3",
            "0.9.0",
            "1.0.0-rc.0",
            "2.14.2",
            "1.7.10",
            "0.18.1",
            "3.0.0-alpha",
        ],
    ),
    (
        Scheme::Generic,
        &[
            "10.2.9",
            "10.2.9-h1",
            "7.0.12",
            "15.2(4)M",
            "15.2(4)M3",
            "22.7R2.3",
            "13.1-49.15",
            "10.0.19045.3570",
        ],
    ),
];

fn corpus(scheme: Scheme) -> Vec<String> {
    if let Some((_, list)) = BUILTIN.iter().find(|(s, _)| *s == scheme) {
        return list.iter().map(|s| s.to_string()).collect();
    }
    let file = match scheme {
        Scheme::Alpine => "alpine",
        Scheme::Cran => "cran",
        Scheme::Debian => "debian",
        Scheme::Hackage => "hackage",
        Scheme::Maven => "maven",
        Scheme::NuGet => "nuget",
        Scheme::Packagist => "packagist",
        Scheme::Pub => "pub",
        Scheme::PyPI => "pypi",
        Scheme::Rpm => "redhat",
        Scheme::RubyGems => "rubygems",
        _ => "semver",
    };
    let Some(path) = yata_testdata::path(&format!("versions/{file}-versions.txt")) else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(path).unwrap();
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .flat_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            [w[0].to_string(), w[2].to_string()]
        })
        .filter(|v| scheme.parse(v).is_ok())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn bench(c: &mut Criterion) {
    for &scheme in Scheme::ALL {
        let strings = corpus(scheme);
        if strings.is_empty() {
            continue;
        }
        let parsed: Vec<Version> = strings.iter().map(|s| scheme.parse(s).unwrap()).collect();
        let mut group = c.benchmark_group(scheme.name());
        group.throughput(Throughput::Elements(strings.len() as u64));
        group.bench_function("parse", |b| {
            b.iter(|| {
                for s in &strings {
                    black_box(scheme.parse(black_box(s)).ok());
                }
            })
        });
        let pairs = (parsed.len() * parsed.len()) as u64;
        group.throughput(Throughput::Elements(pairs));
        group.bench_function("compare", |b| {
            b.iter(|| {
                for x in &parsed {
                    for y in &parsed {
                        black_box(black_box(x).try_cmp(black_box(y)));
                    }
                }
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
