#!/usr/bin/env python3
"""Regenerates the fact columns of schemas/quadlet-keys.json.

Reads the reference key table (default: ../shared/data/quadlet-keytable.json
relative to the repository root) for the facts: which (section, key) pairs
exist, whether they repeat, the podman flag and the first release. Every
hand-written column of the existing schemas/quadlet-keys.json is kept as it
is: `doc`, `kind`, `values` (with their docs), `example`, `deprecated`,
`legacy`, `until`, `emit`, and whole rows marked `legacy` (keys podman never
had). A key new in the reference that podman emits with a generic emitter
(`handling` `table:*`) gets an `emit` entry at the end of its group.

The reference stops at podman's source of 6.0 (`main`). Rows of keys first
accepted by a newer release (found by probing that release's real
generator, e.g. Container `ImageVolume` in 6.1.1) are not in it: a row
whose `since` is newer than every release the reference names is kept
as it is.

A new key gets an empty `doc`, which the test suite rejects: write one line
for it in our own words before committing.

Usage: python3 schemas/tools/update_keytable.py [--facts PATH] [--seed-docs FILE]
  --seed-docs FILE  lines `Section Key|doc` used for rows that have no doc yet.
"""
import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "schemas", "quadlet-keys.json")

SECTION_ORDER = ["Container", "Volume", "Network", "Kube", "Pod", "Image",
                 "Build", "Artifact", "Quadlet"]

# Value shapes of the reference table -> our kind vocabulary (see README).
KIND = {
    "string": "string", "bool": "bool", "args": "args", "path": "path",
    "list": "strv", "enum": "enum", "int": "int", "key=value list": "keyval-list",
    "duration": "duration", "unit name without .service": "service-name",
    "ip": "ip", "image-ref": "image", "network": "network", "size": "size",
    "port mapping": "port", "uint32": "uint32", "MODE[:OPTIONS,...]": "userns",
    "volume spec": "volume", "host:ip": "host-ip", "ipv4": "ipv4", "ipv6": "ipv6",
    "signal": "signal", "secret spec": "secret", "path list": "path",
    "user[:password]": "creds", "key[:passphrase]": "key-passphrase",
    "device": "device", "port range": "port-range", "gid or group name": "group",
    "colon-separated paths": "path-list", "mount spec": "mount",
    "bool|healthy": "notify", "quadlet ref": "pod", "path|unconfined": "seccomp",
    "list of name=value": "keyval-list", "CONTAINER-DIR[:OPTIONS]": "tmpfs",
    "ulimit": "ulimit", "ALL or colon-separated paths": "path-list",
    "uid or user name": "user", "path or device": "string", "gid": "gid",
    "uint32 (numeric gid; non-numeric -> 0)": "uint32",
    "mount(8) -o options": "string", "filesystem type": "string", "uid": "uid",
    "uint32 (numeric uid; non-numeric -> 0)": "uint32",
    "cidr or range": "ip-range", "cidr": "cidr",
    "list of [CONTAINER/]registry|local": "autoupdate-list",
    "path or URL": "path-or-url", "file|unit|<path>|<URL>": "build-context",
    "artifact ref": "artifact",
}


def norm_since(s):
    """`v4.4.0` -> `4.4`; `main` (unreleased) -> `6.0`."""
    if s == "main":
        return "6.0"
    parts = s.lstrip("v").split(".")
    return f"{parts[0]}.{parts[1]}"


def norm_flag(f):
    """The podman flag alone, or None when the key is not a plain flag."""
    if not f or not f.startswith("-"):
        return None
    for sep in (" (", " / ", " | "):
        f = f.split(sep)[0]
    return f.strip()


