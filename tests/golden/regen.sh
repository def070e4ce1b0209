#!/bin/sh
# Regenerates the golden outputs of tests/golden/*/units with the real
# generator (podman 5.8's `quadlet -dryrun`), in system and user mode.
#
#   tests/golden/regen.sh [QUADLET_BINARY]
#
# The binary defaults to $QUADLET, then the cached oracle used by the
# conformance suite. The units directory's absolute path is replaced by
# @UNITS@ and the generator's pid by PID, so the files do not depend on
# where the repository is checked out. The podman version that made them is
# written to VERSION.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
q=${1:-${QUADLET:-/root/.cache/quadlet-oracle/usr/libexec/podman/quadlet}}
if [ ! -x "$q" ]; then
    echo "regen.sh: no quadlet binary at $q" >&2
    exit 2
fi
unset PODMAN || true
{
    echo "quadlet $("$q" -version 2>/dev/null || echo unknown)"
    vfile=$(dirname "$q")/../../../VERSION
    [ -f "$vfile" ] && echo "package $(cat "$vfile")"
} > "$here/VERSION"
for case in "$here"/*/; do
    case=${case%/}
    [ -d "$case/units" ] || continue
    units="$case/units"
    for mode in system user; do
        flag=
        [ "$mode" = user ] && flag=-user
        set +e
        QUADLET_UNIT_DIRS="$units" "$q" -dryrun $flag >"$case/$mode.out.tmp" 2>"$case/$mode.err.tmp"
        rc=$?
        set -e
        echo "$rc" > "$case/$mode.rc"
        sed "s|$units|@UNITS@|g" "$case/$mode.out.tmp" > "$case/$mode.out"
        sed -e "s|$units|@UNITS@|g" -e 's/quadlet-generator\[[0-9]*\]/quadlet-generator[PID]/' \
            "$case/$mode.err.tmp" > "$case/$mode.err"
        rm -f "$case/$mode.out.tmp" "$case/$mode.err.tmp"
    done
    echo "regenerated $(basename "$case")"
done
