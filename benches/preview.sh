#!/bin/sh
# Benchmark: `quadlet-ls preview DIR` against podman's `quadlet -dryrun` on
# the same folder of generated units (default 3000: containers, volumes,
# networks, images, builds, pods, kube units, with references between
# them and a few drop-ins).
#
#   benches/preview.sh [COUNT] [RUNS]
#
# Needs a release build (cargo build --release) and the oracle binary
# ($QUADLET, default: the conformance suite's cached podman 5.8 quadlet).
set -eu
count=${1:-3000}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
ours="$root/target/release/quadlet-ls"
q=${QUADLET:-/root/.cache/quadlet-oracle/usr/libexec/podman/quadlet}
dir=$(mktemp -d "${TMPDIR:-/tmp}/quadlet-ls-bench.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

i=0
while [ "$i" -lt "$count" ]; do
    case $((i % 10)) in
    0) printf '[Volume]\nLabel=app=bench%d\n' "$i" > "$dir/v$i.volume" ;;
    1) printf '[Network]\nSubnet=10.%d.%d.0/24\nDNS=9.9.9.9\n' $((i / 250 % 250)) $((i % 250)) > "$dir/n$i.network" ;;
    2) printf '[Image]\nImage=quay.io/example/img%d:latest\n' "$i" > "$dir/i$i.image" ;;
    3) printf '[Build]\nImageTag=localhost/b%d\nSetWorkingDirectory=unit\nFile=Containerfile\n' "$i" > "$dir/b$i.build" ;;
    4) printf '[Pod]\nPublishPort=%d:80\n' $((10000 + i)) > "$dir/p$i.pod" ;;
    5) printf '[Kube]\nYaml=k%d.yaml\nNetwork=n%d.network\n' "$i" $((i - 4)) > "$dir/k$i.kube" ;;
    *) cat > "$dir/c$i.container" <<UNIT
# container $i
[Unit]
Description=Bench container $i
After=v$((i - i % 10)).volume

[Container]
Image=i$((i - i % 10 + 2)).image
Network=n$((i - i % 10 + 1)).network
Volume=v$((i - i % 10)).volume:/data:Z
Pod=p$((i - i % 10 + 4)).pod
Environment=A=1 "B=two words"
Label=bench=yes
PublishPort=$((20000 + i)):8080
Exec=/bin/server --port 8080 --name "bench $i"
HealthCmd=/bin/true

[Service]
Restart=always

[Install]
WantedBy=default.target
UNIT
    ;;
    esac
    i=$((i + 1))
done
mkdir -p "$dir/container.d"
printf '[Container]\nLabel=dropin=1\n' > "$dir/container.d/10-all.conf"

# One timed run, in seconds.
once() {
    s=$(date +%s%N)
    QUADLET_UNIT_DIRS=$dir "$@" > /dev/null 2>&1 || true
    e=$(date +%s%N)
    echo "scale=4; ($e - $s) / 1000000000" | bc
}

# Runs alternate between the two generators so that a load change on the
# machine hits both; best and median of $runs each.
stats() {
    sort -n | awk '{a[NR]=$1} END {printf "best %.3fs, median %.3fs", a[1], a[int((NR+1)/2)]}'
}

echo "units: $count in $dir"
: > "$dir.ours"
: > "$dir.podman"
r=0
while [ "$r" -lt "$runs" ]; do
    once "$ours" preview >> "$dir.ours"
    [ -x "$q" ] && once "$q" -dryrun >> "$dir.podman"
    r=$((r + 1))
done
to=$(sort -n "$dir.ours" | head -1)
echo "quadlet-ls preview DIR: $(stats < "$dir.ours") ($runs runs)"
if [ -x "$q" ]; then
    tq=$(sort -n "$dir.podman" | head -1)
    echo "quadlet -dryrun:        $(stats < "$dir.podman") ($runs runs)"
else
    echo "quadlet -dryrun:        (no oracle binary at $q)"
fi
rm -f "$dir.ours" "$dir.podman"
if [ -x "$q" ]; then
    echo "speed-up (best vs best): $(echo "scale=2; $tq / $to" | bc)x"
    # Same output?
    QUADLET_UNIT_DIRS=$dir "$q" -dryrun 2>/dev/null | grep -c '^---' | sed 's/^/podman blocks: /'
    QUADLET_UNIT_DIRS=$dir "$ours" preview 2>/dev/null | grep -c '^---' | sed 's/^/our blocks:    /'
fi