# The reference's `handling` of podman's generic emitters -> our emit group.
EMIT_GROUP = {"table:string": "string", "table:allStrings": "strings",
              "table:bool": "bool", "table:keyval": "keyval",
              "table:health": "health"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", default=os.path.join(ROOT, "..", "shared", "data",
                                                    "quadlet-keytable.json"))
    ap.add_argument("--seed-docs")
    args = ap.parse_args()

    facts = json.load(open(args.facts))
    old = {}
    legacy_rows = []
    sections_meta = []
    if os.path.exists(OUT):
        cur = json.load(open(OUT))
        for r in cur["keys"]:
            if r.get("legacy"):
                legacy_rows.append(r)
            else:
                old[(r["section"], r["key"])] = r
        sections_meta = cur.get("sections", [])
    seed = {}
    if args.seed_docs:
        for line in open(args.seed_docs):
            line = line.rstrip("\n")
            if not line:
                continue
            head, doc = line.split("|", 1)
            sec, key = head.split()
            seed[(sec, key)] = doc

    # Next free position per (section, emit group), after the kept rows.
    next_order = {}
    for (sec, _), r in old.items():
        for e in r.get("emit") or []:
            key = (sec, e["group"])
            next_order[key] = max(next_order.get(key, 0), e["order"] + 1)

    rows = []
    meta_by_name = {m["name"]: m for m in sections_meta}
    new_meta = []
    for sec in SECTION_ORDER:
        s = facts["sections"][sec]
        m = meta_by_name.get(sec, {})
        ext = s["file_extension"]
        new_meta.append({
            "name": sec,
            "extension": None if ext.startswith("(") else ext.lstrip("."),
            "since": norm_since(s["since"]),
            "service_suffix": s.get("service_name_suffix"),
            "doc": m.get("doc", ""),
        })
        for k in sorted(s["keys"], key=lambda k: k["key"]):
            key = k["key"]
            o = old.get((sec, key), {})
            vt = k["value"].get("type")
            kind = o.get("kind") or KIND.get(vt, "string")
            values = o.get("values")
            if values is None and "values" in k["value"]:
                values = [{"value": v, "doc": ""} for v in k["value"]["values"]]
            example = o.get("example")
            if example is None:
                t = k.get("man_5.8.6_table") or k.get("main_docs_table") or {}
                example = t.get("example")
            deprecated = o.get("deprecated")
            if deprecated is None and k.get("deprecated"):
                deprecated = "deprecated: see UserNS="
            emit = o.get("emit")
            group = EMIT_GROUP.get(k.get("handling"))
            if emit is None and group:
                order = next_order.get((sec, group), 0)
                next_order[(sec, group)] = order + 1
                emit = [{"group": group, "order": order}]
            rows.append({
                "section": sec,
                "key": key,
                "kind": kind,
                "repeat": bool(k["repeat"]),
                "flag": norm_flag(k.get("flag")),
                "since": norm_since(k["since"]),
                "until": o.get("until"),
                "doc": o.get("doc") or seed.get((sec, key), ""),
                "values": values,
                "example": example,
                "deprecated": deprecated,
                "legacy": None,
                "emit": emit,
            })
    # Rows newer than the reference (probed on newer generators) stay.
    ref_newest = max(tuple(map(int, r["since"].split("."))) for r in rows)
    seen = {(r["section"], r["key"]) for r in rows}
    for (sec, key), r in old.items():
        if (sec, key) not in seen and tuple(map(int, r["since"].split("."))) > ref_newest:
            rows.append(r)
    rows.sort(key=lambda r: (SECTION_ORDER.index(r["section"]), r["key"]))
    rows.extend(legacy_rows)
    out = {
        "comment": "Quadlet key table. Facts regenerated by schemas/tools/update_keytable.py; docs are hand-written. See schemas/README.md.",
        "sections": new_meta,
        "keys": rows,
    }
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    missing = [f"{r['section']}.{r['key']}" for r in rows if not r["doc"]]
    if missing:
        print("rows without doc:", ", ".join(missing), file=sys.stderr)
    print(f"wrote {len(rows)} rows to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
