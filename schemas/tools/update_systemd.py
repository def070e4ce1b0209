#!/usr/bin/env python3
"""Regenerates schemas/systemd-directives.json from systemd directive lists.

Input: two outputs of `systemd --dump-configuration-items` (defaults
../shared/data/systemd-262-directives.txt, the current list, and
../shared/data/systemd-252-directives.txt, an older one): `[Section]` lines
followed by `Name=SHAPE` lines, where SHAPE is systemd's placeholder for the
value (BOOLEAN, SECONDS, PATH [...], OTHER, ...). Only the sections a Quadlet
unit may carry are kept: [Unit], [Service] and [Install].

Output (facts only):
- "sections": per section, every directive of the current list with its
  placeholder (hover and completion show it);
- "kinds": per section, the directives whose values quadlet-ls checks, with
  the value kind derived below from the placeholder (and, where systemd uses
  one placeholder for several parsers, from the directive's name);
- "enums": the values each enum kind accepts (facts from systemd's manual
  pages, listed here by hand);
- "deprecated": directives of the older list that the current one no longer
  has, with the directive that replaces them (by hand, from systemd's news)
  or null.

Usage: python3 schemas/tools/update_systemd.py [CURRENT [OLDER]]
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEEP = ("Unit", "Service", "Install")

# Enum kinds and their values (systemd.service(5), systemd.unit(5),
# systemd.kill(5), systemd.exec(5)).
ENUMS = {
    "service-type": ["simple", "exec", "forking", "oneshot", "dbus", "notify",
                     "notify-reload", "idle"],
    "restart": ["no", "on-success", "on-failure", "on-abnormal", "on-watchdog",
                "on-abort", "always"],
    "kill-mode": ["control-group", "mixed", "process", "none"],
    "restart-mode": ["normal", "direct", "debug"],
    "exit-type": ["main", "cgroup"],
    "timeout-mode": ["terminate", "abort", "kill"],
    "job-mode": ["fail", "replace", "replace-irreversibly", "isolate", "flush",
                 "ignore-dependencies", "ignore-requirements",
                 "restart-dependencies"],
    "emergency-action": ["none", "reboot", "reboot-force", "reboot-immediate",
                         "poweroff", "poweroff-force", "poweroff-immediate",
                         "exit", "exit-force", "soft-reboot",
                         "soft-reboot-force", "kexec", "kexec-force", "halt",
                         "halt-force", "halt-immediate"],
    "notify-access": ["none", "main", "exec", "all"],
    "io-class": ["realtime", "best-effort", "idle", "none", "0", "1", "2", "3"],
    "cpu-sched-policy": ["other", "batch", "idle", "fifo", "rr", "ext"],
    "syslog-level": ["emerg", "alert", "crit", "err", "warning", "notice",
                     "info", "debug", "0", "1", "2", "3", "4", "5", "6", "7"],
    "syslog-facility": ["kern", "user", "mail", "daemon", "auth", "syslog",
                        "lpr", "news", "uucp", "cron", "authpriv", "ftp",
                        "local0", "local1", "local2", "local3", "local4",
                        "local5", "local6", "local7"],
    # A trailing ':' means "this prefix, then a path or name".
    "output": ["inherit", "null", "tty", "journal", "kmsg", "journal+console",
               "kmsg+console", "socket", "file:", "append:", "truncate:", "fd:"],
    "input": ["null", "tty", "tty-force", "tty-fail", "data", "socket",
              "file:", "fd:"],
}

# systemd placeholder -> our kind, when one placeholder means one parser.
PLAIN = {
    "BOOLEAN": "bool",
    "SECONDS": "timespan",
    "NANOSECONDS": "timespan",
    "SERVICETYPE": "service-type",
    "SERVICERESTART": "restart",
    "KILLMODE": "kill-mode",
    "SERVICERESTARTMODE": "restart-mode",
    "SERVICEEXITTYPE": "exit-type",
    "TIMEOUTMODE": "timeout-mode",
    "ACTION": "emergency-action",
    "ACCESS": "notify-access",
    "IOCLASS": "io-class",
    "CPUSCHEDPOLICY": "cpu-sched-policy",
    "LEVEL": "syslog-level",
    "FACILITY": "syslog-facility",
    "OUTPUT": "output",
    "INPUT": "input",
    "UNSIGNED": "unsigned",
    "INTEGER": "integer",
    "SIGNAL": "signal",
    "NICE": "nice",
    "OOMSCOREADJUST": "oom-score-adjust",
    "IOPRIORITY": "io-priority",
    "CPUSCHEDPRIO": "cpu-sched-priority",
    "WEIGHT": "weight",
    "CPUWEIGHT": "cpu-weight",
    "SIZE": "size",
}

# Replacements of the directives systemd dropped.
REPLACED_BY = {
    "BlockIOAccounting": "IOAccounting",
    "BlockIODeviceWeight": "IODeviceWeight",
    "BlockIOReadBandwidth": "IOReadBandwidthMax",
    "BlockIOWeight": "IOWeight",
    "BlockIOWriteBandwidth": "IOWriteBandwidthMax",
    "CPUShares": "CPUWeight",
    "MemoryLimit": "MemoryMax",
    "StartupBlockIOWeight": "StartupIOWeight",
    "StartupCPUShares": "StartupCPUWeight",
    "CPUAccounting": None,
    "DefaultMemoryLow": None,
    "DefaultMemoryMin": None,
}


def kind_of(name, shape):
    """Our value kind for a directive, or None when it is not checked."""
    if shape in PLAIN:
        return PLAIN[shape]
    if shape == "MODE":
        # Job modes and file modes share the placeholder.
        return "job-mode" if name.endswith("JobMode") else "file-mode"
    if shape == "LIMIT":
        # Resource limits and memory limits; the IO*Max limits take a
        # device first and are not checked.
        if name.startswith("Limit"):
            return "rlimit"
        if "Memory" in name:
            return "memory-limit"
    return None


def read(path):
    sections = {s: {} for s in KEEP}
    cur = None
    for line in open(path):
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
    return sections


def release(path):
    return "systemd " + os.path.basename(path).split("-")[1]


def main():
    data = os.path.join(ROOT, "..", "shared", "data")
    cur_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(data, "systemd-262-directives.txt")
    old_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(data, "systemd-252-directives.txt")
    cur = read(cur_path)
    old = read(old_path)
    kinds = {}
    for s, names in cur.items():
        kinds[s] = {n: k for n, shape in sorted(names.items()) if (k := kind_of(n, shape))}
    deprecated = {}
    for s in KEEP:
        gone = sorted(set(old[s]) - set(cur[s]))
        missing = [n for n in gone if n not in REPLACED_BY]
        if missing:
            sys.exit(f"no replacement recorded for {s} {missing}: add them to REPLACED_BY")
        deprecated[s] = {n: {"replacement": REPLACED_BY[n]} for n in gone}
    out = {
        "source": release(cur_path),
        "older": release(old_path),
        "sections": {s: dict(sorted(v.items())) for s, v in cur.items()},
        "kinds": kinds,
        "enums": ENUMS,
        "deprecated": deprecated,
    }
    path = os.path.join(ROOT, "schemas", "systemd-directives.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: " + ", ".join(
        f"{s} {len(cur[s])} ({len(kinds[s])} checked, {len(deprecated[s])} deprecated)"
        for s in KEEP), file=sys.stderr)


if __name__ == "__main__":
    main()
