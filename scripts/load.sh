#!/usr/bin/env bash
# Load figures for the reference server: builds the server and the load driver in release
# mode, starts the server on a fresh database and prints requests/s, p50/p99 latency and
# errors for the management API and the token endpoint, alone and during a flood of bad
# logins. Exits 1 if the API's p50 during the flood exceeds max(5 x alone, alone + 5 ms).
# Options go to the driver: --clients N (8), --seconds S (10), --flood F (32).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
step "building the server and the load driver (release)"
cargo build --release -p qufabric-server -p qufabric-load
step "load figures"
"$CARGO_TARGET_DIR/release/qufabric-load" --server "$CARGO_TARGET_DIR/release/qufabric-server" "$@"
