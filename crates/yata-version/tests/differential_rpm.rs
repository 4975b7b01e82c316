//! Our RPM order against the real rpm library: `rpm.vercmp` (EVR-aware since
//! rpm 4.16), called from rpm's embedded Lua in one `rpm --eval` process for all
//! pairs.
//!
//! Versions come from the shared conformance file, realistic generated EVRs
//! (dist tags, `~` pre-releases, `^` snapshots, epochs) and deterministic
//! mutations of both. Both sides must accept and reject the same strings (rpm
//! rejects only the empty string; strings with control characters, which we
//! also reject, cannot be passed through the line-based pair file and are not
//! generated), and compare every pair the same.
//!
//! Without `rpm` (Debian package `rpm`) the test is skipped with a message,
//! except in CI, where it fails.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::process::Command;

use yata_version::scheme::rpm::RpmVersion;

fn rpm_available() -> bool {
    Command::new("rpm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Reads `pairs` (one `a\tb` a line) and writes `-1`, `0`, `1` or `err` a line.
const SCRIPT: &str = r#"
local input, output = ...
local out = assert(io.open(output, "w"))
for line in io.lines(input) do
  local a, b = line:match("^(.-)\t(.*)$")
  local ok, r = pcall(rpm.vercmp, a, b)
  out:write(ok and tostring(r) or "err", "\n")
end
out:close()
"#;

/// `rpm.vercmp` on every pair; `None` where rpm rejects one of the two.
fn rpm_vercmp(pairs: &[(String, String)]) -> Vec<Option<Ordering>> {
    let dir = std::env::temp_dir().join(format!("yata-rpm-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let (script, input, output) = (
        dir.join("vercmp.lua"),
        dir.join("pairs"),
        dir.join("results"),
    );
    let mut text = String::new();
    for (a, b) in pairs {
        writeln!(text, "{a}\t{b}").expect("write to string");
    }
    std::fs::write(&input, text).expect("write pairs");
    std::fs::write(&script, SCRIPT).expect("write script");
    let lua = format!(
        "%{{lua: assert(loadfile('{}'))('{}', '{}')}}",
        script.display(),
        input.display(),
        output.display()
    );
    let out = Command::new("rpm")
        .args(["--eval", &lua])
        .output()
        .expect("run rpm");
    assert!(
        out.status.success(),
        "rpm --eval failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = std::fs::read_to_string(&output).expect("read results");
    std::fs::remove_dir_all(&dir).ok();
    let results: Vec<Option<Ordering>> = results
        .lines()
        .map(|r| match r {
            "-1" => Some(Ordering::Less),
            "0" => Some(Ordering::Equal),
            "1" => Some(Ordering::Greater),
            _ => None,
        })
        .collect();
    assert_eq!(results.len(), pairs.len(), "rpm answered every pair");
    results
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

fn generated(rng: &mut Rng) -> String {
    let mut v = String::new();
    if rng.below(4) == 0 {
        write!(v, "{}:", rng.below(3)).ok();
    }
    write!(v, "{}", rng.below(12)).ok();
    for _ in 0..rng.below(4) {
        let sep = rng.pick(&[".", ".", ".", "_", "+", "~", "^"]);
        let seg = rng.pick(&[
            "0",
            "1",
            "2",
            "10",
            "01",
            "rc1",
            "git20240101",
            "a",
            "beta",
            "p1",
        ]);
        v.push_str(sep);
        v.push_str(seg);
    }
    if rng.below(3) != 0 {
        let release = rng.pick(&[
            "1",
            "2",
            "1.el9",
            "1.el9_3",
            "3.fc40",
            "0.1.rc1",
            "1.module+el9.4.0+123+abc",
            "",
        ]);
        write!(v, "-{release}").ok();
    }
    v
}

fn mutate(v: &str, rng: &mut Rng) -> String {
    let mut s = v.to_owned();
    let positions: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
    let at = positions[rng.below(positions.len())];
    let insert = rng.pick(&[
        "~", "^", "-", ":", ".", "_", "a", "Z", "0", "9", "99", "α", "1:", "%", " ",
    ]);
    s.insert_str(at, insert);
    s
}

#[test]
fn agrees_with_rpm() {
    if !rpm_available() {
        assert!(
            !yata_testdata::in_ci(),
            "rpm is not installed (Debian package `rpm`); CI must run the rpm differential test"
        );
        eprintln!("skipping: rpm is not installed (Debian package `rpm`)");
        return;
    }

    let mut rng = Rng(0x0072_706d_0000_0003);
    let mut versions = BTreeSet::new();
    if let Some(path) = yata_testdata::path("versions/redhat-versions.txt") {
        let text = std::fs::read_to_string(path).expect("read redhat-versions.txt");
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            for (i, word) in line.split_whitespace().enumerate() {
                if i != 1 {
                    versions.insert(word.to_owned());
                }
            }
        }
    }
    for _ in 0..600 {
        versions.insert(generated(&mut rng));
    }
    let seeds: Vec<String> = versions.iter().cloned().collect();
    for _ in 0..600 {
        let base = &seeds[rng.below(seeds.len())];
        versions.insert(mutate(base, &mut rng));
    }
    versions.insert(String::new());
    let versions: Vec<String> = versions.into_iter().collect();

    // Each version against itself tells whether rpm accepts it.
    let selves: Vec<(String, String)> = versions.iter().map(|v| (v.clone(), v.clone())).collect();
    let accepted = rpm_vercmp(&selves);

    let mut mismatches = Vec::new();
    let (mut both_accept, mut both_reject) = (0, 0);
    let mut valid: Vec<(RpmVersion, &str)> = Vec::new();
    for (v, theirs) in versions.iter().zip(&accepted) {
        match (v.parse::<RpmVersion>(), theirs) {
            (Ok(parsed), Some(_)) => {
                both_accept += 1;
                valid.push((parsed, v));
            }
            (Err(_), None) => both_reject += 1,
            (Ok(_), None) => mismatches.push(format!("{v:?}: we accept, rpm rejects")),
            (Err(e), Some(_)) => mismatches.push(format!("{v:?}: rpm accepts, we reject: {e}")),
        }
    }

    valid.sort_by(|a, b| a.0.cmp(&b.0));
    let mut pairs: Vec<(usize, usize)> = (1..valid.len()).map(|i| (i - 1, i)).collect();
    for _ in 0..20_000 {
        pairs.push((rng.below(valid.len()), rng.below(valid.len())));
    }
    let strings: Vec<(String, String)> = pairs
        .iter()
        .map(|&(i, j)| (valid[i].1.to_owned(), valid[j].1.to_owned()))
        .collect();
    let theirs = rpm_vercmp(&strings);
    for (&(i, j), their) in pairs.iter().zip(theirs) {
        let ours = valid[i].0.cmp(&valid[j].0);
        if Some(ours) != their {
            mismatches.push(format!(
                "{:?} vs {:?}: we say {ours:?}, rpm says {their:?}",
                valid[i].1, valid[j].1
            ));
        }
    }

    eprintln!(
        "rpm differential: {} versions ({both_accept} accepted by both, {both_reject} rejected by both), \
         {} pairs compared, {} mismatches",
        versions.len(),
        pairs.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "disagreements with rpm:\n{}",
        mismatches.join("\n")
    );
}
