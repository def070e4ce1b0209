#!/usr/bin/env python3
"""Checks the key table's releases against real podman generators.

For each generator given as RELEASE=PATH (default: the ones
`../shared/tools/get-quadlet` caches for 5.4, 5.8 and 6.1, when present),
writes one unit per (section, key name) into a temporary directory, runs
`PATH -dryrun` on it once per section, and reads which names the generator
rejects as unsupported. A name counts as accepted when no "unsupported key"
error names it.

The names tried are every key name of the table, in every section (so a
key that moved between sections shows), plus any given with --key.

It reports, per release:
  - keys the generator accepts that the table lacks for that section;
  - rows whose `since`/`until` say the opposite of the generator.
Exit status 1 when anything disagrees, 0 otherwise.

Usage: python3 schemas/tools/probe_keys.py [--key NAME ...] [RELEASE=PATH ...]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE = os.path.join(ROOT, "schemas", "quadlet-keys.json")
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                     "quadlet-oracle")
DEFAULTS = {"5.4": CACHE + "-5.4", "5.8": CACHE, "6.1": CACHE + "-6.1"}


def version(s):
    major, minor = s.split(".")[:2]
    return (int(major), int(minor))


# Keys some releases check before the unknown ones (5.4 wants ImageTag=
# before it looks at the other keys of a .build).
REQUIRED = {"Container": "Image=x\n", "Build": "ImageTag=x\n", "Image": "Image=x\n",
            "Kube": "Yaml=/x\n", "Artifact": "Artifact=x\n"}


def accepted(gen, section, ext, names):
    """The names `gen` accepts in `[section]`."""
    with tempfile.TemporaryDirectory(prefix="probe-keys-") as d:
        for i, name in enumerate(names):
            with open(os.path.join(d, f"k{i}.{ext}"), "w") as f:
                f.write(f"[{section}]\n{REQUIRED.get(section, '')}{name}=x\n")
        env = dict(os.environ, QUADLET_UNIT_DIRS=d)
        p = subprocess.run([gen, "-dryrun"], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=300)
    pat = re.compile(r"unsupported key '([^']*)' in group '" + re.escape(section) + "'")
    rejected = set(pat.findall(p.stderr))
    return {n for n in names if n not in rejected}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", action="append", default=[], help="another name to try")
    ap.add_argument("generators", nargs="*", metavar="RELEASE=PATH")
    args = ap.parse_args()

    gens = {}
    for g in args.generators:
        rel, _, path = g.partition("=")
        gens[rel] = path
    if not gens:
        for rel, base in DEFAULTS.items():
            path = os.path.join(base, "usr/libexec/podman/quadlet")
            if os.access(path, os.X_OK):
                gens[rel] = path
    if not gens:
        sys.exit("no generator found: run ../shared/tools/get-quadlet X, or give RELEASE=PATH")

    table = json.load(open(TABLE))
    rows = {(r["section"], r["key"]): r for r in table["keys"] if not r.get("legacy")}
    names = sorted({r["key"] for r in table["keys"]} | set(args.key))
    bad = 0
    for rel, gen in sorted(gens.items(), key=lambda g: version(g[0])):
        v = version(rel)
        for s in table["sections"]:
            # [Quadlet] is read in every unit type: try it in a container.
            ext = s["extension"] or "container"
            if version(s["since"]) > v:
                continue
            got = accepted(gen, s["name"], ext, names)
            for name in names:
                row = rows.get((s["name"], name))
                says = row is not None and version(row["since"]) <= v and (
                    row["until"] is None or v <= version(row["until"]))
                if says == (name in got):
                    continue
                bad += 1
                if row is None:
                    print(f"{rel}: [{s['name']}] {name} is accepted but not in the table")
                elif says:
                    print(f"{rel}: [{s['name']}] {name} is rejected, the table says "
                          f"since {row['since']} until {row['until']}")
                else:
                    print(f"{rel}: [{s['name']}] {name} is accepted, the table says "
                          f"since {row['since']} until {row['until']}")
        print(f"{rel}: probed {len(names)} names in {len(table['sections'])} sections "
              f"with {gen}", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
