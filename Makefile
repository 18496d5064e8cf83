# The two commands a new user needs: `make run` and `make test`. Both install what is
# missing first (scripts/setup.sh is idempotent: seconds on a warm machine).
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# Panic locations in the shipped wasm name crate sources; drop the build machine's registry
# path from them (shorter, and no home directory in the bundle).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS := --remap-path-prefix=$(or $(CARGO_HOME),$(HOME)/.cargo)/registry/src/=/

.PHONY: run test setup release lint lint-setup fmt bundle-size serve bench

## Start the shop on http://127.0.0.1:3000 with SQLite and the demo catalog, and the
## sandbox gateway on http://127.0.0.1:3100 (payment container, pay sheet, notifications).
run:
	scripts/setup.sh --no-test
	scripts/run.sh

## Every test: unit, integration (SQLite and a throwaway PostgreSQL), release build,
## bundle budget and Playwright in Chromium.
test:
	scripts/setup.sh
	scripts/test.sh

setup:
	scripts/setup.sh

## Release build of the server and the wasm bundle (target/release/server, target/site).
release:
	scripts/setup.sh --no-test
	cargo leptos build --release --split --precompress
	cargo build --release -p sandbox

## Lint needs only the Rust side of the setup (wasm target for the frontend check).
lint-setup:
	scripts/setup.sh --no-test

lint:
	cargo fmt --all -- --check
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p sandbox --all-targets -- -D warnings
	cargo clippy -p app --features test-support --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

bundle-size:
	scripts/bundle-size.sh

## The release build with production settings (SHOP_ENV_FILE, default .env.production), in
## the foreground, as deploy/shop.service runs it.
serve: release
	scripts/serve.sh

## Speed against its targets: wrk against the shop and an nginx baseline, the checkout and
## notification flows, the bundle, a throttled phone; then SQLite/PostgreSQL, 1 or 2 app
## servers, a large catalog. Exits 1 when a figure misses its target. Not part of `make test`.
bench: release
	scripts/bench.sh
