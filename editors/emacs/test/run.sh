#!/usr/bin/env bash
# End-to-end test of editors/emacs/quadlet-ls.el in a real Emacs with eglot,
# in batch mode (e2e.el): the file patterns against a real auto-mode-alist,
# the connection, the diagnostics of a broken unit, completion and hover.
#
#   editors/emacs/test/run.sh                 # builds the server with cargo
#   QUADLET_LS=/path/to/quadlet-ls editors/emacs/test/run.sh
#
# Emacs is Debian's emacs-nox, installed with apt; where it is older than 29
# (no built-in eglot, as in bookworm) Debian's elpa-eglot comes with it.
# Ends with "emacs: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
say() { printf '== emacs: %s\n' "$*" >&2; }
fail_setup() { say "setup failed: $*"; echo "emacs: 0 passed, 1 failed"; exit 1; }

if [ -z "${QUADLET_LS:-}" ]; then
  say "cargo build"
  (cd "$REPO" && cargo build --locked --bin quadlet-ls >&2) || fail_setup "cargo build"
  QUADLET_LS="${CARGO_TARGET_DIR:-$REPO/target}/debug/quadlet-ls"
fi
[ -x "$QUADLET_LS" ] || fail_setup "no server at $QUADLET_LS"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
apt_install() {
  say "apt-get install $*"
  apt-get update -qq >&2 || say "warning: apt-get update reported errors"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
    fail_setup "apt-get install $*"
}
command -v emacs >/dev/null || apt_install emacs-nox
major=$(emacs --batch --eval '(princ emacs-major-version)' 2>/dev/null) || fail_setup "emacs does not start"
if [ "$major" -lt 29 ] && ! installed elpa-eglot; then apt_install elpa-eglot; fi
say "$(emacs --version | head -n 1)"

WORK="$(mktemp -d /tmp/quadlet-emacs-e2e.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin" "$WORK/home" "$WORK/project"
ln -s "$QUADLET_LS" "$WORK/bin/quadlet-ls"
cp "$REPO/editors/nvim/test/fixture/web.container" "$WORK/project/web.container"
mkdir "$WORK/project/.git" # a project root for project.el, as in a checkout

set +e
HOME="$WORK/home" PATH="$WORK/bin:$PATH" \
  QUADLET_EL="$REPO/editors/emacs/quadlet-ls.el" \
  QUADLET_PATTERNS="$REPO/editors/test/file-patterns.txt" \
  QUADLET_PROJECT="$WORK/project" \
  timeout 180 emacs --batch -l "$HERE/e2e.el" >"$WORK/out.txt" 2>"$WORK/err.txt" </dev/null
rc=$?
set -e
cat "$WORK/out.txt"
if [ -s "$WORK/err.txt" ]; then
  say "Emacs's messages on stderr (the checks above decide pass or fail):"
  sed 's/^/    /' "$WORK/err.txt" >&2
fi
if ! grep -qE '^emacs: [0-9]+ passed, [0-9]+ failed$' "$WORK/out.txt"; then
  say "the test did not finish (exit $rc)"
  echo "emacs: 0 passed, 1 failed"
  exit 1
fi
exit "$rc"
