#!/usr/bin/env bash
# Reports what a first visit downloads (the release JS + WASM + CSS), raw, gzip and brotli,
# and fails when the JS + WASM exceed the budget: WeChat buyers are on mobile networks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/target/site/pkg"
budget_kb=${BUNDLE_BUDGET_KB:-150}
[ -f "$pkg/shop.wasm" ] || { echo "bundle-size: no release build in $pkg (run make release)" >&2; exit 1; }

size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
br() { brotli -q 11 -c "$1" | wc -c | tr -d ' '; }

printf '%-16s %10s %10s %10s\n' file raw gzip brotli
total_br=0
for f in shop.wasm shop.js shop.css; do
  [ -f "$pkg/$f" ] || continue
  printf '%-16s %10s %10s %10s\n' "$f" "$(size "$pkg/$f")" "$(gz "$pkg/$f")" "$(br "$pkg/$f")"
  case "$f" in *.wasm|*.js) total_br=$((total_br + $(br "$pkg/$f"))) ;; esac
done
kb=$(( (total_br + 1023) / 1024 ))
echo "first-visit JS+WASM, brotli: ${total_br} bytes (${kb} KB; budget ${budget_kb} KB)"
if [ "$total_br" -gt $((budget_kb * 1024)) ]; then
  echo "bundle-size: over budget" >&2
  exit 1
fi
