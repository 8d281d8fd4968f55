#!/usr/bin/env bash
# The benchmark: figures, not a test (separate from scripts/test.sh, nothing fails on a
# number). Builds the release bundles and prints their gzip -9 sizes per file and in total,
# then, against the reference server seeded with 1,000 and 10,000 providers or groups, in
# headless Chromium (e2e/bench.mjs): rendering the providers list and typing in the
# allow-groups picker as ratios to the same markup built with direct DOM calls (the
# floor), the growth from 1,000 to 10,000, requests per page load and their waves, and a
# signed-in reload to content, and the login page cold (bytes downloaded, time to its
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
cargo build -p qufabric-server
(cd "$ROOT/e2e" && node bench.mjs)
