#!/usr/bin/env bash
# Build the dashboard (release) and run it with the reference server on
# http://127.0.0.1:8080, data in ./data (SQLite). Ctrl-C stops it; data stays.
# Extra arguments go to the server, e.g. --public-url https://qufabric.example.com
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
"$ROOT/scripts/build.sh"
step "Building the reference server"
cargo build -p qufabric-server
step "Starting QuFabric on http://127.0.0.1:8080"
exec "$CARGO_TARGET_DIR/debug/qufabric-server" --listen 127.0.0.1:8080 --data-dir "$ROOT/data" --dist "$ROOT/dist" "$@"
