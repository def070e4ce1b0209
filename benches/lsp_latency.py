#!/usr/bin/env python3
"""Latency and memory benchmark of `quadlet-ls serve` over real stdio.

Measures, on the release binary:
  * didChange -> publishDiagnostics (p50/p99) on a 40-line and a 2,000-line unit,
  * completion request -> response (p50/p99),
  * resident memory (VmRSS) with 500 documents open,
  * then the same didChange and completion measures in a workspace of
    3,000 units (benches/cli_bench.py's generator: networks, volumes, pods,
    images, builds, containers, kube units with their YAML, drop-ins).

    cargo build --release && nice -n 10 python3 benches/lsp_latency.py [--iterations N] [--units 3000]

Client times include the JSON-RPC round trip through pipes and this
script's own JSON parsing; "in the server" times come from the server's
timing log (QUADLET_LS_LOG_TIMING=1): from reading the message to writing
the reply (for didChange: to writing publishDiagnostics).
"""

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "quadlet-ls")

SMALL_HEAD = """[Unit]
Description=Web front end
After=network-online.target db.service
Wants=network-online.target

[Container]
Image=docker.io/library/nginx:1.27
ContainerName=web
Network=bench.network
Volume=data.volume:/var/lib/data:Z
PublishPort=8080:80
PublishPort=8443:443
Environment=TZ=UTC
Environment=LANG=C.UTF-8
Environment=HOME=%h
Label=app=web
Label=tier=front
ReadOnly=true
NoNewPrivileges=true
DropCapability=ALL
AddCapability=NET_BIND_SERVICE
Pull=newer
AutoUpdate=registry
HealthCmd=/usr/bin/curl -f http://localhost/
HealthInterval=30s
HealthRetries=3
UserNS=keep-id
LogDriver=journald
Tmpfs=/run
Tmpfs=/tmp
# the end of the container section

[Service]
Restart=always
TimeoutStartSec=900

[Install]
WantedBy=default.target
"""


def small_unit():
    lines = SMALL_HEAD.splitlines()
    while len(lines) < 40:
        lines.insert(lines.index("# the end of the container section"), "Annotation=k%d=v" % len(lines))
    return "\n".join(lines[:40]) + "\n"


def big_unit():
    out = ["[Unit]", "Description=big", "", "[Container]", "Image=docker.io/library/nginx:1.27"]
    i = 0
    while len(out) < 1990:
        out.append("Environment=VAR%d=value-%d" % (i, i))
        out.append("Label=l%d=v%d" % (i, i))
        out.append("# comment %d" % i)
        i += 1
    out += ["", "[Service]", "Restart=always", "", "[Install]", "WantedBy=default.target"]
    return "\n".join(out[:2000]) + "\n"


class Client:
    def __init__(self, root):
        env = dict(os.environ, QUADLET_LS_LOG_TIMING="1")
        self.p = subprocess.Popen([BIN, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        self.q = queue.Queue()
        # Server-side timings from the stderr log: (what, seconds).
        self.timings = []
        threading.Thread(target=self._stderr, daemon=True).start()
        self.next_id = 0
        threading.Thread(target=self._reader, daemon=True).start()
        self.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + root,
                                    "capabilities": {"textDocument": {"completion": {"completionItem": {"snippetSupport": True}}}}})
        self.notify("initialized", {})

    def _reader(self):
        out = self.p.stdout
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.q.put((time.perf_counter(), json.loads(body)))

    def _stderr(self):
        for line in self.p.stderr:
            parts = line.decode(errors="replace").split()
            if len(parts) == 4 and parts[1] == "timing:" and parts[3].endswith("us"):
                self.timings.append((parts[2], int(parts[3][:-2]) / 1e6))

    def server_times(self, what):
        """Server-side times logged for `what` since the last call."""
        time.sleep(0.05)
        out = [t for w, t in self.timings if w == what]
        self.timings = []
        return out

    def send(self, msg):
        msg["jsonrpc"] = "2.0"
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        t0 = time.perf_counter()
        self.send({"id": rid, "method": method, "params": params})
        while True:
            t, m = self.q.get(timeout=30)
            if m.get("id") == rid and "method" not in m:
                return t - t0, m

    def wait_diagnostics(self, uri, version=None):
        while True:
            t, m = self.q.get(timeout=30)
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                if version is None or m["params"].get("version") == version:
                    return t

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.p.wait(timeout=10)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def fmt(xs, server=None):
    out = "p50 %.3f ms  p99 %.3f ms  (n=%d)" % (pct(xs, 50) * 1e3, pct(xs, 99) * 1e3, len(xs))
    if server:
        out += "   in the server: p50 %.3f ms  p99 %.3f ms" % (pct(server, 50) * 1e3, pct(server, 99) * 1e3)
    return out


