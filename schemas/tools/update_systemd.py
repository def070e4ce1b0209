#!/usr/bin/env python3
"""Regenerates schemas/systemd-directives.json from a systemd directive list.

Input (default ../shared/data/systemd-262-directives.txt): `[Section]` lines
followed by `Name=SHAPE` lines, where SHAPE is systemd's own placeholder for
the value (BOOLEAN, SECONDS, PATH [...], OTHER, ...). Only the sections a
Quadlet unit may carry are kept: [Unit], [Service] and [Install].

Output: {"source": ..., "sections": {"Unit": {"Description": "STRING", ...}, ...}}

Usage: python3 schemas/tools/update_systemd.py [INPUT]
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEEP = ("Unit", "Service", "Install")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "..", "shared", "data", "systemd-262-directives.txt")
    sections = {s: {} for s in KEEP}
    cur = None
    for line in open(src):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            cur = line[1:-1]
            continue
        if cur not in sections or "=" not in line:
            continue
        name, shape = line.split("=", 1)
        sections[cur][name.strip()] = shape.strip() or "OTHER"
    out = {
        "source": "systemd " + os.path.basename(src).split("-")[1],
        "sections": {s: dict(sorted(v.items())) for s, v in sections.items()},
    }
    path = os.path.join(ROOT, "schemas", "systemd-directives.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: " + ", ".join(f"{s} {len(v)}" for s, v in sections.items()),
          file=sys.stderr)


if __name__ == "__main__":
    main()
