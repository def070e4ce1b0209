#!/usr/bin/env bash
# get-nvim.sh SUITE: fetch Debian SUITE's (trixie, sid) neovim and every library
# it needs with `apt-get download`, unpack them with `dpkg -x` into a cache
# folder, and print the path of a launcher that runs that nvim through the
# suite's own dynamic loader and libraries, so the system libc is not touched.
#
# apt runs with a private state and source list (only SUITE), so the host's
# apt configuration is neither needed nor changed; nothing is installed.
# Cache: ${QUADLET_EDITORS_CACHE:-/var/cache/quadlet-ls-editors}/nvim-SUITE.
set -euo pipefail

SUITE="${1:?usage: get-nvim.sh trixie|sid}"
CACHE="${QUADLET_EDITORS_CACHE:-/var/cache/quadlet-ls-editors}"
DEST="$CACHE/nvim-$SUITE"
LAUNCHER="$DEST/nvim"
say() { printf 'get-nvim(%s): %s\n' "$SUITE" "$*" >&2; }

if [ -x "$LAUNCHER" ] && "$LAUNCHER" --headless --clean +q >/dev/null 2>&1; then
  printf '%s\n' "$LAUNCHER"
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg >/dev/null || { say "needs apt-get and dpkg"; exit 1; }
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || { say "$KEYRING is missing (package debian-archive-keyring)"; exit 1; }
# the Debian mirror the host's apt already uses
MIRROR=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}';
            grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'; } |
          grep -v -e security -e '^$' | grep -i debian | head -n 1 || true)
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

APTDIR="$DEST/apt"
mkdir -p "$APTDIR"/{etc/sources.list.d,etc/preferences.d,etc/apt.conf.d,state/lists/partial,cache/archives/partial,debs}
: >"$APTDIR/state/status"
cat >"$APTDIR/etc/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $MIRROR
Suites: $SUITE
Components: main
Signed-By: $KEYRING
SRC
APT_OPTS=(
  -o "Dir::Etc::sourcelist=/dev/null"
  -o "Dir::Etc::sourceparts=$APTDIR/etc/sources.list.d"
  -o "Dir::Etc::preferences=/dev/null"
  -o "Dir::Etc::preferencesparts=$APTDIR/etc/preferences.d"
  -o "Dir::State=$APTDIR/state"
  -o "Dir::State::status=$APTDIR/state/status"
  -o "Dir::Cache=$APTDIR/cache"
  -o "APT::Architecture=amd64"
  -o "APT::Architectures=amd64"
  -o "APT::Sandbox::User=root"
)
say "apt-get update (private lists, $SUITE only)"
apt-get "${APT_OPTS[@]}" update -qq >&2

# neovim and the closure of its Depends/Pre-Depends in SUITE
mapfile -t pkgs < <(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances neovim |
  grep -v '^ ' | grep -v '^<' | sort -u)
[ "${#pkgs[@]}" -gt 1 ] || { say "could not resolve neovim's dependencies"; exit 1; }
say "downloading ${#pkgs[@]} packages"
(cd "$APTDIR/debs" && apt-get "${APT_OPTS[@]}" download -q "${pkgs[@]}" >&2)

rm -rf "$DEST/root.part"
mkdir -p "$DEST/root.part"
for deb in "$APTDIR"/debs/*.deb; do dpkg -x "$deb" "$DEST/root.part"; done
rm -rf "$DEST/root"
mv "$DEST/root.part" "$DEST/root"
rm -f "$APTDIR"/debs/*.deb

ROOT="$DEST/root"
LDSO=$(ls "$ROOT"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$ROOT"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 2>/dev/null | head -n 1 || true)
[ -n "$LDSO" ] || { say "no ld-linux in the unpacked libc6"; exit 1; }
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
