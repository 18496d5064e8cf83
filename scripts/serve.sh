#!/usr/bin/env bash
# `make serve`: the release build with production settings, as deploy/shop.service runs it,
# in the foreground (Ctrl-C or SIGTERM stops it gracefully). The settings come from
# SHOP_ENV_FILE (default .env.production; start from .env.example): SHOP_ENV=production,
# an https SHOP_PUBLIC_URL, SHOP_SESSION_SECRET, the gateway's keys, DATABASE_URL… The
# server refuses to start, naming the setting, when one is missing or unsafe.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
env_file=${SHOP_ENV_FILE:-.env.production}
if [ ! -f "$env_file" ]; then
  echo "serve: $env_file not found. Copy .env.example to $env_file and fill in the production settings" >&2
  echo "       (or point SHOP_ENV_FILE at your settings file)." >&2
  exit 2
fi
[ -x target/release/server ] && [ -f target/release/hash.txt ] \
  || { echo "serve: no release build (run make release)" >&2; exit 1; }
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
export SHOP_ENV=production
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-$root/target/site}
exec target/release/server
