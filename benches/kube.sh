#!/bin/sh
# Benchmarks for the Kubernetes YAML checks (issue 5).
#
#   benches/kube.sh
#
# Builds the kube-check example in release mode, generates the inputs in a
# temporary directory and reports wall time (inside the process) and peak
# RSS (GNU time, when installed) for:
#   - the one-off schema compile cost, per kind;
#   - a 1,000-line multi-document file (first run and warm runs);
#   - an alias bomb, 100,000-deep flow and block nesting, and a 5 MB file.
set -eu
cd "$(dirname "$0")/.."
cargo build --quiet --release --example kube-check
bin=target/release/examples/kube-check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
pod = """apiVersion: v1
kind: Pod
metadata:
  name: web-{i}
  labels:
    app: web
spec:
  restartPolicy: Always
  containers:
  - name: web
    image: quay.io/example/web:1.0
    imagePullPolicy: IfNotPresent
    ports:
    - containerPort: 8080
      protocol: TCP
    env:
    - name: MODE
      value: prod
    resources:
      limits:
        memory: 128Mi
---
"""
docs = []
lines = 0
i = 0
while lines < 1000:
    docs.append(pod.format(i=i))
    lines += pod.count("\n")
    i += 1
open(f"{d}/multi-1000.yaml", "w").write("".join(docs))
n = 100_000
open(f"{d}/flow-deep.yaml", "w").write("a: " + "[" * n + "]" * n + "\n")
open(f"{d}/block-deep.yaml", "w").write("- " * n + "x\n")
l = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
for k in range(1, 10):
    l.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k-1}"] * 9) + "]")
open(f"{d}/alias-bomb.yaml", "w").write("\n".join(l) + "\n")
big = pod.format(i=0)
open(f"{d}/five-mb.yaml", "w").write(big * (5 * 1024 * 1024 // len(big) + 1))
open(f"{d}/one-mb.yaml", "w").write(big * (1024 * 1024 // len(big) - 1))
PY

measure() {
    if /usr/bin/time -f x true >/dev/null 2>&1; then
        /usr/bin/time -f "  peak RSS %M KB, wall %e s" "$@" >/dev/null
    else
        "$@" >/dev/null
    fi
}

echo "== schema compile (first check of each kind, then a warm check)"
"$bin" --compile
echo "== 1,000-line multi-document file ($(wc -l <"$tmp/multi-1000.yaml") lines)"
REPEAT=20 measure "$bin" "$tmp/multi-1000.yaml"
echo "== 1 MB file, just under the size limit ($(wc -c <"$tmp/one-mb.yaml") bytes)"
measure "$bin" "$tmp/one-mb.yaml"
for f in alias-bomb flow-deep block-deep five-mb; do
    echo "== $f ($(wc -c <"$tmp/$f.yaml") bytes)"
    measure "$bin" "$tmp/$f.yaml"
    "$bin" "$tmp/$f.yaml" 2>/dev/null | sed 's/^[^ ]* /  /'
done
