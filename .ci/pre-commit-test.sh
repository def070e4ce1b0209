#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with pre-commit itself (from PyPI, in a venv):
# `pre-commit try-repo` builds the hook from this checkout (language: rust,
# so `cargo install --path .`) and runs it in a scratch git repository on a
# good unit (must pass), bad units and drop-ins (must fail, naming the
# problem), and files the hook must leave alone.
# Usage: bash .ci/pre-commit-test.sh   (prints "pre-commit: N passed, N failed")
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

PRE_COMMIT_VERSION=4.7.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

venv=${PRE_COMMIT_VENV:-$work/venv}
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pre-commit==$PRE_COMMIT_VERSION"
fi
pc=$venv/bin/pre-commit
"$pc" --version

# pre-commit keeps its hook environments here; a fresh one, so the hook is
# really built from this checkout.
export PRE_COMMIT_HOME=$work/cache
# The hook's `cargo install` builds in release mode. The build is the
# same, only quicker (no LTO, light optimisation) and kept across runs.
export CARGO_TARGET_DIR=$repo/target/pre-commit
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

units=$work/units
mkdir -p "$units"
git -C "$units" init -q
cat >"$units/good.container" <<'UNIT'
[Container]
Image=docker.io/library/nginx:1.27
PublishPort=8080:80

[Install]
WantedBy=default.target
UNIT
cat >"$units/bad.container" <<'UNIT'
[Container]
Image=docker.io/library/nginx:1.27
Publishport=8080:80
UNIT
mkdir -p "$units/good.container.d" "$units/nginx/conf.d"
cat >"$units/good.container.d/10-bad.conf" <<'UNIT'
[Container]
Enviroment=A=1
UNIT
cat >"$units/nginx/conf.d/default.conf" <<'UNIT'
server { listen 80; }
UNIT
echo "# units" >"$units/README.md"
git -C "$units" add -A

pass=0
fail=0
# expect NAME STATUS(0|1) GREP -- pre-commit args...: runs the hook and
# checks its exit status and that its output holds GREP.
expect() {
  local name=$1 want=$2 grep=$3
  shift 4
  local out rc=0
  out=$(cd "$units" && "$pc" try-repo "$repo" quadlet-ls "$@" 2>&1) || rc=$?
  if [ "$want" = 0 ] && [ "$rc" = 0 ] && grep -qE -- "$grep" <<<"$out"; then
    pass=$((pass + 1)); echo "ok: $name"
  elif [ "$want" = 1 ] && [ "$rc" = 1 ] && grep -qE -- "$grep" <<<"$out"; then
    pass=$((pass + 1)); echo "ok: $name"
  else
    fail=$((fail + 1)); echo "FAILED: $name (exit $rc, wanted $want, output should match /$grep/)"
    sed 's/^/    /' <<<"$out"
  fi
}

expect "a good unit passes" 0 'quadlet-ls lint\.+Passed' -- --files good.container
expect "a bad unit fails" 1 'unknown-key.*Publishport' -- --files bad.container
expect "a bad drop-in fails" 1 'Enviroment' -- --files good.container.d/10-bad.conf
# nginx's conf.d and README.md are not Quadlet files: the hook must not be
# given them (lint would refuse them with exit 2).
expect "other files are left alone" 0 '(no files to check|Passed)' -- --files nginx/conf.d/default.conf README.md
rm "$units/bad.container" "$units/good.container.d/10-bad.conf"
git -C "$units" add -A
expect "--all-files on the good tree passes" 0 'Passed' -- --all-files

echo "pre-commit: $pass passed, $fail failed"
[ "$fail" = 0 ]
