#!/usr/bin/env bash
# Times `yata version cmp --batch` on 1,000,000 pairs of real version strings
# (PyPI: every version listed by the PyPA advisories; Debian: this machine's
# dpkg database; Maven/npm: the CycloneDX example SBOMs), to check the budget
# "1 M comparisons through --batch well under a second".
set -euo pipefail
cd "$(dirname "$0")/.."
data="${YATA_SHARED_DATA:-../shared/data}"
cargo build --release --quiet --bin yata
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$data" "$work" <<'PY'
import json, glob, os, random, re, sys
data, work = sys.argv[1], sys.argv[2]
random.seed(7)
corpora = {}
pypi = set()
for f in glob.glob(os.path.join(data, "osv/pypa/*/*.yaml")):
    inside = False
    for line in open(f, encoding="utf-8", errors="replace"):
        if line.startswith("  versions:"):
            inside = True
        elif inside and line.startswith("  - "):
            pypi.add(line[4:].strip().strip("'\""))
        else:
            inside = False
corpora["PyPI"] = sorted(pypi)
deb = set()
if os.path.exists("/var/lib/dpkg/status"):
    for line in open("/var/lib/dpkg/status", encoding="utf-8", errors="replace"):
        if line.startswith("Version: "):
            deb.add(line[9:].strip())
corpora["Debian"] = sorted(deb)
purls = {"maven": set(), "npm": set()}
for f in glob.glob(os.path.join(data, "cyclonedx/examples/**/*.json"), recursive=True):
    for m in re.finditer(r'"purl"\s*:\s*"pkg:(maven|npm)/[^"@]*@([^"?#]+)', open(f, errors="replace").read()):
        purls[m.group(1)].add(m.group(2))
corpora["Maven"] = sorted(purls["maven"])
corpora["npm"] = sorted(purls["npm"])
for eco, versions in corpora.items():
    if len(versions) < 2:
        continue
    with open(os.path.join(work, eco + ".txt"), "w") as out:
        for _ in range(1_000_000):
            out.write(random.choice(versions) + " " + random.choice(versions) + "\n")
    print(f"{eco}: {len(versions)} distinct real versions", file=sys.stderr)
PY
for f in "$work"/*.txt; do
    eco="$(basename "$f" .txt)"
    start=$(date +%s.%N)
    ./target/release/yata version cmp --ecosystem "$eco" --batch < "$f" > "$work/out"
    end=$(date +%s.%N)
    errors=$(grep -c '^error' "$work/out" || true)
    printf '%-8s 1,000,000 pairs in %.3f s (%s lines with errors)\n' "$eco" "$(echo "$end - $start" | bc)" "$errors"
done
