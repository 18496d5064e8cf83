#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find:
#   1. Rust unit and integration tests, against SQLite and a throwaway PostgreSQL;
#   2. the release build (cargo-leptos: server + wasm through wasm-opt) and the bundle budget;
#   3. Playwright journeys in Debian's Chromium against the release server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

pgdir=$(mktemp -d /tmp/shop-pg.XXXXXX)
cleanup() { "$root/scripts/pg.sh" stop "$pgdir"; }
trap cleanup EXIT

step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

step "starting a throwaway PostgreSQL"
SHOP_TEST_POSTGRES_URL=$(scripts/pg.sh start "$pgdir")
export SHOP_TEST_POSTGRES_URL
echo "PostgreSQL at $SHOP_TEST_POSTGRES_URL"

step "Rust tests: app (unit + data layer on SQLite and PostgreSQL)"
cargo test -p app --features test-support

step "Rust tests: server (integration: the real binary on SQLite and PostgreSQL)"
cargo test -p server

step "Rust tests: the sandbox gateway"
cargo test -p sandbox

step "release build (the shop, its lazy-loaded wasm chunks, and the sandbox gateway)"
cargo leptos build --release --split --precompress
cargo build --release -p sandbox

step "bundle size"
scripts/bundle-size.sh

step "Playwright (Chromium, phone viewport, JavaScript on and off)"
cd end2end
npx playwright test
