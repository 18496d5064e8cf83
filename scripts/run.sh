#!/usr/bin/env bash
# `make run`: the sandbox gateway on http://127.0.0.1:3100 and the shop on
# http://127.0.0.1:3000, wired together with the committed sandbox keys. Open the shop in a
# browser: it sends you through the sandbox's WeChat authorisation into the payment
# container, where you can check out and pay in the sandbox's pay sheet.
# `PAYMENT_PROVIDER=useepay make run` sells through the sandbox's UseePay instead.
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
if [ "${PAYMENT_PROVIDER:-wisecashier}" = useepay ]; then
  # UseePay (seed 002): the merchant's own official account signs buyers in (the sandbox
  # plays WeChat's OAuth), pages stay on the shop's origin, and, since an ordinary browser has
  # no WeixinJSBridge, every page loads the sandbox's stand-in (development only).
  export SHOP_OAUTH=official_account
  export WECHAT_APPID="${WECHAT_APPID:-wx_sandbox_appid}"
  export WECHAT_APPSECRET="${WECHAT_APPSECRET:-sandbox-official-account-secret}"
  export SHOP_DEV_WECHAT_BRIDGE_URL="${SHOP_DEV_WECHAT_BRIDGE_URL:-http://127.0.0.1:3100/useepay/bridge.js}"
  cat <<'MSG'

  Shop:    http://127.0.0.1:3000          (UseePay; sign-in through the sandbox's WeChat OAuth)
  Sandbox: http://127.0.0.1:3100/useepay  (UseePay's gateway, pay sheet, signed notifications)

MSG
else
  cat <<'MSG'

  Shop:    http://127.0.0.1:3000   (sends you to the sandbox's WeChat authorisation)
  Sandbox: http://127.0.0.1:3100   (payment container, pay sheet, signed notifications)

  For UseePay instead: PAYMENT_PROVIDER=useepay make run

MSG
fi
cargo leptos watch --split
