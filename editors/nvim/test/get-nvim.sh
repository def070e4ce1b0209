#!/usr/bin/env bash
# get-nvim.sh SUITE: unpack Debian SUITE's (trixie, sid) neovim with every
# library it needs (../../test/get-deb.sh, nothing installed) and print the
# path of a launcher that runs that nvim through the suite's own dynamic
# loader and libraries, so the system libc is not touched.
set -euo pipefail

SUITE="${1:?usage: get-nvim.sh trixie|sid}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${QUADLET_EDITORS_CACHE:-/var/cache/quadlet-ls-editors}"
LAUNCHER="$CACHE/$SUITE-neovim/nvim"
say() { printf 'get-nvim(%s): %s\n' "$SUITE" "$*" >&2; }

if [ -x "$LAUNCHER" ] && "$LAUNCHER" --headless --clean +q >/dev/null 2>&1; then
  printf '%s\n' "$LAUNCHER"
  exit 0
fi

{ read -r ROOT; read -r LDSO; } < <("$HERE/../../test/get-deb.sh" "$SUITE" neovim)
[ -n "${LDSO:-}" ] || { say "could not unpack neovim"; exit 1; }
NVIM_BIN="$ROOT/usr/bin/nvim"
[ -x "$NVIM_BIN" ] || NVIM_BIN=$(ls "$ROOT"/usr/lib/neovim/bin/nvim 2>/dev/null | head -n 1 || true)
[ -x "$NVIM_BIN" ] || { say "no nvim binary in the unpacked neovim"; exit 1; }
cat >"$LAUNCHER" <<SH
#!/bin/sh
# Runs Debian $SUITE's nvim with $SUITE's own loader and libraries.
ROOT='$ROOT'
export VIMRUNTIME="\${VIMRUNTIME:-\$ROOT/usr/share/nvim/runtime}"
export LUA_CPATH="\$ROOT/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;;"
export LUA_PATH="\$ROOT/usr/share/lua/5.1/?.lua;\$ROOT/usr/share/lua/5.1/?/init.lua;;"
exec '$LDSO' --library-path "\$ROOT/usr/lib/x86_64-linux-gnu:\$ROOT/lib/x86_64-linux-gnu:\$ROOT/usr/lib/x86_64-linux-gnu/lua/5.1" '$NVIM_BIN' "\$@"
SH
chmod +x "$LAUNCHER"
"$LAUNCHER" --headless --clean +q >&2 || { say "the unpacked nvim does not start"; exit 1; }
say "$("$LAUNCHER" --version | head -n 1)"
printf '%s\n' "$LAUNCHER"
