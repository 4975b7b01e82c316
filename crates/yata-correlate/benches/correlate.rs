//! The correlation index at national scale (issue 8): 1 M incident reports
//! carrying 10 M indicator occurrences, generated deterministically.
//!
//! ```text
//! cargo bench -p yata-correlate
//! YATA_CORRELATE_REPORTS=10000 YATA_CORRELATE_INDICATORS=100000 cargo bench -p yata-correlate
//! ```
//!
//! The data: 15 groups (sectors); each report carries 1–19 indicators
//! (mean = indicators / reports) of a realistic mix of kinds (SHA-256 30%,
//! MD5 10%, SHA-1 10%, domains 25%, IPv4 15%, URLs 10%; mean value length
//! about 38 bytes). Most values are unique. 15% of reports belong to one of
//! reports / 333 campaigns (3,000 at full size), each with a pool of 1–20
//! values, of which a member report carries 1–5, members drawn from every
//! group. 20% of reports carry a public resolver and 10% a Windows Update
//! host (benign by the built-in list); 5 non-benign values are carried by
//! 1.5% of reports each (15,000 at full size: above the common-value
//! limit of 10,000).
//!
//! Prints: build time (upserts only; generation apart), heap bytes (the
//! index's accounting) and bytes per indicator occurrence, peak and current
//! RSS, `related` p50/p99/max over 10,000 random reports (limit 50, all
//! visible), `clusters` over the whole index, `cluster_of`, `indicator`
//! lookups, and upsert (replacing a report's indicators) and remove times.
//! One pass, not criterion's repetitions: the build takes tens of seconds.
//!
//! Measured 2026-11-26, release, full size (1,000,000 reports, 9,924,924
//! occurrences, 9,246,808 distinct indicators), on 2 cores shared with
//! other builders; glibc malloc. Two runs: A with the machine otherwise
//! mostly idle (before the first/last-seen aggregate of shared values
//! was added), B of the current code while a `cargo fuzz build` used the
//! other core.
//!
//! | figure | A | B |
//! |---|---|---|
//! | build (1 M upserts, generation apart) | 10.9 s | 25.5 s |
//! | heap after build / after `shrink_to_fit` | 1,123 / 819 MiB | 1,124 / 820 MiB |
//! | bytes per occurrence / per distinct indicator | 86.5 / 92.9 | 86.6 / 92.9 |
//! | peak RSS (whole process) | 854 MiB | 854 MiB |
//! | `related`, limit 50, p50 / p99 | 1.5 / 30 µs | 1.8 / 36 µs |
//! | `clusters` (size ≥ 2; 2,946 clusters, 150,070 reports) | 184 ms | 508 ms |
//! | `clusters` across ≥ 2 groups, ⅔ visible | 157 ms | 602 ms |
//! | `cluster_of` p50 / p99 | 1.9 / 74 µs | 1.8 / 82 µs |
//! | `indicator` p50 / p99 (sampled values, mean 2,868 reports each) | 636 µs mean | 1.8 / 4.1 µs |
//! | upsert replacing a report, p50 / p99 | 8.6 / 20 µs | 10.6 / 36 µs |
//! | remove p50 / p99 | 5.0 / 13 µs | 5.7 / 20 µs |
//!
//! Maxima of 4–30 ms in every latency series are whole multiples of the
//! ~4 ms scheduler slice of the shared machine. Heap "after the build" counts
//! `Vec` capacity left by doubling, which is mostly untouched (so not
//! resident): peak RSS stays below it. Where the bytes go, per distinct
//! indicator: ~38 text, 16 record, ~9 hash table; per occurrence: 4 (value
//! id) + 16 (first/last seen) on the report side. Hex hashes stored as
//! bytes would save about 13 bytes per value; not done (the arena would no
//! longer lend `&str`).

use std::time::{Duration, Instant};

use yata_correlate::{ClusterQuery, Config, Correlator, ReportId, Sighting};
use yata_indicator::Kind;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(1000) < percent * 10
    }
}

/// splitmix64 finaliser: a bijection, so distinct ids give distinct words.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

const TLDS: [&str; 8] = ["com", "net", "org", "ru", "cn", "info", "top", "xyz"];

/// The value numbered `id`: its kind by `id`'s hash, distinct for distinct ids.
fn value(id: u64) -> (Kind, String) {
    let h = mix(id);
    match h % 100 {
        0..30 => (
            Kind::Sha256,
            format!("{:016x}{:016x}{:016x}{:016x}", id, h, mix(h), mix(h ^ 1)),
        ),
        30..40 => (Kind::Md5, format!("{id:016x}{h:016x}")),
        40..50 => (Kind::Sha1, format!("{id:016x}{h:016x}{:08x}", h as u32)),
        50..75 => (
            Kind::Domain,
            format!("x{:x}{id:x}.{}", h >> 40, TLDS[(h >> 8) as usize % 8]),
        ),
        75..90 => {
            let a = ((id ^ (id >> 32)) as u32).wrapping_mul(2_654_435_761);
            (Kind::Ipv4, std::net::Ipv4Addr::from(a).to_string())
        }
        _ => (
            Kind::Url,
            format!(
                "https://x{:x}{id:x}.{}/{:x}/update.php",
                h >> 48,
                TLDS[(h >> 8) as usize % 8],
                h & 0xffff_ffff
            ),
        ),
    }
}

