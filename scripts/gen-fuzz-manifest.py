#!/usr/bin/env python3
"""Writes fuzz/Cargo.toml: one [[bin]] per file in fuzz/fuzz_targets, and a
path dependency on every crate a target names (`yata_foo::` → yata-foo).

Run it after adding a fuzz target; parallel branches then never conflict on
the manifest."""
import os, re

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz")
targets = sorted(f[:-3] for f in os.listdir(os.path.join(root, "fuzz_targets")) if f.endswith(".rs"))
crates = set()
for t in targets:
    src = open(os.path.join(root, "fuzz_targets", t + ".rs")).read()
    crates.update(m.replace("_", "-") for m in re.findall(r"\b(yata_[a-z_]+)::", src))
out = ["""[package]
name = "yata-fuzz"
version = "0.0.0"
publish = false
edition = "2024"

[package.metadata]
cargo-fuzz = true

[dependencies]
libfuzzer-sys = "0.4"
"""]
for c in sorted(crates):
    out.append(f'{c} = {{ path = "../crates/{c}" }}\n')
out.append("""
# The fuzz crate is its own workspace: it builds with nightly and sanitizers,
# which the main workspace must not need.
[workspace]
members = ["."]
""")
for t in targets:
    out.append(f"""
[[bin]]
name = "{t}"
path = "fuzz_targets/{t}.rs"
test = false
doc = false
bench = false
""")
open(os.path.join(root, "Cargo.toml"), "w").write("".join(out))
