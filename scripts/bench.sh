#!/usr/bin/env bash
# `make bench`: the shop's speed as its users feel it, every figure against its target, in
# one run on this machine. Not part of `make test` (timings are noisy); exits 1 when a
# figure misses its target.
#
# The baseline is nginx (Debian's package, its own config in a temporary directory)
# serving the shop's own home-page HTML as a static file. GET figures come from wrk
# (`-t2 -c50 -d${BENCH_SECS}s`); the flows (50 buyers checking out at once against the
# sandbox, a burst of signed notifications) from the workspace's driver
# (sandbox/src/bin/bench.rs); the phone figures from Chromium with the network and CPU
# throttled (end2end/bench/phone.mjs); the bundle from scripts/bundle-size.sh.
#
# Then what the figures depend on: the number of products, SQLite or PostgreSQL, one or two
# app servers on one PostgreSQL.
#
#   BENCH_SECS=10 (each wrk run)   BENCH_PRODUCTS=1000 (the large catalog)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
secs=${BENCH_SECS:-10}
many=${BENCH_PRODUCTS:-1000}

# ---- tools (idempotent) ----------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v brotli >/dev/null || missing+=(brotli)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x target/release/server ] && [ -x target/release/sandbox ] && [ -x target/release/bench ] \
  || { echo "bench: no release build (run make release)" >&2; exit 1; }

work=$(mktemp -d /tmp/shop-bench.XXXXXX)
# PostgreSQL runs as its own user (scripts/pg.sh), inside this directory.
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -d "$work/pg" ] && scripts/pg.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
wait_for() {
  for _ in $(seq 1 150); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "bench: $1 did not come up" >&2; exit 1
}

secret=bench-container-secret-0123456789
sandbox_port=$(free_port 3600)
shop_port=$(free_port 3610)
SANDBOX_LISTEN_ADDR=127.0.0.1:$sandbox_port RUST_LOG=error \
  SANDBOX_MERCHANT_PAGE="http://127.0.0.1:$shop_port/wc/$secret/" target/release/sandbox >"$work/sandbox.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$sandbox_port/healthz"

# start_shop PORT DATABASE_URL: the release server with production-like settings (demo
# catalog, warn-level logs); echoes its base URL.
start_shop() {
  local port=$1 db=$2
  DATABASE_URL=$db SHOP_LISTEN_ADDR=127.0.0.1:$port SHOP_PUBLIC_URL=http://127.0.0.1:$port \
    GATEWAY_BASE_URL=http://127.0.0.1:$sandbox_port GATEWAY_CONTAINER_SECRET=$secret \
    LEPTOS_SITE_ROOT=target/site SHOP_DATA_DIR="$work/data-$port" SHOP_SEED_DEMO=true \
    RUST_LOG=warn target/release/server >"$work/shop-$port.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
}

# sql DATABASE_URL STATEMENTS: the bench's own changes behind the shop's back (stock for the
# flows, the large catalog).
sql() {
  case "$1" in
    sqlite:*) python3 - "$1" "$2" <<'PY'
import sqlite3, sys
path = sys.argv[1].split("://", 1)[1].split("?", 1)[0]
con = sqlite3.connect(path, timeout=30)
con.executescript(sys.argv[2])
con.commit()
PY
    ;;
    *) psql -q "$1" -c "$2" >/dev/null ;;
  esac
}
plenty_of_stock="UPDATE product_variants SET stock = 1000000; UPDATE products SET stock = 1000000;"
# Copies of the demo products (each with its one variant, without pictures) up to $many
# products.
large_catalog() {
  local n=$((many / 12))
  local copy="INSERT INTO products (category_id, title, subtitle, description, price_minor, max_price_minor, currency, stock, on_sale, sort_order, created_at, updated_at)
    SELECT category_id, title || ' #' || g.n, subtitle, description, price_minor, max_price_minor, currency, stock, on_sale, sort_order + 1, created_at, updated_at
    FROM products p, (SELECT value AS n FROM generate_series(1, $n) AS value) g WHERE p.id <= 12;"
  case "$1" in
    sqlite:*) copy=${copy//"generate_series(1, $n) AS value"/"(WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < $n) SELECT value FROM s)"} ;;
  esac
  sql "$1" "$copy
    INSERT INTO product_variants (product_id, price_minor, stock, created_at, updated_at)
      SELECT id, price_minor, stock, created_at, updated_at FROM products
      WHERE id NOT IN (SELECT product_id FROM product_variants);"
}

