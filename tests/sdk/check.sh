#!/usr/bin/env bash
# The demo against the official OpenAI and Anthropic Python SDKs, Python's grpcio
# (the gRPC service) and schemathesis (see check.py). Needs python3 (3.9+) with
# venv, and network access to PyPI the first time. The virtualenv lives outside
# the repository: $SDK_VENV, by default ${XDG_CACHE_HOME:-$HOME/.cache}/dos-errors-sdk-venv.
#
#   bash tests/sdk/check.sh            # everything (about 2 minutes)
#   bash tests/sdk/check.sh --quick    # no retry timings, fewer schemathesis cases
#   bash tests/sdk/check.sh --install  # only create the virtualenv and install the clients
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${SDK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/dos-errors-sdk-venv}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
if [ "${1:-}" = "--install" ]; then
    exit 0
fi

cd "$root"
cargo build --quiet -p dos-errors-tests --example server
target="$(cargo metadata --format-version 1 --no-deps | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
exec "$venv/bin/python" "$here/check.py" "$target/debug/examples/server" "$@"
