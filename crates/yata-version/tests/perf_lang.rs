//! Throughput of parsing and comparing Maven, NuGet, RubyGems, Packagist,
//! Pub and Hex versions. Slow in debug builds, so it runs only with
//! `YATA_PERF=1`, meant for `cargo test --release`; in CI it runs there.
//!
//! Targets: parsing 2 M versions well under a second, at least 5 M
//! comparisons per second per core.

use std::time::{Duration, Instant};

use yata_version::Scheme;

/// Realistic versions of each scheme, varied by a counter.
fn samples(scheme: Scheme, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let (a, b, c) = (i % 7, (i / 7) % 13, (i / 91) % 31);
            match (scheme, i % 4) {
                (Scheme::Maven, 0) => format!("{a}.{b}.{c}"),
                (Scheme::Maven, 1) => format!("{a}.{b}.{c}.Final"),
                (Scheme::Maven, 2) => format!("{a}.{b}-SNAPSHOT"),
                (Scheme::Maven, _) => format!("{a}.{b}.{c}-beta-{a}"),
                (Scheme::NuGet, 0) => format!("{a}.{b}.{c}"),
                (Scheme::NuGet, 1) => format!("{a}.{b}.{c}.{a}"),
                (Scheme::NuGet, _) => format!("{a}.{b}.{c}-preview.{b}+sha.{c}"),
                (Scheme::RubyGems, 0) => format!("{a}.{b}.{c}"),
                (Scheme::RubyGems, _) => format!("{a}.{b}.{c}.rc{a}"),
                (Scheme::Packagist, 0) => format!("v{a}.{b}.{c}"),
                (Scheme::Packagist, _) => format!("{a}.{b}.{c}-RC{a}"),
                (_, 0) => format!("{a}.{b}.{c}"),
                (_, 1) => format!("{a}.{b}.{c}-beta.{b}"),
                (_, _) => format!("{a}.{b}.{c}+build.{c}"),
            }
        })
        .collect()
}

/// CPU time of this thread where Linux tells it (the machine may be shared),
/// wall time elsewhere.
fn cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| {
            static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
            START.get_or_init(Instant::now).elapsed()
        })
}

#[test]
fn throughput() {
    if std::env::var_os("YATA_PERF").is_none() {
        eprintln!("skipping: set YATA_PERF=1 (and use --release) to measure throughput");
        return;
    }
    const PARSES: usize = 2_000_000;
    const COMPARISONS: usize = 5_000_000;
    /// Comparisons run over a working set the size of a large package's
    /// version list, not over all parsed versions (which would measure
    /// cache misses).
    const WORKING_SET: usize = 10_000;
    for scheme in [
        Scheme::Maven,
        Scheme::NuGet,
        Scheme::RubyGems,
        Scheme::Packagist,
        Scheme::Pub,
        Scheme::Hex,
    ] {
        let inputs = samples(scheme, PARSES);
        let start = cpu_time();
        for s in &inputs {
            std::hint::black_box(scheme.parse(std::hint::black_box(s)).unwrap());
        }
        let parse = cpu_time() - start;
        let set: Vec<_> = inputs[..WORKING_SET]
            .iter()
            .map(|s| scheme.parse(s).unwrap())
            .collect();

        let start = cpu_time();
        let mut less = 0usize;
        for i in 0..COMPARISONS {
            let a = &set[i % WORKING_SET];
            let b = &set[(i * 7919 + 13) % WORKING_SET];
            less += usize::from(a.try_cmp(b) == Some(std::cmp::Ordering::Less));
        }
        let compare = cpu_time() - start;
        eprintln!(
            "{scheme}: parse {PARSES} in {parse:?}, {COMPARISONS} comparisons in {compare:?} ({less} less)"
        );
        if !cfg!(debug_assertions) {
            assert!(parse.as_secs_f64() < 1.0, "{scheme}: parsing too slow");
            assert!(compare.as_secs_f64() < 1.0, "{scheme}: comparing too slow");
        }
    }
}