# wrk_run NAME URL [HEADER...]: requests/s and p99 (ms) into $results.
results="$work/results"
: >"$results"
wrk_run() {
  local name=$1 url=$2; shift 2
  local args=()
  for h in "$@"; do args+=(-H "$h"); done
  local out
  out=$(wrk -t2 -c50 -d"${secs}s" --latency "${args[@]}" "$url")
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.1f", v}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [ -z "$non2xx" ] || { echo "bench: $name answered $non2xx non-2xx responses" >&2; echo "$out" >&2; exit 1; }
  echo "$name $rps $p99" >>"$results"
}
get() { awk -v n="$1" '$1 == n {print $'"${2:-2}"'}' "$results"; }

# A buyer's session cookie (arriving through the payment container) and a product page.
buyer_cookie() {
  local base=$1 jar="$work/jar-$RANDOM"
  curl -fsS -c "$jar" -o /dev/null "$base/wc/$secret/?openid=oBenchReader$RANDOM$RANDOM"
  awk '{sub(/^#HttpOnly_/, "")} !/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar"
}

# ---- the main table: SQLite, demo catalog ------------------------------------------------
base=http://127.0.0.1:$shop_port
db="sqlite://$work/shop.db?mode=rwc"
start_shop "$shop_port" "$db"
sql "$db" "$plenty_of_stock"
cookie=$(buyer_cookie "$base")
product=$(curl -fsS -H "Cookie: $cookie" "$base/" | grep -o 'href="/product/[0-9]*"' | head -1 | grep -o '[0-9]*' || true)
[ -n "$product" ] || { echo "bench: no product on the home page" >&2; exit 1; }
css=$(awk '$1 == "css:" {print "shop." $2 ".css"}' target/release/hash.txt 2>/dev/null || true)
[ -n "$css" ] || css=shop.css

# nginx: the shop's home page, as this buyer gets it, as a static file.
mkdir -p "$work/www" "$work/nginx"
curl -fsS -H "Cookie: $cookie" "$base/" >"$work/www/index.html"
nginx_port=$(free_port 3620)
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location / { default_type text/html; }
  }
}
CONF
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work/nginx" -g 'daemon on;'
wait_for "http://127.0.0.1:$nginx_port/index.html"

echo "bench: wrk -t2 -c50 -d${secs}s on $(nproc) cores; SQLite, demo catalog" >&2
wrk_run nginx "http://127.0.0.1:$nginx_port/index.html"
wrk_run healthz "$base/healthz"
wrk_run home "$base/" "Cookie: $cookie"
wrk_run product "$base/product/$product" "Cookie: $cookie"
wrk_run asset "$base/pkg/$css" "Accept-Encoding: br"
target/release/bench --shop "$base" --gateway "http://127.0.0.1:$sandbox_port" --secret "$secret" \
  --buyers 50 --notifications 400 --run S >"$work/flows"
cat "$work/flows" >>"$results"
# The first visit's figure is the heaviest page a visit can land on (a shared product link;
# the home page loads no script at all).
(scripts/bundle-size.sh || true) | awk '
  /first visit, home/ {print "bundle_home", $6}
  /first visit,/ {if (max == "" || $6 > max) max = $6}
  END {if (max != "") print "bundle_first", max}' >>"$results"
node end2end/bench/phone.mjs "$base" "$secret" "$product" >>"$results"

# ---- what it depends on ---------------------------------------------------------------------
large_catalog "$db"
wrk_run home_large "$base/" "Cookie: $cookie"
wrk_run product_large "$base/product/$product" "Cookie: $cookie"

pg=$(scripts/pg.sh start "$work/pg" | tail -1)
pg_port=$(free_port 3630)
start_shop "$pg_port" "$pg"
sql "$pg" "$plenty_of_stock"
pg_base=http://127.0.0.1:$pg_port
pg_cookie=$(buyer_cookie "$pg_base")
wrk_run pg_home "$pg_base/" "Cookie: $pg_cookie"
wrk_run pg_product "$pg_base/product/$product" "Cookie: $pg_cookie"
target/release/bench --shop "$pg_base" --gateway "http://127.0.0.1:$sandbox_port" --secret "$secret" \
  --buyers 50 --notifications 400 --run P | sed 's/^/pg_/' >>"$results"
