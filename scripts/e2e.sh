#!/usr/bin/env bash
# The web UI's end-to-end tests in a real browser: Debian's Chromium driven
# by playwright-core (npm; it never downloads a browser), against
# `yata serve --demo` on a fresh SQLite file and a free local port.
# Installs Chromium (as root, or with sudo) and the npm package when
# missing. Screenshots, the server's output and log go to target/e2e/.
# Called by scripts/test.sh.
#
# Needs the shared data (../shared/data, or $YATA_SHARED_DATA) for its
# SBOM. Without it, or without a Chromium it can install, it fails when CI
# is set and skips with a warning otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
in_ci() { [[ -n "${CI:-}" && "${CI}" != "false" ]]; }
unavailable() {
    if in_ci; then
        echo "error: e2e: $1" >&2
        exit 1
    fi
    echo "warning: e2e: $1; the browser tests are skipped" >&2
    exit 0
}
as_root() {
    if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo -n "$@"; fi
}
apt_install() {
    as_root apt-get install -y -qq "$@" >/dev/null ||
        { as_root apt-get update -qq && as_root apt-get install -y -qq "$@" >/dev/null; }
}

data="${YATA_SHARED_DATA:-../shared/data}"
[[ -f "$data/README.md" ]] || unavailable "shared test data not found at $data (set YATA_SHARED_DATA)"
YATA_SHARED_DATA="$(cd "$data" && pwd)"
export YATA_SHARED_DATA

if [[ ! -x /usr/bin/chromium ]]; then
    apt_install chromium || unavailable "Debian's chromium is not installed and could not be"
fi
# Japanese glyphs for readable screenshots (the tests do not depend on them).
if ! dpkg -s fonts-ipafont-gothic >/dev/null 2>&1; then
    apt_install fonts-ipafont-gothic || echo "warning: e2e: no Japanese font; screenshots show boxes" >&2
fi
if ! command -v npm >/dev/null; then
    apt_install nodejs npm || unavailable "node and npm are not installed and could not be"
fi
(cd e2e && npm ci --no-audit --no-fund --silent)

cargo build --locked --bin yata --bin yata-platform
bin="${CARGO_TARGET_DIR:-target}/debug/yata"
out="$PWD/target/e2e"
rm -rf "$out" && mkdir -p "$out"
work="$(mktemp -d)"
server=""
cleanup() {
    if [[ -n "$server" ]]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" serve --demo --db "$work/demo.db" --bind "127.0.0.1:$port" \
    >"$out/server.out" 2>"$out/server.log" &
server=$!

# Ready when /readyz answers (the demo is generated before the server
# listens); give up after two minutes or when the server stops.
ready=""
for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
        ready=yes
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        break
    fi
    sleep 0.5
done
if [[ -z "$ready" ]]; then
    echo "error: yata serve --demo did not become ready on port $port; its output and log:" >&2
    cat "$out/server.out" "$out/server.log" >&2
    exit 1
fi

password="$(sed -n 's/^password of every demo user: \([a-z0-9-]\{19\}\)$/\1/p' "$out/server.out")"
if [[ -z "$password" ]]; then
    echo "error: the demo printed no password; its output:" >&2
    cat "$out/server.out" >&2
    exit 1
fi
export YATA_E2E_URL="http://127.0.0.1:$port"
export YATA_E2E_PASSWORD="$password"
export YATA_E2E_SCREENSHOTS="$out"
echo "e2e: yata serve --demo ready on $YATA_E2E_URL ($((SECONDS - started)) s after the start, build included)"
tests_started=$SECONDS
status=0
(cd e2e && npm test) || status=$?
echo "e2e: browser tests took $((SECONDS - tests_started)) s ($((SECONDS - started)) s in all); screenshots in target/e2e/"
exit "$status"
