#!/usr/bin/env bash
# Headless end-to-end test of editors/nvim against the real server, in two
# Neovims unpacked from Debian packages (see get-nvim.sh):
#   - trixie's 0.10, where plugin/quadlet.lua starts the client (vim.lsp.start)
#   - sid's 0.11+, through vim.lsp.config/vim.lsp.enable and lsp/quadlet_ls.lua
#
#   editors/nvim/test/run.sh                 # builds the server with cargo
#   QUADLET_LS=/path/to/quadlet-ls editors/nvim/test/run.sh
#
# Ends with "nvim: N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
PLUGIN="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$PLUGIN/../.." && pwd)"
say() { printf '== nvim: %s\n' "$*" >&2; }

total_pass=0
total_fail=0

if [ -z "${QUADLET_LS:-}" ]; then
  say "cargo build"
  if ! (cd "$REPO" && cargo build --locked --bin quadlet-ls >&2); then
    echo "nvim: 0 passed, 1 failed"
    exit 1
  fi
  QUADLET_LS="${CARGO_TARGET_DIR:-$REPO/target}/debug/quadlet-ls"
fi
export QUADLET_LS

run_one() { # SUITE MODE VERSION-CHECK
  local suite=$1 mode=$2 want=$3 nvim work log rc line p f
  if ! nvim=$("$HERE/get-nvim.sh" "$suite"); then
    say "could not get $suite's neovim"
    total_fail=$((total_fail + 1))
    return
  fi
  if ! "$nvim" --headless --clean -c "lua if not ($want) then vim.cmd('cquit 1') end" -c 'qa!' 2>/dev/null; then
    say "$suite's nvim ($("$nvim" --version | head -n 1)) does not satisfy: $want"
    total_fail=$((total_fail + 1))
    return
  fi
  work=$(mktemp -d /tmp/quadlet-nvim-e2e.XXXXXX)
  mkdir -p "$work/project" "$work/xdg/config" "$work/xdg/data" "$work/xdg/state" "$work/xdg/cache"
  cp "$HERE"/fixture/* "$work/project/"
  say "$suite: $("$nvim" --version | head -n 1), mode $mode"
  log="$work/out.txt"
  set +e
  XDG_CONFIG_HOME="$work/xdg/config" XDG_DATA_HOME="$work/xdg/data" \
    XDG_STATE_HOME="$work/xdg/state" XDG_CACHE_HOME="$work/xdg/cache" \
    QUADLET_NVIM_PLUGIN="$PLUGIN" QUADLET_NVIM_MODE="$mode" QUADLET_PROJECT="$work/project" \
    timeout 180 "$nvim" --headless -i NONE -n -u "$HERE/init.lua" -c "luafile $HERE/e2e.lua" \
    >"$log" 2>"$work/err.txt" </dev/null
  rc=$?
  set -e
  cat "$log"
  if [ -s "$work/err.txt" ]; then
    say "$suite: Neovim's messages on stderr (the checks above decide pass or fail):"
    sed 's/^/    /' "$work/err.txt" >&2
    echo >&2 # the last message may lack a newline
  fi
  line=$(grep -E '^nvim .*: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then
    say "$suite: the test did not finish (exit $rc)"
    total_fail=$((total_fail + 1))
  else
    p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$line")
    f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$line")
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    if [ "$f" = 0 ] && [ "$rc" != 0 ]; then total_fail=$((total_fail + 1)); fi
  fi
  rm -rf "$work"
}

run_one trixie start "vim.fn.has('nvim-0.10') == 1 and vim.fn.has('nvim-0.11') == 0"
run_one sid enable "vim.fn.has('nvim-0.11') == 1 and vim.lsp.config ~= nil"

echo "nvim: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ] && [ "$total_pass" -gt 0 ]