# Two app servers on the same PostgreSQL, the load split between them.
pg2_port=$(free_port 3640)
start_shop "$pg2_port" "$pg"
pg2_cookie=$(buyer_cookie "http://127.0.0.1:$pg2_port")
wrk -t1 -c25 -d"${secs}s" -H "Cookie: $pg_cookie" "$pg_base/" >"$work/wrk-a" &
first=$!
wrk -t1 -c25 -d"${secs}s" -H "Cookie: $pg2_cookie" "http://127.0.0.1:$pg2_port/" >"$work/wrk-b"
wait "$first"
two=$(cat "$work/wrk-a" "$work/wrk-b" | awk '/Requests\/sec/ {s += $2} END {printf "%d", s}')
echo "pg2_home $two" >>"$results"

# ---- report -----------------------------------------------------------------------------------
nginx_rps=$(get nginx)
missed=0
row() { # what, now, target, ok(1/0)
  printf '| %-62s | %-34s | %-22s | %s |\n' "$1" "$2" "$3" "$([ "$4" = 1 ] && echo ok || echo MISSED)"
  [ "$4" = 1 ] || missed=1
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 >= b + 0)}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 <= b + 0 && a != "")}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f%%", 100 * a / b}'; }
ok() { if "$@"; then echo 1; else echo 0; fi; }

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); wrk -t2 -c50 -d${secs}s"
echo
printf '| %-62s | %-34s | %-22s | %s |\n' what now target ""
printf '|%s|%s|%s|----|\n' "$(printf -- '-%.0s' {1..64})" "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..24})"
printf '| %-62s | %-34s | %-22s |    |\n' "nginx, static home-page HTML" "$nginx_rps req/s, p99 $(get nginx 3) ms" "baseline"
printf '| %-62s | %-34s | %-22s |    |\n' "shop /healthz" "$(get healthz) req/s, p99 $(get healthz 3) ms" "-"
row "shop home page (SSR)" "$(get home) req/s, p99 $(get home 3) ms ($(pct "$(get home)" "$nginx_rps"))" ">= 10000, p99 <= 10 ms" \
  "$(ok eval 'ge "$(get home)" 10000 && le "$(get home 3)" 10')"
row "shop product page (SSR)" "$(get product) req/s, p99 $(get product 3) ms" ">= 10000, p99 <= 10 ms" \
  "$(ok eval 'ge "$(get product)" 10000 && le "$(get product 3)" 10')"
row "shop static asset (/pkg/$css, br)" "$(get asset) req/s, p99 $(get asset 3) ms" ">= 30000 req/s" \
  "$(ok ge "$(get asset)" 30000)"
row "checkout, 50 buyers at once, sandbox on loopback" "p50 $(get checkout_p50_ms) ms, p99 $(get checkout_p99_ms) ms" "p99 <= 50 ms" \
  "$(ok le "$(get checkout_p99_ms)" 50)"
row "notifications settled" "$(get notifications_per_s)/s" ">= 2000/s" "$(ok ge "$(get notifications_per_s)" 2000)"
row "first-visit JS+WASM, brotli (product page; home page)" \
  "$(awk -v b="$(get bundle_first)" -v h="$(get bundle_home)" 'BEGIN {printf "%d KB; %d KB", (b + 1023) / 1024, (h + 1023) / 1024}')" "<= 90 KB" \
  "$(ok le "$(get bundle_first)" $((90 * 1024)))"
row "phone: LCP of home" "$(awk -v v="$(get phone_home_lcp_ms)" 'BEGIN {printf "%.2f s", v / 1000}')" "<= 0.8 s" \
  "$(ok le "$(get phone_home_lcp_ms)" 800)"
row "phone: product page to add-to-cart ready" "$(awk -v v="$(get phone_product_ready_ms)" 'BEGIN {printf "%.2f s", v / 1000}')" "<= 1.2 s" \
  "$(ok le "$(get phone_product_ready_ms)" 1200)"
echo
echo "What it depends on (home page req/s, p99; checkout p99; notifications/s):"
echo "- SQLite, 12 products:          home $(get home) req/s (p99 $(get home 3) ms), product $(get product) req/s"
echo "- SQLite, $((12 + many / 12 * 12)) products:        home $(get home_large) req/s (p99 $(get home_large 3) ms), product $(get product_large) req/s"
echo "- PostgreSQL, one app server:   home $(get pg_home) req/s (p99 $(get pg_home 3) ms), product $(get pg_product) req/s; checkout p99 $(get pg_checkout_p99_ms) ms; notifications $(get pg_notifications_per_s)/s"
echo "- PostgreSQL, two app servers:  home $(get pg2_home) req/s in all (wrk -c25 on each)"
echo "  (the PostgreSQL is scripts/pg.sh's: on loopback, fsync off; the sandbox, the load generator and the shop share the $(nproc) cores)"
exit "$missed"
