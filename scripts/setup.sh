#!/usr/bin/env bash
# Install every prerequisite that is missing, and nothing that is already there at the
# right version: the wasm target, Trunk, wasm-bindgen-cli, Chromium and chromedriver,
# and the npm packages (binaryen's wasm-opt, playwright-core, oidc-provider, axe-core,
# typescript and React's types for checking the elements' declarations; Next.js, React,
# Tailwind and next-themes for the Next.js host).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  step "Installing Trunk $TRUNK_VERSION (once per machine, several minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# Without --locked: with it a locked dependency is missing from the registry.
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once per machine)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! cargo mutants --version 2>/dev/null | grep -q "$CARGO_MUTANTS_VERSION"; then
  step "Installing cargo-mutants $CARGO_MUTANTS_VERSION (once per machine, a few minutes)"
  cargo install cargo-mutants --version "$CARGO_MUTANTS_VERSION" --locked
fi

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
  step "Installing Chromium and chromedriver from Debian"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium chromium-driver
fi

# e2e/ (the test driver, the stand-in providers, tsc) and examples/next-host/ (the
# Next.js host the e2e tests build and drive), each from its lockfile.
for project in e2e examples/next-host; do
  if [ ! -f "$ROOT/$project/node_modules/.setup-stamp" ] || [ "$ROOT/$project/package-lock.json" -nt "$ROOT/$project/node_modules/.setup-stamp" ]; then
    step "Installing npm packages in $project/"
    (cd "$ROOT/$project" && npm ci --no-audit --no-fund)
    touch "$ROOT/$project/node_modules/.setup-stamp"
  fi
done