def completion_row(c, uri, label, pos, iterations):
    """Times `iterations` completions at `pos` and prints one row."""
    comp = []
    for _ in range(iterations):
        dt, m = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})
        assert m.get("result"), m
        comp.append(dt)
    print(("completion, %s:" % label).ljust(43) + fmt(comp, c.server_times("textDocument/completion")))


def change_latency(c, uri, text, iterations):
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "quadlet", "version": 1, "text": text}})
    c.wait_diagnostics(uri, 1)
    # Type and delete a character at the end of line 6 (inside [Container]).
    line = 6
    col = len(text.splitlines()[line])
    times = []
    for v in range(2, iterations + 2):
        if v % 2 == 0:
            change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"}
        else:
            change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""}
        t0 = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]})
        t1 = c.wait_diagnostics(uri, v)
        times.append(t1 - t0)
    return times


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
    return 0


def big_workspace(a):
    """didChange and completion in a workspace of a.units units."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from cli_bench import generate
    root = tempfile.mkdtemp(prefix="quadlet-ls-lsp-bench-big.")
    try:
        generate(root, a.units)
        small = small_unit().replace("bench.network", "app0001.network").replace("data.volume", "app0001-data.volume")
        with open(os.path.join(root, "small.container"), "w") as f:
            f.write(small)
        n = sum(1 for f in os.listdir(root) if not f.endswith((".yaml", ".d")))
        t0 = time.perf_counter()
        c = Client(root)
        print("\n%d-unit workspace: initialize %.0f ms" % (n, (time.perf_counter() - t0) * 1e3))
        c.server_times("")
        uri = "file://%s/small.container" % root
        s = change_latency(c, uri, small, a.iterations)
        print("didChange -> diagnostics, 40-line unit:    " + fmt(s, c.server_times("didChange->publishDiagnostics")))
        for label, pos in (("key, nothing typed", {"line": 7, "character": 0}),
                           ("enum value", {"line": 21, "character": 6}),
                           ("Network=, all networks", {"line": 8, "character": 8}),
                           ("Network=app00", {"line": 8, "character": 13}),
                           ("After=, all services", {"line": 2, "character": 6})):
            completion_row(c, uri, label, pos, a.iterations)
        assert c.close() == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--documents", type=int, default=500)
    ap.add_argument("--units", type=int, default=3000, help="size of the big workspace (0: skip it)")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    root = tempfile.mkdtemp(prefix="quadlet-ls-lsp-bench.")
    try:
        with open(os.path.join(root, "bench.network"), "w") as f:
            f.write("[Network]\nSubnet=10.9.0.0/24\n")
        with open(os.path.join(root, "data.volume"), "w") as f:
            f.write("[Volume]\n")
        small, big = small_unit(), big_unit()
        for name, text in (("small.container", small), ("big.container", big)):
            with open(os.path.join(root, name), "w") as f:
                f.write(text)
        c = Client(root)
        print("binary: %s; load average %s" % (BIN, open("/proc/loadavg").read().split()[0]))
        c.server_times("")
        s = change_latency(c, "file://%s/small.container" % root, small, a.iterations)
        print("didChange -> diagnostics, 40-line unit:    " + fmt(s, c.server_times("didChange->publishDiagnostics")))
        b = change_latency(c, "file://%s/big.container" % root, big, max(100, a.iterations // 5))
        print("didChange -> diagnostics, 2000-line unit:  " + fmt(b, c.server_times("didChange->publishDiagnostics")))
        uri = "file://%s/small.container" % root
        for label, pos in (("key, nothing typed", {"line": 7, "character": 0}),
                           ("key, 3 letters typed", {"line": 7, "character": 3}),
                           ("enum value", {"line": 21, "character": 6}),
                           ("unit reference", {"line": 8, "character": 8})):
            completion_row(c, uri, label, pos, a.iterations)
        hov = []
        for i in range(a.iterations):
            dt, _ = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 10, "character": 3}})
            hov.append(dt)
        print("hover:                                     " + fmt(hov, c.server_times("textDocument/hover")))
        assert c.close() == 0

        # Memory: 500 documents open.
        docs = os.path.join(root, "docs")
        os.mkdir(docs)
        c = Client(root)
        base = rss_kb(c.p.pid)
        for i in range(a.documents):
            uri = "file://%s/docs/u%d.container" % (root, i)
            c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "quadlet", "version": 1, "text": small.replace("web", "web%d" % i)}})
        seen = set()
        while len(seen) < a.documents:
            _, m = c.q.get(timeout=60)
            if m.get("method") == "textDocument/publishDiagnostics":
                seen.add(m["params"]["uri"])
        rss = rss_kb(c.p.pid)
        print("RSS: %.1f MB at start, %.1f MB with %d documents open" % (base / 1024, rss / 1024, a.documents))
        assert c.close() == 0
        if a.units:
            big_workspace(a)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
