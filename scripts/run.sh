#!/usr/bin/env bash
# `make run`: the sandbox gateway on http://127.0.0.1:3100 and the shop on
# http://127.0.0.1:3000, wired together with the committed sandbox keys. Open the shop in a
# browser: it sends you through the sandbox's WeChat authorisation into the payment
# container, where you can check out and pay in the sandbox's pay sheet.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

cargo build -p sandbox
# The page URL registered with the sandbox, secret path included, as a merchant registers it
# with Wisecashier (the shop's development-only GATEWAY_CONTAINER_SECRET).
SANDBOX_MERCHANT_PAGE="${SANDBOX_MERCHANT_PAGE:-http://127.0.0.1:3000/wc/sandbox-container-development-only/}" target/debug/sandbox &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT INT TERM
cat <<'MSG'

  Shop:    http://127.0.0.1:3000   (sends you to the sandbox's WeChat authorisation)
  Sandbox: http://127.0.0.1:3100   (payment container, pay sheet, signed notifications)

MSG
cargo leptos watch --split
