#!/usr/bin/env bash
# The web UI's end-to-end tests in a real browser: Debian's Chromium driven
# by playwright-core (npm; it never downloads a browser), against
# `yata serve --demo` on a fresh SQLite file and a free local port.
# Installs Chromium (as root) and the npm package when missing. Screenshots
# go to target/e2e/. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get install -y -qq chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
    else
        sudo apt-get install -y -qq chromium >/dev/null
    fi
fi
(cd e2e && npm ci --no-audit --no-fund --silent)

cargo build --locked --bin yata
work="$(mktemp -d)"
out="target/e2e"
rm -rf "$out" && mkdir -p "$out"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
target/debug/yata serve --demo --db "$work/demo.db" --bind "127.0.0.1:$port" \
    >"$out/server.out" 2>"$out/server.log" &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "error: yata serve --demo stopped; its log:" >&2
        cat "$out/server.log" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null

password="$(sed -n 's/^password of every demo user: //p' "$out/server.out")"
if [[ -z "$password" ]]; then
    echo "error: the demo printed no password; its output:" >&2
    cat "$out/server.out" >&2
    exit 1
fi
export YATA_E2E_URL="http://127.0.0.1:$port"
export YATA_E2E_PASSWORD="$password"
export YATA_E2E_SCREENSHOTS="$PWD/$out"
export YATA_SHARED_DATA="${YATA_SHARED_DATA:-$PWD/../shared/data}"
(cd e2e && npm test)
