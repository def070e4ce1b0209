#!/usr/bin/env bash
# get-deb.sh SUITE PACKAGE: fetch Debian SUITE's PACKAGE and every library it
# needs with `apt-get download`, unpack them with `dpkg -x` into a cache
# folder (nothing is installed), and print two lines: the unpacked root and
# its dynamic loader. Run a program from it with the suite's own libc:
#   "$LDSO" --library-path "$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu" "$ROOT/usr/bin/prog"
#
# apt runs with a private state and source list (only SUITE), so the host's
# apt configuration is neither needed nor changed.
# Cache: ${QUADLET_EDITORS_CACHE:-/var/cache/quadlet-ls-editors}/SUITE-PACKAGE.
# Used by editors/nvim/test/get-nvim.sh and editors/helix/test/run.sh.
set -euo pipefail

SUITE="${1:?usage: get-deb.sh SUITE PACKAGE}"
PKG="${2:?usage: get-deb.sh SUITE PACKAGE}"
CACHE="${QUADLET_EDITORS_CACHE:-/var/cache/quadlet-ls-editors}"
DEST="$CACHE/$SUITE-$PKG"
ROOT="$DEST/root"
say() { printf 'get-deb(%s %s): %s\n' "$SUITE" "$PKG" "$*" >&2; }

ldso() { ls "$ROOT"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$ROOT"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 2>/dev/null | head -n 1 || true; }

if [ -f "$DEST/.complete" ] && [ -n "$(ldso)" ]; then
  printf '%s\n%s\n' "$ROOT" "$(ldso)"
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

# the package and the closure of its Depends/Pre-Depends in SUITE
mapfile -t pkgs < <(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "$PKG" |
  grep -v '^ ' | grep -v '^<' | sort -u)
[ "${#pkgs[@]}" -gt 1 ] || { say "could not resolve $PKG's dependencies"; exit 1; }
say "downloading ${#pkgs[@]} packages"
(cd "$APTDIR/debs" && apt-get "${APT_OPTS[@]}" download -q "${pkgs[@]}" >&2)

rm -rf "$DEST/root.part"
mkdir -p "$DEST/root.part"
for deb in "$APTDIR"/debs/*.deb; do dpkg -x "$deb" "$DEST/root.part"; done
rm -rf "$ROOT"
mv "$DEST/root.part" "$ROOT"
rm -f "$APTDIR"/debs/*.deb
[ -n "$(ldso)" ] || { say "no ld-linux in the unpacked libc6"; exit 1; }
touch "$DEST/.complete"
printf '%s\n%s\n' "$ROOT" "$(ldso)"
