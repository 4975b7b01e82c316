#!/bin/sh
# Peak RSS of parsing a synthetic N-component CycloneDX JSON BOM (default
# 100000) with the library alone (system allocator, release build).
set -eu
n=${1:-100000}
file=${TMPDIR:-/tmp}/yata-cyclonedx-$n.json
cargo build --release -q -p yata-inventory --example cyclonedx_memory
bin=target/release/examples/cyclonedx_memory
"$bin" generate "$n" "$file"
echo "$file: $(wc -c <"$file") bytes"
/usr/bin/time -v "$bin" parse "$file" 2>&1 | grep -E 'components/s|Maximum resident|Elapsed'
