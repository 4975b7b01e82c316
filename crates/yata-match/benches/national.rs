//! The national-scale benchmark (DESIGN.md, "Performance budgets"): a
//! synthetic nation drawn from the real packages and versions of the shared
//! feeds, matched against the whole shared corpus.
//!
//! ```text
//! cargo bench -p yata-match --bench national
//! YATA_NATION_INSTANCES=2000000 cargo bench -p yata-match --bench national
//! ```
//!
//! Prints: corpus import and index build times, population build time,
//! bytes per instance and peak RSS, `affected_by` latency (p50/p99/max over
//! 1,000 real advisories: the 100 naming the most-installed packages and 900
//! spread over the rest), `match_all` wall time and counts. Budgets: new
//! advisory → affected assets < 10 ms; full re-match of 50 M instances
//! < 60 s; < 8 GB. One pass, not criterion's repetitions: a national pass
//! takes minutes.
//!
//! Measured 2026-11-25, release, full scale, on 2 cores shared with other
//! builders (the process got 56% of a CPU over the run), against the shared
//! corpus: 53,691 records (PyPA 2,661, Go 4,291, RustSec 1,205, CVE-5
//! 44,130, KEV 1,404), not DESIGN.md's 300 k; 9,949 package entries on
//! 2,927 keys. Nation: 3,000 organisations, 300,000 assets, 49.7 M
//! instances over 2,620 packages and 42,109 distinct versions (PyPI, Go,
//! crates.io: the only package ecosystems in the corpus).
//!
//! | figure | measured | budget |
//! |---|---|---|
//! | corpus import / db / index build | 3.8 s / 0.53 s / 0.57 s | |
//! | population build (generator 7.2 s apart) | 34.6 s wall | |
//! | population heap | 4.09 bytes/instance (194 MiB) | |
//! | peak RSS (corpus, db, index, population) | 1,019 MiB | < 8 GB |
//! | `affected_by`, 1,000 advisories, best of 3 | p50 0.15 ms, p99 1.2 ms, max 3.0 ms | < 10 ms |
//! | `affected_by`, first runs | p50 0.21 ms, p99 5.2 ms, max 9.6 ms | |
//! | `match_all` | 1.8 s (462 k evaluations, 259 M asset-advisory pairs) | < 60 s |
//!
//! First runs include scheduler preemption on the shared machine: the slow
//! ones are whole multiples of ~4 ms and the same advisory then runs in
//! well under 1 ms.

use std::time::{Duration, Instant};

use yata_feeds::import::{ImportConfig, import};
use yata_knowledge::AdvisoryDb;
use yata_match::synth::{Catalogue, Nation, NationConfig};
use yata_match::{AssetId, IndexKey, MatchIndex, PopulationBuilder};
use yata_model::Record;

const SOURCES: &[&str] = &[
    "osv/pypa",
    "osv/Go.zip",
    "rustsec/advisory-db",
    "cve5/vulnrichment-2024-10-24.zip",
    "kev/known_exploited_vulnerabilities.json",
];

