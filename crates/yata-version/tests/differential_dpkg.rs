//! Our Debian order against the real `dpkg --compare-versions`.
//!
//! Versions come from this machine's `/var/lib/dpkg/status`, the shared
//! conformance file, and deterministic mutations of both (`~`, `+`, epochs,
//! revisions, letters, changed digits, and some invalid characters). Every
//! version must be accepted by both or rejected by both, and every pair that
//! both accept must compare the same: the versions sorted by our order are
//! checked pairwise with dpkg (neighbours are the closest calls), plus random
//! pairs.
//!
//! dpkg "rejects" a version when it exits with an error (status 2) or warns that
//! the syntax is bad; see `yata_version::scheme::debian` for the two documented
//! differences (surrounding whitespace, signed epochs), which are counted
//! separately.
//!
//! Without `dpkg` the test is skipped with a message, except in CI, where it
//! fails.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::process::Command;

use yata_version::scheme::debian::DebianVersion;

fn dpkg_available() -> bool {
    Command::new("dpkg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What `dpkg --compare-versions a OP b` says: `Some(true|false)`, or `None`
/// when dpkg rejects one of them (error, or a warning about bad syntax).
fn dpkg(a: &str, op: &str, b: &str) -> Option<bool> {
    let out = Command::new("dpkg")
        .args(["--compare-versions", a, op, b])
        .output()
        .expect("run dpkg");
    let warned = !out.stderr.is_empty();
    match out.status.code() {
        Some(0) if !warned => Some(true),
        Some(1) if !warned => Some(false),
        _ => None,
    }
}

/// How dpkg takes one version on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accepts,
    /// It compares, but warns that the syntax is bad.
    Warns,
    /// It exits with an error.
    Errors,
}

fn dpkg_verdict(v: &str) -> Verdict {
    let out = Command::new("dpkg")
        .args(["--compare-versions", v, "eq", v])
        .output()
        .expect("run dpkg");
    match (out.status.code(), out.stderr.is_empty()) {
        (Some(0), true) => Verdict::Accepts,
        (Some(0 | 1), false) => Verdict::Warns,
        _ => Verdict::Errors,
    }
}

fn dpkg_cmp(a: &str, b: &str) -> Ordering {
    let fail = || panic!("dpkg rejected {a:?} or {b:?} although it accepted both alone");
    if dpkg(a, "lt", b).unwrap_or_else(fail) {
        Ordering::Less
    } else if dpkg(a, "gt", b).unwrap_or_else(fail) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// The deliberate differences from dpkg documented in the `debian` module:
/// dpkg trims surrounding whitespace and reads a signed epoch with `strtol`.
fn documented_difference(v: &str) -> bool {
    let signed_epoch = v.split_once(':').is_some_and(|(epoch, _)| {
        epoch.len() > 1
            && (epoch.starts_with('+') || epoch.starts_with('-'))
            && epoch[1..].bytes().all(|b| b.is_ascii_digit())
    });
    v.trim() != v || signed_epoch
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One random edit of `v`.
fn mutate(v: &str, rng: &mut Rng) -> String {
    let mut s = v.to_owned();
    let at = {
        let positions: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
        positions[rng.below(positions.len())]
    };
    match rng.below(12) {
        0 => s.insert_str(at, rng.pick(&["~", "~rc1", "~~", "~beta2", "~dfsg"])),
        1 => s.insert_str(at, rng.pick(&["+", "+dfsg", "+b1", "+deb12u1", "+really"])),
        2 => s = format!("{}:{s}", rng.below(3)),
        3 => s.push_str(rng.pick(&["-1", "-0", "-2ubuntu1", "-1~bpo12+1", "-1+deb12u2", "-a"])),
        4 => s.insert(
            at,
            rng.pick(&["a", "z", "A", "b"])
                .chars()
                .next()
                .unwrap_or('a'),
        ),
        5 | 6 => {
            let digits: Vec<usize> = s
                .bytes()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if let Some(&i) = digits.get(rng.below(digits.len().max(1))) {
                let d = char::from(b'0' + rng.below(10) as u8);
                s.replace_range(i..=i, d.encode_utf8(&mut [0; 1]));
            }
        }
        7 => s.insert_str(at, rng.pick(&["0", "00", "9", "10", "."])),
        8 => s.insert(
            at,
            rng.pick(&["_", "@", "/", ":", "-", " ", "é"])
                .chars()
                .next()
                .unwrap_or('_'),
        ),
        9 => s = format!("{}{s}", rng.pick(&["a", ":", "-", "+1:", "1:a", "x:"])),
        10 => s.push_str(rng.pick(&["-", ":", "~", ".", "-1:2", "-1_2"])),
        _ => s = format!("{s}.{}", rng.below(100)),
    }
    s
}

fn collect_versions() -> Vec<String> {
    let mut seeds = BTreeSet::new();
    if let Ok(status) = std::fs::read_to_string("/var/lib/dpkg/status") {
        for line in status.lines() {
            if let Some(v) = line.strip_prefix("Version: ") {
                seeds.insert(v.trim().to_owned());
            }
        }
    }
    if let Some(path) = yata_testdata::path("versions/debian-versions.txt") {
        let text = std::fs::read_to_string(path).expect("read debian-versions.txt");
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            for (i, word) in line.split_whitespace().enumerate() {
                if i != 1 {
                    seeds.insert(word.to_owned());
                }
            }
        }
    }
    let seeds: Vec<String> = seeds.into_iter().collect();
    let mut rng = Rng(0x5eed_d9b6_0000_0001);
    let mut all: BTreeSet<String> = seeds.iter().cloned().collect();
    for _ in 0..900 {
        let base = &seeds[rng.below(seeds.len())];
        let mut v = mutate(base, &mut rng);
        if rng.below(3) == 0 {
            v = mutate(&v, &mut rng);
        }
        all.insert(v);
    }
    all.into_iter().collect()
}

/// Runs `f` over `items` on two threads (the machine has two cores).
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mid = items.len() / 2;
    let (left, right) = items.split_at(mid);
    std::thread::scope(|s| {
        let handle = s.spawn(|| right.iter().map(&f).collect::<Vec<_>>());
        let mut out: Vec<R> = left.iter().map(&f).collect();
        out.extend(handle.join().expect("worker thread"));
        out
    })
}

#[test]
fn agrees_with_dpkg() {
    if !dpkg_available() {
        assert!(
            !yata_testdata::in_ci(),
            "dpkg is not installed; CI must run the dpkg differential test"
        );
        eprintln!("skipping: dpkg is not installed");
        return;
    }

    let versions = collect_versions();
    let verdicts = par_map(&versions, |v| dpkg_verdict(v));
    let count = |x: Verdict| verdicts.iter().filter(|&&v| v == x).count();
    let (warned, errored) = (count(Verdict::Warns), count(Verdict::Errors));

    let mut mismatches = Vec::new();
    let (mut both_accept, mut both_reject, mut documented) = (0, 0, 0);
    let mut valid: Vec<(DebianVersion, &str)> = Vec::new();
    for (v, &verdict) in versions.iter().zip(&verdicts) {
        let theirs = verdict == Verdict::Accepts;
        let ours = v.parse::<DebianVersion>();
        match (ours, theirs) {
            (Ok(parsed), true) => {
                both_accept += 1;
                valid.push((parsed, v));
            }
            (Err(_), false) => both_reject += 1,
            (Err(_), true) if documented_difference(v) => documented += 1,
            (Ok(_), false) => mismatches.push(format!("{v:?}: we accept, dpkg rejects")),
            (Err(e), true) => mismatches.push(format!("{v:?}: dpkg accepts, we reject: {e}")),
        }
    }

    // Neighbours in our order, then random pairs.
    valid.sort_by(|a, b| a.0.cmp(&b.0));
    let mut pairs: Vec<(usize, usize)> = (1..valid.len()).map(|i| (i - 1, i)).collect();
    let mut rng = Rng(0xd1ff_0000_0000_0002);
    for _ in 0..1000 {
        pairs.push((rng.below(valid.len()), rng.below(valid.len())));
    }
    let theirs = par_map(&pairs, |&(i, j)| dpkg_cmp(valid[i].1, valid[j].1));
    for (&(i, j), their) in pairs.iter().zip(theirs) {
        let ours = valid[i].0.cmp(&valid[j].0);
        if ours != their {
            mismatches.push(format!(
                "{:?} vs {:?}: we say {ours:?}, dpkg says {their:?}",
                valid[i].1, valid[j].1
            ));
        }
    }

    eprintln!(
        "dpkg differential: {} versions ({both_accept} accepted by both, {both_reject} rejected by both \
         (dpkg: {errored} errors, {warned} warnings), \
         {documented} documented differences), {} pairs compared, {} mismatches",
        versions.len(),
        pairs.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "disagreements with dpkg:\n{}",
        mismatches.join("\n")
    );
}
