//! Parse-and-score rate per version, over the vectors of the shared
//! conformance data (or a fixed handful when it is absent): a scan scores
//! every finding's vectors, so this bounds what CVSS costs it.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use yata_cvss::Cvss;

const FALLBACK: &[(&str, &str)] = &[
    ("2.0", "AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C"),
    (
        "3.0",
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
    ),
    ("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
    (
        "4.0",
        "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L",
    ),
];

/// The vectors of each version, from the shared data when present.
fn vectors() -> Vec<(&'static str, Vec<String>)> {
    let files: &[(&str, &[&str])] = &[
        (
            "2.0",
            &["vectors_simple2", "vectors_calculator2", "vectors_cvsslib2"],
        ),
        (
            "3.0",
            &["vectors_simple3", "vectors_calculator3", "vectors_cvsslib3"],
        ),
        ("3.1", &["vectors_simple31"]),
        ("4.0", &["vectors_simple4", "vectors_threat4"]),
    ];
    let dir = yata_testdata::shared_data().map(|d| d.join("cvss"));
    files
        .iter()
        .map(|&(version, names)| {
            let mut out: Vec<String> = Vec::new();
            if let Some(dir) = &dir {
                for name in names {
                    let text = std::fs::read_to_string(dir.join(name)).unwrap();
                    out.extend(
                        text.lines()
                            .filter_map(|l| Some(l.split_once(" - ")?.0.to_owned())),
                    );
                }
            }
            if out.is_empty() {
                let v = FALLBACK.iter().find(|(v, _)| *v == version).unwrap().1;
                out.push(v.to_owned());
            }
            (version, out)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+score");
    for (version, vectors) in vectors() {
        group.throughput(Throughput::Elements(vectors.len() as u64));
        group.bench_function(version, |b| {
            b.iter(|| {
                for v in &vectors {
                    let cvss: Cvss = black_box(v.as_str()).parse().unwrap();
                    black_box(cvss.scores());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
