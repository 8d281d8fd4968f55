#!/usr/bin/env bash
# The benchmark: figures, not a test (separate from scripts/test.sh, nothing fails on a
# number). Builds the release bundles and prints their gzip -9 sizes per file and in total,
# then, against the reference server seeded with 1,000 and 10,000 providers or groups, in
# headless Chromium (e2e/bench.mjs): rendering the providers list and typing in the
# allow-groups picker as ratios to the same markup built with direct DOM calls (the
# floor), the growth from 1,000 to 10,000, requests per page load and their waves, a
# signed-in reload to content, the elements in the example host (back to their tab against
# the host's own tab, a new page's first mount), and the login page cold (bytes downloaded, time to its
# buttons on loopback and over an emulated 10 Mbit/s link). BENCH_RUNS sets the runs
# per figure (default 7; medians).
# Installs what is missing first (scripts/setup.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"

"$ROOT/scripts/build.sh"
"$ROOT/scripts/embed.sh"
step "Download sizes (gzip -9)"
"$ROOT/scripts/size.sh" || true

step "Rendering, typing, requests and reload (headless Chromium)"
# The server as people run it (a debug build answers several times slower, which the
# request and first-mount figures would measure instead of the dashboard).
cargo build -p qufabric-server --release
(cd "$ROOT/e2e" && QUFABRIC_SERVER_BIN="${QUFABRIC_SERVER_BIN:-$CARGO_TARGET_DIR/release/qufabric-server}" node bench.mjs)
