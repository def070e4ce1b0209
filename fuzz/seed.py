#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Seeds come from the project's own fixtures (tests/fixtures) and, when it is
there, from ../shared (podman's conformance cases and the real-world units).
Nothing from ../shared is committed: the seeds are made at run time.

Multi-file targets take the input format of src/input.rs: files separated
by a NUL byte, each starting with its name on the first line. The
generator target reads the release line from the first byte.

Usage: python3 fuzz/seed.py [TARGET...]   (default: every target)
"""

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")
UNIT_EXTS = (".container", ".volume", ".network", ".kube", ".image", ".build", ".pod", ".artifact")
MAX_SEED = 16 * 1024


def read(path):
    with open(path, "rb") as f:
        return f.read()


def walk(top, pred):
    if not os.path.isdir(top):
        return []
    out = []
    for d, _, names in os.walk(top):
        for n in sorted(names):
            p = os.path.join(d, n)
            if pred(p):
                out.append(p)
    return sorted(out)


def unit_files():
    return walk(os.path.join(ROOT, "tests", "fixtures"), lambda p: p.endswith(UNIT_EXTS)) + walk(
        os.path.join(SHARED, "conformance", "cases"), lambda p: p.endswith(UNIT_EXTS)
    ) + walk(os.path.join(SHARED, "realworld", "corpus"), lambda p: p.endswith(UNIT_EXTS))


def yaml_files():
    is_yaml = lambda p: p.endswith((".yaml", ".yml"))
    return walk(os.path.join(ROOT, "tests", "fixtures"), is_yaml) + walk(
        os.path.join(SHARED, "realworld", "corpus"), is_yaml
    ) + walk(os.path.join(SHARED, "conformance"), is_yaml)


def bundle(files):
    """[(name, bytes)] -> one multi-file input."""
    return b"\0".join(name.encode() + b"\n" + text for name, text in files)


def folders():
    """Groups of files that belong together: each fixture folder, each
    conformance case with its drop-ins, and each real-world project folder
    (its units and YAML files)."""
    groups = []
    fixtures = os.path.join(ROOT, "tests", "fixtures")
    for d, _, names in os.walk(fixtures):
        files = [n for n in sorted(names) if n.endswith(UNIT_EXTS + (".conf", ".yaml", ".yml"))]
        if files:
            groups.append([(n, read(os.path.join(d, n))) for n in files])
    cases = os.path.join(SHARED, "conformance", "cases")
    if os.path.isdir(cases):
        for n in sorted(os.listdir(cases)):
            p = os.path.join(cases, n)
            if not (n.endswith(UNIT_EXTS) and os.path.isfile(p)):
                continue
            group = [(n, read(p))]
            dropins = p + ".d"
            if os.path.isdir(dropins):
                for c in sorted(os.listdir(dropins)):
                    group.append((f"{n}.d/{c}", read(os.path.join(dropins, c))))
            groups.append(group)
    corpus = os.path.join(SHARED, "realworld", "corpus")
    if os.path.isdir(corpus):
        for d, _, names in sorted(os.walk(corpus)):
            files = [n for n in sorted(names) if n.endswith(UNIT_EXTS + (".yaml", ".yml"))]
            if files:
                groups.append([(n, read(os.path.join(d, n))) for n in files][:8])
    return groups


def frame(obj):
    body = json.dumps(obj, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def sessions(units):
    """Whole stdin streams of valid LSP sessions (initialize, open a unit,
    ask for completion, hover and code actions, shut down, exit), plus a few
    with the framing faults the reader must survive."""
    out = []
    for i, text in enumerate(units[:64]):
        uri = "file:///ws/app%d.container" % i
        doc = {"uri": uri}
        pos = {"line": i % 4, "character": i % 9}
        msgs = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"processId": None, "rootUri": "file:///ws", "capabilities": {}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen",
             "params": {"textDocument": {"uri": uri, "languageId": "quadlet", "version": 1,
                                         "text": text.decode("utf-8", "replace")}}},
            {"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion",
             "params": {"textDocument": doc, "position": pos}},
            {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover",
             "params": {"textDocument": doc, "position": pos}},
            {"jsonrpc": "2.0", "id": 4, "method": "textDocument/codeAction",
             "params": {"textDocument": doc, "range": {"start": pos, "end": pos},
                        "context": {"diagnostics": []}}},
            {"jsonrpc": "2.0", "id": 5, "method": "quadlet/preview", "params": {"textDocument": doc}},
            {"jsonrpc": "2.0", "id": 6, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        ]
        framed = [frame(m) for m in msgs]
        out.append(b"".join(framed))
        # the same session with one fault in front of the completion
        faults = [
            b"Content-Length: 5\r\n\r\nhello",
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n",
            b"Content-Length: x\r\n\r\n{}",
            b"\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":9}",
            b"Content-Length: 99999\r\n\r\n[1,",
            b"junk between messages",
        ]
        out.append(b"".join(framed[:3]) + faults[i % len(faults)] + b"".join(framed[3:]))
    return out


def write(target, seeds):
    out = os.path.join(HERE, "corpus", target)
    os.makedirs(out, exist_ok=True)
    n = 0
    for s in seeds:
        if len(s) > MAX_SEED:
            continue
        with open(os.path.join(out, hashlib.sha1(s).hexdigest()), "wb") as f:
            f.write(s)
        n += 1
    print(f"{target}: {n} seeds in {os.path.relpath(out, ROOT)}")


def main(argv):
    units = [read(p) for p in unit_files()]
    groups = folders()
    multi = [bundle(g) for g in groups]
    targets = {
        "parser": lambda: units,
        "checks": lambda: [bytes([i % 256]) + m for i, m in enumerate(multi)],
        "generate": lambda: [bytes([i % 256]) + m for i, m in enumerate(multi)],
        "kube": lambda: [read(p) for p in yaml_files()],
        "features": lambda: [bytes([i % 64, (i * 7) % 256, (i * 3) % 64, (i * 5) % 256]) + m for i, m in enumerate(multi)],
        "stdio": lambda: sessions(units),
    }
    for t in argv or targets:
        write(t, targets[t]())
    if not os.path.isdir(SHARED):
        print("../shared is absent: seeds from tests/fixtures only", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