const RESOLVERS: [&str; 6] = [
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "9.9.9.9",
    "208.67.222.222",
    "192.168.1.1",
];
const CAMPAIGN_BASE: u64 = 1 << 40;
const POPULAR_BASE: u64 = 1 << 41;

struct Generator {
    rng: Rng,
    next_unique: u64,
    campaigns: u64,
    per_report: u64,
    popular_percent: u64,
}

impl Generator {
    /// One report's indicators (kind, value, first seen, last seen).
    fn report(&mut self, out: &mut Vec<(Kind, String, i64, i64)>) {
        out.clear();
        let rng = &mut self.rng;
        let count = 1 + rng.below(2 * self.per_report - 1);
        let when = |rng: &mut Rng| {
            let first = 1_735_689_600_000_000 + rng.below(365 * 86_400_000_000) as i64;
            (first, first + rng.below(30 * 86_400_000_000) as i64)
        };
        if rng.chance(15) {
            let c = rng.below(self.campaigns);
            let pool = 1 + mix(c) % 20;
            for _ in 0..(1 + rng.below(5)).min(count) {
                let (kind, text) = value(CAMPAIGN_BASE + c * 32 + rng.below(pool));
                let (a, b) = when(rng);
                out.push((kind, text, a, b));
            }
        }
        if rng.chance(20) && out.len() < count as usize {
            let (a, b) = when(rng);
            let r = RESOLVERS[rng.below(RESOLVERS.len() as u64) as usize];
            out.push((Kind::Ipv4, r.to_owned(), a, b));
        }
        if rng.chance(10) && out.len() < count as usize {
            let (a, b) = when(rng);
            out.push((Kind::Domain, "download.windowsupdate.com".to_owned(), a, b));
        }
        for p in 0..5 {
            if out.len() < count as usize && rng.below(10_000) < self.popular_percent {
                let (kind, text) = value(POPULAR_BASE + p);
                let (a, b) = when(rng);
                out.push((kind, text, a, b));
            }
        }
        while out.len() < count as usize {
            let (kind, text) = value(self.next_unique);
            self.next_unique += 1;
            let (a, b) = when(rng);
            out.push((kind, text, a, b));
        }
    }
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// A line of `/proc/self/status` (`VmHWM`, `VmRSS`) in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn percentiles(mut times: Vec<Duration>) -> String {
    times.sort_unstable();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    format!(
        "p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        times[times.len() - 1].as_secs_f64() * 1e6
    )
}

fn id_of(n: u64) -> ReportId {
    n * 7 + 3
}

fn upsert(index: &mut Correlator, id: ReportId, group: u32, values: &[(Kind, String, i64, i64)]) {
    index
        .upsert(
            id,
            group,
            values.iter().map(|(kind, value, a, b)| Sighting {
                kind: *kind,
                value,
                first_seen: *a,
                last_seen: *b,
            }),
        )
        .unwrap();
}

