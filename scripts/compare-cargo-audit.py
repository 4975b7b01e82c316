#!/usr/bin/env python3
"""Side by side with `cargo audit` (not in CI; install it with
`cargo install cargo-audit --locked`): both tools read the same RustSec
advisory-db and the same Cargo.lock files; the sets of (advisory, crate,
version) they report must be equal, vulnerabilities and informational
warnings alike. Prints differences and wall times. `--no-yanked`: checking
for yanked crates needs the crates.io index, which yata does not consult.

    scripts/compare-cargo-audit.py ../shared/data/rustsec/advisory-db LOCK...

YATA names the binary to measure (target/release/yata by default).
"""
import json, os, resource, subprocess, sys, time

RUNS = 5  # wall and CPU times are the best of RUNS runs (shared machines are noisy)


def timed(cmd):
    """Runs cmd RUNS times; returns (stdout of the last run, best wall s, best CPU s)."""
    best_wall = best_cpu = float("inf")
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        # Bytes, not text: decoding megabytes of JSON output is the
        # harness's work, not the tool's (a 2.7 MB work list: ~7 ms).
        out = subprocess.run(cmd, capture_output=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return out, best_wall, best_cpu

YATA = os.environ.get("YATA", "target/release/yata")
db, locks = sys.argv[1], sys.argv[2:]

def audit(lock):
    out, t, c = timed(["cargo", "audit", "--db", db, "--no-fetch", "--stale", "--no-yanked", "--file", lock, "--json"])
    d = json.loads(out.stdout)
    vulns = {(v["advisory"]["id"], v["package"]["name"], v["package"]["version"]) for v in d["vulnerabilities"]["list"]}
    warns = {(v["advisory"]["id"], v["package"]["name"], v["package"]["version"])
             for k, l in d["warnings"].items() if k != "yanked" for v in l if v.get("advisory")}
    return vulns, warns, (t, c)

def yata(lock, feeds):
    out, t, c = timed([YATA, "scan", lock, "--feeds", feeds, "--format", "json", "--show-informational"])
    if out.returncode != 0:
        raise SystemExit(f"yata failed on {lock}: {out.stderr.decode(errors='replace')}")
    d = json.loads(out.stdout)
    vulns, warns = set(), set()
    for f in d["findings"]:
        for e in f["evidence"]:
            if e["source"] not in ("rustsec", "osv") or not e["advisory"].startswith("RUSTSEC-"):
                continue
            key = (e["advisory"], f["package"]["name"], f["package"]["version"])
            (warns if e.get("informational") else vulns).add(key)
    return vulns, warns, (t, c)

snap = "/tmp/yata-compare-rustsec.snap"
subprocess.run([YATA, "feed", "import", db, "--out", snap], check=True, capture_output=True)
totals = {k: [0.0, 0.0] for k in ("audit", "raw", "snap")}
same = 0
for lock in locks:
    av, aw, ta = audit(lock)
    yv, yw, tr = yata(lock, db)
    sv, sw, ts = yata(lock, snap)
    for k, v in (("audit", ta), ("raw", tr), ("snap", ts)):
        totals[k][0] += v[0]; totals[k][1] += v[1]
    if (av, aw) == (yv, yw) == (sv, sw):
        same += 1
    else:
        print(f"DIFF {lock}: only audit {sorted((av|aw)-(yv|yw))} only yata {sorted((yv|yw)-(av|aw))}")
    print(f"{lock}: {len(av)} vulnerabilities, {len(aw)} warnings; wall/CPU s: cargo audit {ta[0]:.3f}/{ta[1]:.3f}, "
          f"yata raw {tr[0]:.3f}/{tr[1]:.3f}, yata snapshot {ts[0]:.3f}/{ts[1]:.3f}")
a, r, n = totals["audit"], totals["raw"], totals["snap"]
print(f"{same}/{len(locks)} lockfiles identical (best of {RUNS} runs each)")
print(f"wall: cargo audit {a[0]:.2f} s, yata from raw {r[0]:.2f} s ({a[0]/r[0]:.1f}x), from snapshot {n[0]:.2f} s ({a[0]/n[0]:.1f}x)")
print(f"CPU:  cargo audit {a[1]:.2f} s, yata from raw {r[1]:.2f} s ({a[1]/r[1]:.1f}x), from snapshot {n[1]:.2f} s ({a[1]/n[1]:.1f}x)")

# cargo audit reads one lockfile per run; `yata scan` takes many. For
# reference (not the per-lockfile ratio above): all of them in one run.
for label, feeds in (("raw", db), ("snapshot", snap)):
    out, t, c = timed([YATA, "scan", *locks, "--feeds", feeds, "--format", "json", "--show-informational"])
    if out.returncode != 0:
        raise SystemExit(f"yata failed on all lockfiles at once: {out.stderr.decode(errors='replace')}")
    print(f"all {len(locks)} lockfiles in one yata run from {label}: {t:.3f} s wall ({a[0]/t:.0f}x cargo audit's runs)")
