#!/usr/bin/env bash
# End-to-end test of editors/helix/languages.toml in a real Helix, driven
# under tmux: keys are sent with send-keys and the screen is read with
# capture-pane.
#
#   editors/helix/test/run.sh                 # builds the server with cargo
#   QUADLET_LS=/path/to/quadlet-ls editors/helix/test/run.sh
#
# Helix is Debian's `hx`: installed with apt where the host's suite has it,
# else unpacked from trixie with its own libc (../../test/get-deb.sh).
# Ends with "helix: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
SUITE=trixie
say() { printf '== helix: %s\n' "$*" >&2; }
pass=0
fail=0
fail_setup() { say "setup failed: $*"; echo "helix: 0 passed, 1 failed"; exit 1; }

if [ -z "${QUADLET_LS:-}" ]; then
  say "cargo build"
  (cd "$REPO" && cargo build --locked --bin quadlet-ls >&2) || fail_setup "cargo build"
  QUADLET_LS="${CARGO_TARGET_DIR:-$REPO/target}/debug/quadlet-ls"
fi
[ -x "$QUADLET_LS" ] || fail_setup "no server at $QUADLET_LS"

apt_has() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
need=()
installed tmux || need+=(tmux)
if ! installed hx && apt_has hx; then need+=(hx); fi
if [ "${#need[@]}" -gt 0 ]; then
  say "apt-get install ${need[*]}"
  apt-get update -qq >&2 || say "warning: apt-get update reported errors"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 ||
    fail_setup "apt-get install ${need[*]}"
fi

WORK="$(mktemp -d /tmp/quadlet-helix-e2e.XXXXXX)"
TMUX_CMD=(tmux -L "quadlet-helix-$$" -f /dev/null)
cleanup() {
  "${TMUX_CMD[@]}" kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/bin" "$WORK/config/helix" "$WORK/project"

# hx: the host's, or trixie's unpacked with its own loader
if installed hx; then
  HX=/usr/bin/hx
else
  { read -r ROOT; read -r LDSO; } < <("$HERE/../../test/get-deb.sh" "$SUITE" hx) || true
  [ -n "${LDSO:-}" ] || fail_setup "could not unpack $SUITE's hx"
  HX="$WORK/bin/hx"
  cat >"$HX" <<SH
#!/bin/sh
export HELIX_RUNTIME="\${HELIX_RUNTIME:-$ROOT/usr/lib/hx/runtime}"
exec '$LDSO' --library-path '$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu' '$ROOT/usr/lib/hx/hx' "\$@"
SH
  chmod +x "$HX"
fi
version=$("$HX" --version 2>/dev/null | head -n 1) || fail_setup "$HX does not start"
say "$version ($HX)"
# Globs on the whole path (24.03) and LSP completion, hover, code actions
# and diagnostics (all older) are what the test needs.
read -r major minor < <(sed -nE 's/^helix ([0-9]+)\.([0-9]+).*/\1 \2/p' <<<"$version")
[ -n "${major:-}" ] && { [ "$major" -gt 24 ] || { [ "$major" = 24 ] && [ "$minor" -ge 3 ]; }; } ||
  fail_setup "Helix 24.03 or newer needed, got: $version"

# The config under test, as a user would install it; the server on PATH.
cp "$REPO/editors/helix/languages.toml" "$WORK/config/helix/languages.toml"
ln -s "$QUADLET_LS" "$WORK/bin/quadlet-ls"
cp "$REPO/editors/nvim/test/fixture/web.container" "$WORK/project/web.container"
ENV=(env -u TMUX HOME="$WORK" XDG_CONFIG_HOME="$WORK/config" PATH="$WORK/bin:$PATH" TERM=xterm-256color)

check() { # NAME: runs check_NAME, counts it
  local name=$1
  if "check_$name"; then
    echo "ok: $name"
    pass=$((pass + 1))
  else
    echo "FAILED: $name"
    fail=$((fail + 1))
  fi
}

# --- hx --health quadlet
check_health() {
  local out
  out=$("${ENV[@]}" "$HX" --health quadlet 2>&1 | sed 's/\x1b\[[0-9;]*m//g') || true
  if grep -qE "✓ quadlet-ls: $WORK/bin/quadlet-ls\$" <<<"$out"; then return 0; fi
  sed 's/^/    /' <<<"$out" >&2
  return 1
}
check health

# --- the editor under tmux
screen() { "${TMUX_CMD[@]}" capture-pane -p -t quadlet; }
keys() { "${TMUX_CMD[@]}" send-keys -t quadlet "$@"; }
# wait_for SECONDS REGEX: until the screen matches
wait_for() {
  local until=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$until" ]; do
    if screen | grep -qE -- "$2"; then return 0; fi
    sleep 0.3
  done
  say "timed out waiting for /$2/; the screen:"
  screen | sed 's/^/    | /' >&2
  return 1
}
# wait_file SECONDS REGEX: until web.container on disk matches
wait_file() {
  local until=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$until" ]; do
    if grep -qE -- "$2" "$WORK/project/web.container"; then return 0; fi
    sleep 0.3
  done
  say "web.container does not match /$2/:"
  sed 's/^/    | /' "$WORK/project/web.container" >&2
  return 1
}

"${TMUX_CMD[@]}" new-session -d -s quadlet -x 140 -y 40 -c "$WORK/project" \
  "${ENV[@]}" "$HX" web.container || fail_setup "tmux new-session"

check_opens() { wait_for 20 'NOR +web\.container'; }
check opens

# the unknown key Environmen= on line 7: the gutter mark, then the message
# in the diagnostics picker
check_diagnostic() {
  wait_for 30 '●  +7  Environmen=' || return 1
  keys Space d
  wait_for 10 'ERROR +unknown-key +unknown key Environmen=' || return 1
  keys Escape
}
check diagnostic

# a new line in [Container]: type `Volu`, take the completion
check_completion() {
  keys 7 g g
  keys o
  keys -l Volu
  wait_for 15 'Volume +property' || return 1
  keys C-n
  wait_for 5 '^ *8  Volume=' || return 1
  keys Enter Escape
  keys -l ':w'
  keys Enter
  wait_file 10 '^Volume=$'
}
check completion

check_hover() {
  keys 5 g g
  keys Space k
  wait_for 15 'Image the container runs' || return 1
  keys Escape
}
check hover

# the quick fix of the diagnostic: Environmen= becomes Environment=
check_quick_fix() {
  keys 7 g g
  keys Space a
  wait_for 15 'Change to Environment=' || return 1
  keys Enter
  wait_for 5 '^ *7  Environment=' || return 1
  keys -l ':w'
  keys Enter
  wait_file 10 '^Environment=GREETING=hello$'
}
check quick_fix

keys -l ':q!'
keys Enter

echo "helix: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
