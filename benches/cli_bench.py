#!/usr/bin/env python3
"""Benchmarks of the CLI against podman's generator, on one generated folder.

Generates a folder of realistic units (mixed types, with references between
them: containers joining networks and pods, mounting volumes, using .image
and .build units, drop-ins), then times, taking the median of N runs:

  lint:     quadlet-ls lint DIR  vs  QUADLET_UNIT_DIRS=DIR quadlet -dryrun  vs  cat of all files
  preview:  QUADLET_UNIT_DIRS=DIR quadlet-ls preview  vs  QUADLET_UNIT_DIRS=DIR quadlet -dryrun
            (and checks that both print the same services)

Usage: python3 benches/cli_bench.py lint|preview [--units 3000] [--runs 15] [--release X.Y] [--quadlet PATH]
Build first: cargo build --release

--release is the podman release both sides stand for: quadlet-ls runs with
--podman-version X.Y and the generator is that release's real one
(../shared/tools/get-quadlet X.Y, for 5.4, 5.8 and 6.1). The default is
quadlet-ls's own default release, as its lint summary names it.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(d, n, yaml=True):
    """About n unit files: per group of 10, 1 network, 1 volume, 1 pod,
    1 image, 1 build, 4 containers (one with a drop-in), 1 kube."""
    groups = max(1, n // 10)
    for g in range(groups):
        p = f"app{g:04d}"
        files = {
            f"{p}.network": f"[Unit]\nDescription=Network of {p}\n\n[Network]\nSubnet=10.{g // 250}.{g % 250}.0/24\nLabel=app={p}\n",
            f"{p}-data.volume": f"[Volume]\nVolumeName={p}-data\nLabel=app={p}\n",
            f"{p}.pod": f"[Pod]\nNetwork={p}.network\nPublishPort={8000 + g % 1000}:80\n\n[Install]\nWantedBy=default.target\n",
            f"{p}-base.image": "[Image]\nImage=docker.io/library/alpine:3.20\nPolicy=missing\n",
            f"{p}-web.build": f"[Build]\nImageTag=localhost/{p}-web:latest\nFile=Containerfile\nSetWorkingDirectory=unit\n",
            f"{p}.kube": f"[Unit]\nDescription=Kube of {p}\n\n[Kube]\nYaml={p}-pod.yaml\nNetwork={p}.network\nPublishPort={9000 + g % 1000}:9000\n",
            f"{p}-pod.yaml": (
                f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {p}\nspec:\n  containers:\n"
                f"    - name: metrics\n      image: quay.io/example/metrics:1.0\n"
                f"      ports:\n        - containerPort: 9000\n"
            ),
        }
        for i in range(4):
            image = [f"{p}-base.image", f"{p}-web.build", "quay.io/example/worker:1.2", "docker.io/library/redis:7"][i]
            files[f"{p}-c{i}.container"] = (
                f"# Container {i} of {p}\n[Unit]\nDescription={p} container {i}\nAfter={p}-data.volume\n\n"
                f"[Container]\nImage={image}\nPod={p}.pod\nVolume={p}-data.volume:/data:Z\n"
                f"Environment=APP={p} INDEX={i}\nLabel=app={p}\nHealthCmd=/bin/true\nHealthInterval=30s\n"
                f"Notify=healthy\nPublishPort=127.0.0.1:{10000 + g % 5000 + i}:{80 + i}\n\n"
                f"[Service]\nRestart=always\nTimeoutStartSec=120\n\n[Install]\nWantedBy=default.target\n"
            )
        if not yaml:
            files[f"{p}.kube"] = files[f"{p}.kube"].replace(f"Yaml={p}-pod.yaml", f"Yaml=/srv/{p}/pod.yaml")
            del files[f"{p}-pod.yaml"]
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        dd = os.path.join(d, f"{p}-c0.container.d")
        os.makedirs(dd, exist_ok=True)
        with open(os.path.join(dd, "10-limits.conf"), "w") as f:
            f.write("[Container]\nMemory=256m\nPidsLimit=100\n")


def median_time(argv, runs, env=None, ok=(0, 1)):
    """Median wall-clock time and median CPU time (user+sys) of `runs` runs.
    CPU time is the steadier figure on a loaded machine."""
    times = []
    cpu = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        times.append(time.perf_counter() - t)
        cpu.append(ru.ru_utime + ru.ru_stime)
        rc = os.waitstatus_to_exitcode(status)
        if rc not in ok:
            sys.exit(f"{argv[0]} exited {rc}")
    return statistics.median(times), statistics.median(cpu)


def bench_lint(a, exe, d, files):
    lint = [exe, "lint", "--podman-version", a.release, d]
    check = subprocess.run(lint, capture_output=True, text=True)
    print("lint result:", check.stdout.strip().splitlines()[-1] if check.stdout else check.stderr)
    t_lint = median_time(lint, a.runs)
    t_cat = median_time(["cat"] + files, a.runs)
    print(f"{'':16}  {'wall (median)':>14}  {'CPU user+sys':>13}")
    print(f"quadlet-ls lint   {t_lint[0] * 1000:11.1f} ms  {t_lint[1] * 1000:10.1f} ms")
    if os.path.exists(a.quadlet):
        env = dict(os.environ, QUADLET_UNIT_DIRS=d)
        t_q = median_time([a.quadlet, "-dryrun"], a.runs, env=env)
        print(f"quadlet -dryrun   {t_q[0] * 1000:11.1f} ms  {t_q[1] * 1000:10.1f} ms")
        print(f"lint is {t_q[0] / t_lint[0]:.1f}x faster (wall), {t_q[1] / max(t_lint[1], 1e-9):.1f}x less CPU")
    else:
        print("quadlet -dryrun   skipped (no generator at --quadlet)")
    print(f"cat of all files  {t_cat[0] * 1000:11.1f} ms  {t_cat[1] * 1000:10.1f} ms")


def bench_preview(a, exe, d):
    env = dict(os.environ, QUADLET_UNIT_DIRS=d)
    preview = [exe, "preview", "--podman-version", a.release]
    ours = subprocess.run(preview, env=env, capture_output=True, text=True)
    blocks = ours.stdout.count("\n---")
    print(f"quadlet-ls preview: {blocks + ours.stdout.startswith('---')} services, exit {ours.returncode}")
    t_ours = median_time(preview, a.runs, env=env)
    print(f"{'':22}  {'wall (median)':>14}  {'CPU user+sys':>13}")
    print(f"quadlet-ls preview DIR  {t_ours[0] * 1000:11.1f} ms  {t_ours[1] * 1000:10.1f} ms")
    if os.path.exists(a.quadlet):
        theirs = subprocess.run([a.quadlet, "-dryrun"], env=env, capture_output=True, text=True)
        same = theirs.stdout == ours.stdout and theirs.returncode == ours.returncode
        compare = os.path.join(ROOT, "..", "shared", "conformance", "compare.py")
        if not same and theirs.returncode == ours.returncode and os.path.exists(compare):
            # podman prints some flags in Go map order, which changes from run
            # to run; the conformance comparator accepts every such order.
            with tempfile.TemporaryDirectory() as t:
                for name, text in (("podman", theirs.stdout), ("ours", ours.stdout)):
                    with open(os.path.join(t, name), "w") as f:
                        f.write(text)
                r = subprocess.run([sys.executable, compare, "--release", a.release,
                                    os.path.join(t, "podman"), os.path.join(t, "ours")],
                                   capture_output=True, text=True)
                same = r.returncode == 0
        print("same output as podman (up to podman's random flag order):", "yes" if same else "NO")
        t_q = median_time([a.quadlet, "-dryrun"], a.runs, env=env)
        print(f"quadlet -dryrun         {t_q[0] * 1000:11.1f} ms  {t_q[1] * 1000:10.1f} ms")
        print(f"preview is {t_q[0] / t_ours[0]:.1f}x faster (wall), {t_q[1] / max(t_ours[1], 1e-9):.1f}x less CPU")
    else:
        print("quadlet -dryrun         skipped (no generator at --quadlet)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["lint", "preview"])
    ap.add_argument("--units", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--release", help="podman release line (default: quadlet-ls's default)")
    ap.add_argument("--quadlet", help="the generator (default: ../shared/tools/get-quadlet RELEASE)")
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    ap.add_argument("--no-yaml", action="store_true",
                    help="point .kube units at absent YAML, so lint reads only what the generator reads")
    a = ap.parse_args()
    exe = os.path.join(ROOT, "target", "release", "quadlet-ls")
    if not os.path.exists(exe):
        sys.exit("build first: cargo build --release")
    if a.release is None:
        # "... checked for podman X.Y" ends lint's summary.
        with tempfile.TemporaryDirectory() as empty:
            r = subprocess.run([exe, "lint", empty], capture_output=True, text=True)
        words = r.stdout.split()
        a.release = words[words.index("podman") + 1].rstrip(":") if "podman" in words else "5.8"
    if a.quadlet is None:
        tool = os.path.join(ROOT, "..", "shared", "tools", "get-quadlet")
        r = subprocess.run([tool, a.release], capture_output=True, text=True) if os.path.exists(tool) else None
        a.quadlet = r.stdout.strip() if r and r.returncode == 0 else ""
    print(f"podman {a.release}: quadlet-ls --podman-version {a.release} against {a.quadlet or '(no generator)'}")
    d = tempfile.mkdtemp(prefix="quadlet-ls-bench-")
    try:
        generate(d, a.units, yaml=not a.no_yaml)
        files = [os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs]
        units = sum(1 for f in files if not f.endswith((".conf", ".yaml")))
        print(f"{len(files)} files ({units} units) in {d}")
        if a.what == "lint":
            bench_lint(a, exe, d, files)
        else:
            bench_preview(a, exe, d)
    finally:
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
