#!/usr/bin/env python3
"""Run the expected units of every convert fixture (compose and
`podman generate systemd`) through podman's own generator and compare each
service's ExecStart with `quadlet-ls preview` of the same folder.

Podman orders some flags at random, so the argument lists are compared as
multisets. Generators come from `../shared/tools/get-quadlet` (in
~/.cache); a release whose generator is absent is skipped with a message.

Usage: python3 benches/convert_fixtures_real.py [--bin target/debug/quadlet-ls]
Exit 1 when a service differs.
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOME = os.path.expanduser("~")
GENERATORS = {
    "5.8": os.path.join(HOME, ".cache/quadlet-oracle/usr/libexec/podman/quadlet"),
    "6.1": os.path.join(HOME, ".cache/quadlet-oracle-6.1/usr/libexec/podman/quadlet"),
}


def services(text):
    out, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^---(.*)---$", line)
        if m:
            cur = m.group(1)
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def exec_start(lines):
    joined = "\n".join(lines).replace("\\\n", " ")
    for line in joined.splitlines():
        if line.startswith("ExecStart="):
            return Counter(shlex.split(line[len("ExecStart="):]))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/debug/quadlet-ls"))
    args = ap.parse_args()
    dirs = sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/convert/*/*/expected")))
    total = same = 0
    refused = []
    for release, gen in GENERATORS.items():
        if not os.path.isfile(gen):
            print(f"podman {release}: no generator at {gen}, skipped", file=sys.stderr)
            continue
        for d in dirs:
            case = os.path.relpath(os.path.dirname(d), os.path.join(ROOT, "tests/fixtures/convert"))
            env = {**os.environ, "QUADLET_UNIT_DIRS": d}
            real = subprocess.run([gen, "-dryrun"], env=env, capture_output=True, text=True)
            ours = subprocess.run(
                [args.bin, "preview", "--podman-version", release, d],
                capture_output=True,
                text=True,
            )
            r, o = services(real.stdout), services(ours.stdout)
            for name in sorted(set(r) | set(o)):
                if not name.endswith(".service"):
                    continue
                total += 1
                a, b = exec_start(r.get(name, [])), exec_start(o.get(name, []))
                if a is not None and a == b:
                    same += 1
                else:
                    print(f"DIFF podman {release} {case} {name}\n  real: {a}\n  ours: {b}")
            msgs = [l for l in real.stderr.splitlines() if "converting" in l]
            for m in msgs:
                refused.append(f"podman {release} {case}: {m.split(': ', 1)[-1]}")
    print(f"{same}/{total} services: the real generator's ExecStart equals our preview")
    for r in refused:
        print(f"refused by the generator: {r}")
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
