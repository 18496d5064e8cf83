#!/usr/bin/env bash
# Reports what the browser downloads (release JS + WASM), raw, gzip and brotli, per page, and
# fails when a page a first visit lands on (the home page, a category, a shared product link)
# exceeds the budget: WeChat buyers are on mobile networks.
#
# Pages without islands (the home page, categories, search, the order list) load no script
# and no wasm at all (`app::page::has_islands`; an integration test checks their HTML). The
# entry (shop.js, shop.wasm, the wasm-split loader) serves every page with islands: it holds
# the product page's add-to-cart form; a page adds the lazy chunks of the islands it contains
# (from `__wasm_split_manifest.json`). The cart and order pages are reached after browsing,
# with the entry already cached: their totals are reported, and their lazy chunks are what
# they add.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/target/site/pkg"
budget_kb=${BUNDLE_BUDGET_KB:-150}
# Names are content-hashed (shop.<hash>.wasm); a build without hashes has shop.wasm.
one() { (cd "$pkg" && ls $1 2>/dev/null | grep -v '\.\(br\|gz\)$' | head -1) || true; }
wasm=$(one 'shop*.wasm')
[ -n "$wasm" ] || { echo "bundle-size: no release build in $pkg (run make release)" >&2; exit 1; }

size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
br() { brotli -q 11 -c "$1" | wc -c | tr -d ' '; }

printf '%-58s %8s %8s %8s\n' file raw gzip brotli
entry_br=0
for f in "$wasm" "$(one 'shop*.js')" "$(one '__wasm_split*.js')" "$(one 'shop*.css')"; do
  [ -n "$f" ] && [ -f "$pkg/$f" ] || continue
  printf '%-58s %8s %8s %8s\n' "$f" "$(size "$pkg/$f")" "$(gz "$pkg/$f")" "$(br "$pkg/$f")"
  case "$f" in *.wasm|*.js) entry_br=$((entry_br + $(br "$pkg/$f"))) ;; esac
done
for f in $(cd "$pkg" && ls chunk_*.wasm split_*.wasm 2>/dev/null | grep -v '\.\(br\|gz\)$'); do
  printf '%-58s %8s %8s %8s\n' "$f" "$(size "$pkg/$f")" "$(gz "$pkg/$f")" "$(br "$pkg/$f")"
done

# page:gated:lazy islands on it (snake_case island names; "-" for a page without islands).
pages=(
  "home:yes:-"
  "product:yes:"
  "cart:no:cart_editor checkout_button"
  "order:no:order_pay_panel"
)
manifest="$pkg/$(one '__wasm_split_manifest*.json')"
chunks_for() {
  [ -f "$manifest" ] || return 0
  node -e '
    const m = require(process.argv[1]);
    const want = process.argv.slice(2);
    const files = new Set();
    for (const [key, deps] of Object.entries(m))
      if (want.some((w) => key.startsWith(w + "_loader_"))) deps.forEach((d) => files.add(d + ".wasm"));
    console.log([...files].join(" "));
  ' "$manifest" "$@"
}

echo
over=0
for entry in "${pages[@]}"; do
  page=${entry%%:*}
  rest=${entry#*:}
  gated=${rest%%:*}
  islands=${rest#*:}
  total=$entry_br
  if [ "$islands" = - ]; then
    total=0
  else
    # shellcheck disable=SC2086
    for chunk in $(chunks_for $islands); do
      total=$((total + $(br "$pkg/$chunk")))
    done
  fi
  kb=$(( (total + 1023) / 1024 ))
  if [ "$gated" = yes ]; then
    printf 'first visit, %-8s page: JS+WASM %7s bytes brotli (%3s KB; budget %s KB)\n' "$page" "$total" "$kb" "$budget_kb"
    [ "$total" -le $((budget_kb * 1024)) ] || over=1
  else
    printf '%-8s page, cold cache:    JS+WASM %7s bytes brotli (%3s KB; lazy chunks +%s KB)\n' \
      "$page" "$total" "$kb" $(( (total - entry_br + 1023) / 1024 ))
  fi
done
if [ "$over" -ne 0 ]; then
  echo "bundle-size: over budget" >&2
  exit 1
fi