fn main() {
    let reports = env("YATA_CORRELATE_REPORTS", 1_000_000);
    let indicators = env("YATA_CORRELATE_INDICATORS", 10_000_000);
    let mut generator = Generator {
        rng: Rng(0x5eed_1a7a),
        next_unique: 0,
        campaigns: (reports / 333).max(10),
        per_report: (indicators / reports).max(1),
        popular_percent: 150,
    };
    println!(
        "yata-correlate: {reports} reports, ~{indicators} indicator occurrences, {} campaigns, 15 groups",
        generator.campaigns
    );
    let rss_start = status_mib("VmRSS");

    let mut index = Correlator::new(Config::default());
    let (mut build, mut generate) = (Duration::ZERO, Duration::ZERO);
    let mut values = Vec::new();
    let mut samples: Vec<(Kind, String)> = Vec::new();
    for n in 0..reports {
        let t = Instant::now();
        generator.report(&mut values);
        let group = generator.rng.below(15) as u32;
        if n % 97 == 0 {
            let (kind, text, ..) = &values[generator.rng.below(values.len() as u64) as usize];
            samples.push((*kind, text.clone()));
        }
        let t2 = Instant::now();
        upsert(&mut index, id_of(n), group, &values);
        build += t2.elapsed();
        generate += t2 - t;
    }
    let heap_built = index.heap_bytes();
    let t = Instant::now();
    index.shrink_to_fit();
    let shrink = t.elapsed();
    let heap = index.heap_bytes();
    let postings = index.posting_count();
    println!(
        "build: {:.2} s of upserts ({:.2} µs/report; generation {:.2} s apart); shrink_to_fit {:.0} ms",
        build.as_secs_f64(),
        build.as_secs_f64() * 1e6 / reports as f64,
        generate.as_secs_f64(),
        shrink.as_secs_f64() * 1e3
    );
    println!(
        "held: {} reports, {} indicator occurrences, {} distinct indicators",
        index.len(),
        postings,
        index.indicator_count()
    );
    println!(
        "heap: {:.0} MiB after the build, {:.0} MiB after shrink_to_fit = {:.1} bytes per occurrence, {:.1} per distinct indicator",
        mib(heap_built),
        mib(heap),
        heap as f64 / postings as f64,
        heap as f64 / index.indicator_count() as f64
    );
    println!(
        "RSS: peak {:.0} MiB, now {:.0} MiB (at start {:.0} MiB; {} sampled values held by the bench)",
        status_mib("VmHWM"),
        status_mib("VmRSS"),
        rss_start,
        samples.len()
    );

    let mut rng = Rng(0xa5a5_5a5a);
    let (mut times, mut found, mut shared) = (Vec::new(), 0usize, 0usize);
    for _ in 0..10_000 {
        let id = id_of(rng.below(reports));
        let t = Instant::now();
        let related = index.related(id, |_| true, 50);
        times.push(t.elapsed());
        found += related.len();
        shared += related.iter().map(|r| r.shared.len()).sum::<usize>();
    }
    println!(
        "related (limit 50, 10,000 random reports): {}; {:.2} related and {:.2} shared indicators per answer",
        percentiles(times),
        found as f64 / 10_000.0,
        shared as f64 / found.max(1) as f64
    );
    let mut times = Vec::new();
    let mut in_campaign = 0;
    for _ in 0..10_000 {
        let id = id_of(rng.below(reports));
        let t = Instant::now();
        let n = index.related(id, |r| r % 2 == 1, 50).len();
        times.push(t.elapsed());
        in_campaign += usize::from(n > 0);
    }
    println!(
        "related (half visible): {}; {in_campaign} of 10,000 had some",
        percentiles(times)
    );

    let t = Instant::now();
    let clusters = index.clusters(&ClusterQuery::default(), |_| true);
    let took = t.elapsed();
    let in_clusters: usize = clusters.iter().map(|c| c.reports.len()).sum();
    println!(
        "clusters (size ≥ 2): {:.0} ms; {} clusters holding {} reports, largest {} reports in {} groups with {} linking indicators",
        took.as_secs_f64() * 1e3,
        clusters.len(),
        in_clusters,
        clusters.first().map_or(0, |c| c.reports.len()),
        clusters.first().map_or(0, |c| c.groups.len()),
        clusters.first().map_or(0, |c| c.indicator_count),
    );
    let t = Instant::now();
    let across = index.clusters(
        &ClusterQuery {
            min_groups: 2,
            ..ClusterQuery::default()
        },
        |r| r % 3 != 0,
    );
    println!(
        "clusters (across ≥ 2 groups, two thirds visible): {:.0} ms; {} clusters; RSS peak now {:.0} MiB",
        t.elapsed().as_secs_f64() * 1e3,
        across.len(),
        status_mib("VmHWM")
    );
    drop((clusters, across));
    let mut times = Vec::new();
    for _ in 0..1_000 {
        let id = id_of(rng.below(reports));
        let t = Instant::now();
        let c = index.cluster_of(id, 20, |_| true);
        times.push(t.elapsed());
        assert!(c.is_some());
    }
    println!("cluster_of (1,000 random reports): {}", percentiles(times));

    let (mut times, mut hits) = (Vec::new(), 0usize);
    for (kind, value) in &samples {
        let t = Instant::now();
        let stats = index.indicator(*kind, value);
        times.push(t.elapsed());
        hits += stats.map_or(0, |s| s.reports);
    }
    println!(
        "indicator ({} values sampled from reports, mean {:.0} reports each): {}",
        samples.len(),
        hits as f64 / samples.len() as f64,
        percentiles(times)
    );
    let popular = value(POPULAR_BASE);
    let t = Instant::now();
    let stats = index.indicator(popular.0, &popular.1).unwrap();
    println!(
        "indicator of a common value ({} reports, common: {}): {:.0} µs",
        stats.reports,
        stats.common,
        t.elapsed().as_secs_f64() * 1e6
    );

    let mut times = Vec::new();
    for _ in 0..10_000 {
        let n = rng.below(reports);
        generator.report(&mut values);
        let t = Instant::now();
        upsert(&mut index, id_of(n), 0, &values);
        times.push(t.elapsed());
    }
    println!(
        "upsert replacing a report's indicators (10,000): {}",
        percentiles(times)
    );
    let mut times = Vec::new();
    for _ in 0..10_000 {
        let id = id_of(rng.below(reports));
        let t = Instant::now();
        index.remove(id);
        times.push(t.elapsed());
    }
    println!("remove (10,000 random, some twice): {}", percentiles(times));
    println!(
        "after: {} reports, {} occurrences, heap {:.0} MiB; RSS peak {:.0} MiB",
        index.len(),
        index.posting_count(),
        mib(index.heap_bytes()),
        status_mib("VmHWM")
    );
}
