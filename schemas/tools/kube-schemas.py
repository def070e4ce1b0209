#!/usr/bin/env python3
"""Builds schemas/kubernetes/kubernetes-<version>.json from the PyPI package
kubernetes-validate (Apache-2.0), which ships strict JSON schemas for each
Kubernetes version.

The output is one bundle: the object kinds that `podman kube play` reads,
plus every definition they reach, with `$ref`s rewritten to point inside the
bundle. Long descriptions are cut to their first sentences (hover only needs
a summary); x-kubernetes-* annotations and formats are dropped because the
validator does not use them.

Usage:
    schemas/tools/kube-schemas.py [--version v1.35.0] [--wheel PATH]

Without --wheel the script runs `pip download --no-deps kubernetes-validate`
into a temporary directory.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

# (apiVersion, kind, schema file in the package, definition name)
KINDS = [
    ("v1", "Pod", "pod-v1.json"),
    ("apps/v1", "Deployment", "deployment-apps-v1.json"),
    ("apps/v1", "DaemonSet", "daemonset-apps-v1.json"),
    ("batch/v1", "Job", "job-batch-v1.json"),
    ("v1", "ConfigMap", "configmap-v1.json"),
    ("v1", "Secret", "secret-v1.json"),
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaim-v1.json"),
    ("v1", "Service", "service-v1.json"),
]

REF_PREFIX = "/api/_definitions.json#/$defs/"
MAX_DESCRIPTION = 400
DROP_KEYS = {"format", "$schema", "$id", "x-kubernetes-group-version-kind"}


def short(text):
    """The first sentences of a description, at most MAX_DESCRIPTION chars."""
    text = re.sub(r"\s*More info: \S+", "", text).strip()
    if len(text) <= MAX_DESCRIPTION:
        return text
    cut = text[:MAX_DESCRIPTION]
    dot = cut.rfind(". ")
    if dot > 80:
        return cut[: dot + 1]
    return cut.rstrip() + "…"


def clean(node, reached):
    if isinstance(node, list):
        return [clean(x, reached) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in DROP_KEYS or key.startswith("x-kubernetes-"):
            continue
        if key == "$ref":
            if value.startswith(REF_PREFIX):
                name = value[len(REF_PREFIX):]
            elif value.startswith("#/$defs/"):
                name = value[len("#/$defs/"):]
            else:
                sys.exit(f"unexpected $ref {value}")
            reached.append(name)
            out[key] = "#/$defs/" + name
        elif key == "description" and isinstance(value, str):
            out[key] = short(value)
        elif key == "properties" and isinstance(value, dict):
            # property names are data, not keywords: never drop them
            out[key] = {k: clean(v, reached) for k, v in value.items()}
        else:
            out[key] = clean(value, reached)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="v1.35.0")
    ap.add_argument("--wheel")
    ap.add_argument(
        "--out",
        default=os.path.join(os.path.dirname(__file__), "..", "kubernetes"),
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if not wheel:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps",
                 "kubernetes-validate", "-d", tmp],
                check=True, stdout=sys.stderr,
            )
            wheel = glob.glob(os.path.join(tmp, "kubernetes_validate-*.whl"))[0]
        package = os.path.basename(wheel).split("-")[1]
        base = f"kubernetes_validate/kubernetes-json-schema/{args.version}-local-strict/"
        with zipfile.ZipFile(wheel) as z:
            alldefs = json.loads(z.read(base + "_definitions.json"))["$defs"]
            roots = {}
            for api_version, kind, fname in KINDS:
                roots[f"{api_version}/{kind}"] = json.loads(z.read(base + fname))

    defs = {}
    kinds = {}
    for key, root in roots.items():
        reached = []
        name = "kind-" + key.rsplit("/", 1)[1]
        defs[name] = clean(root, reached)
        kinds[key] = name
        while reached:
            ref = reached.pop()
            if ref in defs:
                continue
            defs[ref] = clean(alldefs[ref], reached)

    bundle = {
        "source": f"kubernetes-validate {package} (Apache-2.0), "
                  f"{args.version}-local-strict",
        "kubernetes": args.version.lstrip("v").rsplit(".", 1)[0],
        "kinds": kinds,
        "$defs": dict(sorted(defs.items())),
    }
    out = os.path.join(args.out, f"kubernetes-{bundle['kubernetes']}.json")
    with open(out, "w") as f:
        json.dump(bundle, f, indent=None, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"wrote {out}: {len(defs)} definitions, {os.path.getsize(out)} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
