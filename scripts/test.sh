#!/usr/bin/env bash
# Runs the whole YATA-Shield test suite on a fresh machine: installs and starts
# what the tests need (Python `packaging`, `rpm`, a throwaway PostgreSQL),
# then runs every test of the workspace, then the web UI's end-to-end tests
# in Chromium (scripts/e2e.sh; screenshots in target/e2e/).
#
# Tests that need the shared real-world data (../shared/data, or
# $YATA_SHARED_DATA) or an external reference implementation skip with a
# message on a developer's machine without them, and fail when CI is set.
set -euo pipefail
cd "$(dirname "$0")/.."

# The store tests need PostgreSQL: unless YATA_TEST_PG_URL names a server,
# the whole run goes under a throwaway cluster that scripts/pg-test.sh
# starts (and installs, as root, when the server binaries are missing) and
# removes afterwards.
if [[ -z "${YATA_TEST_PG_URL:-}" ]]; then
    exec ./scripts/pg-test.sh ./scripts/test.sh "$@"
fi

data="${YATA_SHARED_DATA:-../shared/data}"
if [[ ! -f "$data/README.md" ]]; then
    if [[ -n "${CI:-}" && "${CI}" != "false" ]]; then
        echo "error: shared test data not found at $data (set YATA_SHARED_DATA)" >&2
        exit 1
    fi
    echo "warning: shared test data not found at $data; tests that need it will skip" >&2
fi

# The RPM differential test compares against rpm's own rpmvercmp (dpkg, for
# the Debian one, is on every Debian machine).
if ! command -v rpm >/dev/null; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get install -y -qq rpm >/dev/null || { apt-get update -qq && apt-get install -y -qq rpm >/dev/null; }
    else
        sudo apt-get install -y -qq rpm >/dev/null
    fi
fi

# The PyPI differential test compares against Python's `packaging`.
if ! python3 -c 'import packaging.version' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check packaging
fi

cargo test --workspace --locked "$@"

# The web UI in a real browser (installs Chromium and the npm package when
# missing; fails under CI without them or the shared data).
./scripts/e2e.sh