/// A line of `/proc/self/status` (`VmHWM`, `VmRSS`) in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn memory(when: &str) {
    println!(
        "memory {when}: VmRSS {:.0} MiB, VmHWM {:.0} MiB",
        status_mib("VmRSS"),
        status_mib("VmHWM")
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let instances: u64 = std::env::var("YATA_NATION_INSTANCES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(50_000_000);

    // The corpus, the db and the index.
    let mut records: Vec<Record> = Vec::new();
    let t = Instant::now();
    for s in SOURCES {
        let Some(path) = yata_testdata::path(s) else {
            println!("{s}: missing, skipped");
            continue;
        };
        let t = Instant::now();
        let imported = import(&path, &ImportConfig::default(), &|_| {}).expect("import");
        println!(
            "import {s}: {} records in {:.0} ms",
            imported.records.len(),
            ms(t.elapsed())
        );
        records.extend(imported.records);
    }
    println!(
        "corpus: {} records in {:.1} s",
        records.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let db = AdvisoryDb::new(records.clone());
    println!("advisory db: {:.0} ms", ms(t.elapsed()));
    let t = Instant::now();
    let index = MatchIndex::build(&db);
    println!(
        "index build: {:.0} ms, {:?}",
        ms(t.elapsed()),
        index.stats()
    );
    memory("after corpus, db and index");

    // The nation.
    let config = NationConfig::scaled(instances);
    let catalogue = Catalogue::from_records(&records, config.zipf);
    let nation = Nation::generate(&config);
    println!(
        "nation: {} organisations, {} assets, {} instances wanted; catalogue: {} packages, {} package versions, {} ecosystems",
        nation.organisations().len(),
        nation.assets(),
        config.instances,
        catalogue.packages(),
        catalogue.package_versions(),
        catalogue.ecosystems()
    );
    let t = Instant::now();
    let mut drawn = 0u64;
    nation.for_each_instance(&catalogue, |_, _| drawn += 1);
    let generate = t.elapsed();
    let rss_before = status_mib("VmRSS");
    let t = Instant::now();
    let mut builder = PopulationBuilder::new();
    nation.for_each_instance(&catalogue, |a, p| builder.add(a, p));
    let population = builder.build();
    let build = t.elapsed();
    println!(
        "population: {} instances ({drawn} drawn), {} keys, {} distinct versions; generator alone {:.1} s, generator + build {:.1} s (build ≈ {:.1} s)",
        population.instances(),
        population.keys(),
        population.distinct_versions(),
        generate.as_secs_f64(),
        build.as_secs_f64(),
        (build.saturating_sub(generate)).as_secs_f64()
    );
    println!(
        "population heap: {:.0} MiB = {:.2} bytes/instance (RSS grew {:.0} MiB = {:.2} bytes/instance)",
        population.heap_bytes() as f64 / 1048576.0,
        population.heap_bytes() as f64 / population.instances() as f64,
        status_mib("VmRSS") - rss_before,
        (status_mib("VmRSS") - rss_before) * 1048576.0 / population.instances() as f64
    );
    memory("after population");

    // affected_by over 1,000 real advisories.
    let mut weighted: Vec<(u64, &Record)> = records
        .iter()
        .filter(|r| !r.packages.is_empty() || r.products.iter().any(|p| p.purl.is_some()))
        .map(|r| {
            let w = MatchIndex::keys_of(r)
                .iter()
                .map(|k| match k {
                    IndexKey::Package(k) => population.instances_of(k),
                    IndexKey::Product(_) => 0,
                })
                .sum();
            (w, r)
        })
        .collect();
    weighted.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let mut chosen: Vec<&Record> = weighted.iter().take(100).map(|w| w.1).collect();
    let rest = &weighted[100.min(weighted.len())..];
    let step = (rest.len() / 900).max(1);
    chosen.extend(rest.iter().step_by(step).take(900).map(|w| w.1));
    // Each advisory three times: the first run, and the best of three (the
    // machine is shared, so single runs include other processes' time).
    let mut firsts = Vec::with_capacity(chosen.len());
    let mut latencies = Vec::with_capacity(chosen.len());
    let mut worst = (Duration::ZERO, String::new(), 0, 0);
    let mut total_assets = 0usize;
    for r in &chosen {
        let mut d = Duration::MAX;
        let mut affected = None;
        for run in 0..3 {
            let t = Instant::now();
            let a = population.affected_by(r);
            let e = t.elapsed();
            if run == 0 {
                firsts.push(e);
                if std::env::var_os("YATA_NATION_DEBUG").is_some() && e > Duration::from_millis(2) {
                    println!("slow first run: {} {:.3} ms", r.id, ms(e));
                }
            } else if std::env::var_os("YATA_NATION_DEBUG").is_some()
                && firsts.last().is_some_and(|f| *f > Duration::from_millis(2))
            {
                println!("  run {run}: {:.3} ms", ms(e));
            }
            d = d.min(e);
            affected = Some(a);
        }
        let affected = affected.expect("three runs");
        total_assets += affected.assets.len();
        if d > worst.0 {
            worst = (
                d,
                r.id.to_string(),
                affected.assets.len(),
                affected.versions_evaluated,
            );
        }
        latencies.push(d);
    }
    latencies.sort();
    firsts.sort();
    let pct = |l: &[Duration], p: f64| l[((l.len() - 1) as f64 * p).round() as usize];
    println!(
        "affected_by, first runs: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(pct(&firsts, 0.5)),
        ms(pct(&firsts, 0.99)),
        ms(pct(&firsts, 1.0)),
    );
    println!(
        "affected_by, best of 3, over {} advisories ({} naming the most-installed packages, heaviest names {} instances): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({}: {} assets, {} versions evaluated); mean {:.0} assets per advisory",
        latencies.len(),
        100.min(chosen.len()),
        weighted.first().map_or(0, |w| w.0),
        ms(pct(&latencies, 0.5)),
        ms(pct(&latencies, 0.99)),
        ms(pct(&latencies, 1.0)),
        worst.1,
        worst.2,
        worst.3,
        total_assets as f64 / latencies.len() as f64
    );

    // The full re-match.
    let t = Instant::now();
    let all = population.match_all(&index);
    println!(
        "match_all: {:.1} s on {} threads, {all:?}",
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    memory("at the end");

    // Updating one asset.
    let mut population = population;
    let packages: Vec<_> = nation
        .packages_of(&catalogue, AssetId(0))
        .into_iter()
        .cloned()
        .collect();
    let t = Instant::now();
    population.replace_asset(AssetId(0), &packages);
    println!(
        "replace_asset ({} packages): {:.1} ms",
        packages.len(),
        ms(t.elapsed())
    );
}
