#!/usr/bin/env python3
"""Writes a Cargo.lock holding, for every RustSec advisory of a crates.io
crate, a version just below its highest `patched` lower bound (usually
affected): the side-by-side test of `yata scan` against `cargo audit`.

    scripts/gen-vulnerable-lock.py ../shared/data/rustsec/advisory-db > /tmp/vuln/Cargo.lock
"""
import os, re, sys, tomllib

def below(v):
    m = re.match(r"(\d+)\.(\d+)\.(\d+)$", v)
    if not m:
        return None
    a, b, c = map(int, m.groups())
    if c > 0:
        return f"{a}.{b}.{c-1}"
    if b > 0:
        return f"{a}.{b-1}.99"
    if a > 0:
        return f"{a-1}.99.99"
    return None

root = sys.argv[1]
picked = set()
for dirpath, _, files in sorted(os.walk(os.path.join(root, "crates"))):
    for f in sorted(files):
        if not f.endswith(".md"):
            continue
        text = open(os.path.join(dirpath, f)).read()
        m = re.search(r"```toml\n(.*?)\n```", text, re.S)
        if not m:
            continue
        doc = tomllib.loads(m.group(1))
        if doc["advisory"].get("withdrawn"):
            continue
        bounds = [p[3:].strip() for p in doc.get("versions", {}).get("patched", []) if p.startswith(">=")]
        bounds = [b for b in bounds if re.match(r"\d+\.\d+\.\d+$", b)]
        if not bounds:
            continue
        top = max(bounds, key=lambda v: tuple(map(int, v.split("."))))
        v = below(top)
        if v:
            picked.add((doc["advisory"]["package"], v))

print("version = 3\n")
print('[[package]]\nname = "vulnerable-demo"\nversion = "0.1.0"\n')
for name, v in sorted(picked):
    print(f'[[package]]\nname = "{name}"\nversion = "{v}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{"0"*64}"\n')
