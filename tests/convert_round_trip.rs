//! The round trip of `quadlet-ls convert`: realistic `podman run` command
//! lines, generated from a fixed seed, are converted to `.container` units;
//! the podman command our generator preview makes from each unit must carry
//! the same flags and values (order aside, spelled one way), the same image
//! and the same command. Every unit must also lint without an error.
//!
//! The generator below knows what each command means (its flags as long
//! names and values): the expected side comes from there, not from the
//! converter's own parser. The generated `ExecStart=` is read back as
//! systemd reads it (`%%` → `%`, `$$` → `$`) and parsed by a small reader
//! of its own in this file.
//!
//! The only extra flags allowed are the ones Quadlet always adds:
//! `--cidfile`, `--replace`, `--rm`, `--cgroups=split`, `--sdnotify=conmon`,
//! `-d` and its default `--name systemd-…`. `--restart X` must come out as
//! `Restart=` in `[Service]`. Values are compared after the normalisation
//! podman itself applies: booleans (`--init` = `--init=true`), capability
//! names (case), `--mount` fields (order, `src` = `source`), relative host
//! paths (Quadlet reads them from the unit's directory).

use quadlet_ls::check::{self, Options as CheckOptions};
use quadlet_ls::convert::{self, Options};
use quadlet_ls::diag::Severity;
use quadlet_ls::generate::{self, convert::clean_path, Options as GenOptions};
use quadlet_ls::schema::Version;
use quadlet_ls::workspace::{MemFs, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod support;

/// splitmix64: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Bool,
    Value,
}

/// A flag of the model: long name, short name, kind, and the values a user
/// gives it (ignored for booleans).
struct Flag {
    long: &'static str,
    short: Option<char>,
    kind: Kind,
    values: &'static [&'static str],
    /// How often it appears, out of 100 commands.
    weight: u64,
}

const fn b(long: &'static str, short: Option<char>, weight: u64) -> Flag {
    Flag {
        long,
        short,
        kind: Kind::Bool,
        values: &[],
        weight,
    }
}

const fn v(
    long: &'static str,
    short: Option<char>,
    weight: u64,
    values: &'static [&'static str],
) -> Flag {
    Flag {
        long,
        short,
        kind: Kind::Value,
        values,
        weight,
    }
}

/// Flags of `podman run` as people write them in READMEs, with values that
/// exercise the quoting (spaces, `%`, `$`, quotes, `=`).
const FLAGS: &[Flag] = &[
    b("detach", Some('d'), 70),
    b("rm", None, 25),
    b("replace", None, 5),
    b("interactive", Some('i'), 8),
    b("tty", Some('t'), 8),
    b("init", None, 8),
    b("read-only", None, 8),
    b("read-only-tmpfs", None, 3),
    b("env-host", None, 2),
    b("http-proxy", None, 2),
    b("privileged", None, 5),
    b("no-hosts", None, 2),
    v(
        "name",
        None,
        60,
        &["web", "my-db", "app_1", "grafana", "node-exporter"],
    ),
    v(
        "publish",
        Some('p'),
        55,
        &[
            "8080:80",
            "127.0.0.1:8443:443",
            "53:53/udp",
            "9090",
            "[::1]:8080:80",
            "8000-8010:8000-8010",
            "0.0.0.0:3000:3000",
        ],
    ),
    v(
        "env",
        Some('e'),
        55,
        &[
            "TZ=Europe/Berlin",
            "GREETING=hello world",
            "DATE_FORMAT=%Y-%m-%d",
            "HOME_DIR=$HOME/data",
            "DSN=postgres://u:p@db:5432/app?sslmode=disable",
            "QUOTED=\"yes\"",
            "APOS=it's fine",
            "EQ=a=b=c",
            "EMPTY=",
            "PASSTHROUGH",
            "BRACES=${NOT_EXPANDED}",
            "PCT=100%",
            "BACKSLASH=C:\\temp",
            "SEMI=a;b",
            "POSTGRES_PASSWORD=s3cr3t!",
        ],
    ),
    v(
        "volume",
        Some('v'),
        50,
        &[
            "/srv/web:/usr/share/nginx/html:ro,Z",
            "data:/var/lib/postgresql/data",
            "./config:/config:z",
            "/etc/localtime:/etc/localtime:ro",
            "/var/cache/app",
            "/srv/my files:/files",
            "../shared:/shared:ro",
        ],
    ),
    v(
        "mount",
        None,
        8,
        &[
            "type=bind,source=/srv/a,target=/a,ro=true",
            "type=tmpfs,target=/tmp,tmpfs-size=64m",
            "type=volume,src=cache,dst=/cache",
            "type=bind,src=./rel,target=/r",
        ],
    ),
    v("env-file", None, 6, &["/etc/app/app.env", "./.env"]),
    v(
        "label",
        Some('l'),
        20,
        &[
            "app=web",
            "maintainer=Jane Doe <jane@example.com>",
            "org.opencontainers.image.title=My App",
            "io.containers.autoupdate=registry",
            "traefik.http.routers.web.rule=Host(`example.com`)",
            "tier",
        ],
    ),
    v(
        "annotation",
        None,
        4,
        &["run.oci.keep_original_groups=1", "note=two words"],
    ),
    v(
        "network",
        None,
        25,
        &[
            "host",
            "bridge",
            "mynet",
            "slirp4netns:allow_host_loopback=true",
            "pasta:-T,8080",
            "none",
        ],
    ),
    v("network-alias", None, 4, &["web", "api"]),
    v("hostname", Some('h'), 10, &["web-01", "db.local"]),
    v("workdir", Some('w'), 8, &["/app", "/srv/my app"]),
    v(
        "user",
        Some('u'),
        15,
        &["1000", "1000:1000", "nobody", "app:app", "0"],
    ),
    v(
        "cap-add",
        None,
        10,
        &["NET_ADMIN", "SYS_TIME", "CAP_NET_BIND_SERVICE", "net_raw"],
    ),
    v("cap-drop", None, 6, &["ALL", "MKNOD"]),
    v(
        "security-opt",
        None,
        12,
        &[
            "label=disable",
            "no-new-privileges",
            "seccomp=unconfined",
            "apparmor=unconfined",
            "label=type:container_runtime_t",
            "mask=/proc/acpi",
            "unmask=ALL",
            "label=level:s0:c100,c200",
            "label=nested",
        ],
    ),
    v(
        "device",
        None,
        6,
        &["/dev/fuse", "/dev/dri:/dev/dri:rwm", "/dev/ttyUSB0"],
    ),
    v("tmpfs", None, 6, &["/run", "/tmp:rw,size=64m,mode=1777"]),
    v("ulimit", None, 6, &["nofile=65535:65535", "nproc=4096"]),
    v(
        "sysctl",
        None,
        4,
        &[
            "net.ipv4.ip_unprivileged_port_start=80",
            "net.core.somaxconn=1024",
        ],
    ),
    v("dns", None, 5, &["1.1.1.1", "8.8.8.8"]),
    v("dns-search", None, 3, &["example.com"]),
    v("dns-option", None, 2, &["ndots:2"]),
    v(
        "add-host",
        None,
        4,
        &["db.local:10.0.0.5", "host.containers.internal:host-gateway"],
    ),
    v("ip", None, 3, &["10.89.0.10"]),
    v("ip6", None, 1, &["fd00::10"]),
    v("shm-size", None, 4, &["256m", "1g"]),
    v("pids-limit", None, 3, &["100", "-1"]),
    v("stop-signal", None, 4, &["SIGINT", "SIGTERM"]),
    v("stop-timeout", None, 4, &["30", "5"]),
    v("tz", None, 3, &["Europe/Berlin", "local"]),
    v("pull", None, 6, &["always", "newer", "missing"]),
    v("memory", Some('m'), 10, &["512m", "2g"]),
    v(
        "userns",
        None,
        5,
        &["keep-id", "auto", "host", "keep-id:uid=1000,gid=1000"],
    ),
    v("uidmap", None, 2, &["0:100000:65536"]),
    v("gidmap", None, 2, &["0:100000:65536"]),
    v("group-add", None, 3, &["keep-groups", "wheel"]),
    v(
        "secret",
        None,
        4,
        &["db_pass", "api_key,type=env,target=API_KEY"],
    ),
    v("expose", None, 4, &["8080", "9000-9010/tcp"]),
    v(
        "entrypoint",
        None,
        5,
        &[
            "/bin/sh",
            "[\"/bin/sh\",\"-c\"]",
            "",
            "/docker-entrypoint.sh",
        ],
    ),
    v(
        "health-cmd",
        None,
        8,
        &[
            "curl -f http://localhost:8080/health || exit 1",
            "pg_isready -U postgres",
            "CMD-SHELL wget -q --spider http://localhost/ || exit 1",
        ],
    ),
    v("health-interval", None, 6, &["30s", "1m"]),
    v("health-retries", None, 5, &["3", "5"]),
    v("health-timeout", None, 4, &["5s", "10s"]),
    v("health-start-period", None, 3, &["10s"]),
    v("health-on-failure", None, 2, &["kill", "restart"]),
    v("health-startup-cmd", None, 1, &["ls /ready"]),
    v("log-driver", None, 5, &["journald", "k8s-file", "none"]),
    v("log-opt", None, 4, &["tag={{.Name}}", "max-size=10m"]),
    v("cgroups", None, 3, &["no-conmon", "enabled", "split"]),
    v(
        "sdnotify",
        None,
        3,
        &["container", "conmon", "healthy", "ignore"],
    ),
    v(
        "restart",
        None,
        30,
        &[
            "always",
            "on-failure",
            "on-failure:3",
            "unless-stopped",
            "no",
        ],
    ),
    // No key: PodmanArgs= as written.
    v("cpus", None, 6, &["1.5", "0.5"]),
    v("memory-swap", None, 2, &["1g"]),
    v("ipc", None, 3, &["host", "private"]),
    v("pid", None, 3, &["host"]),
    v("systemd", None, 2, &["always", "false"]),
    v("oom-score-adj", None, 2, &["500"]),
    v("gpus", None, 2, &["all"]),
    v("cpu-shares", Some('c'), 2, &["512"]),
    v("cpuset-cpus", None, 2, &["0-3"]),
    v("umask", None, 1, &["0022"]),
    v("platform", None, 2, &["linux/arm64"]),
    v("requires", None, 1, &["db"]),
    v("device-cgroup-rule", None, 1, &["c 1:3 mr"]),
];

/// podman's global options, before `run`.
const GLOBALS: &[Flag] = &[
    v("log-level", None, 6, &["debug", "info"]),
    v("root", None, 3, &["/var/lib/containers-alt"]),
    v("runroot", None, 2, &["/run/containers-alt"]),
    v("storage-driver", None, 3, &["overlay", "vfs"]),
    v("cgroup-manager", None, 2, &["cgroupfs", "systemd"]),
    v("events-backend", None, 2, &["file"]),
    v("module", None, 2, &["extra.conf"]),
    b("syslog", None, 1),
];

const IMAGES: &[&str] = &[
    "docker.io/library/nginx:1.25",
    "nginx",
    "quay.io/prometheus/node-exporter:v1.7.0",
    "ghcr.io/home-assistant/home-assistant:stable",
    "postgres:16-alpine",
    "docker.io/library/redis@sha256:3f4ba1b63bd0ec26ff2a2c8f8cc1a0cafd2b1f2a6c4bdfd7ec3a3b7a7c8d9e0f",
    "registry.example.com:5000/team/api:2024.01",
    "localhost/myapp:latest",
];

const COMMANDS: &[&[&str]] = &[
    &["sh", "-c", "echo hello && sleep infinity"],
    &["--port", "8080", "--verbose"],
    &["-la"],
    &["redis-server", "--appendonly", "yes"],
    &["echo", "100%", "$HOME", "${PATH}"],
    &["--config=/etc/app/config.yaml", "--log-level", "debug"],
    &["python", "-m", "http.server", "8000"],
    &["nginx", "-g", "daemon off;"],
    &["printf", "%s\\n", "a b"],
    &["--", "x"],
    &["bash", "-c", "echo \"quoted\" 'single'"],
    &["date", "+%Y-%m-%d %H:%M"],
];

/// One generated command: its words and what it means.
struct Case {
    words: Vec<String>,
    globals: Vec<(String, Option<String>)>,
    flags: Vec<(String, Option<String>)>,
    image: String,
    command: Vec<String>,
}

fn spell(rng: &mut Rng, f: &Flag, value: Option<&str>, out: &mut Vec<String>) {
    match (f.kind, value) {
        (Kind::Bool, None) => match f.short {
            Some(c) if rng.chance(50) => out.push(format!("-{c}")),
            _ => out.push(format!("--{}", f.long)),
        },
        (Kind::Bool, Some(v)) => out.push(format!("--{}={v}", f.long)),
        (Kind::Value, v) => {
            let v = v.unwrap_or("");
            match (f.short, rng.below(10)) {
                (Some(c), 0..=2) => {
                    out.push(format!("-{c}"));
                    out.push(v.to_string());
                }
                (Some(c), 3) if !v.is_empty() => out.push(format!("-{c}{v}")),
                (_, 4..=6) => out.push(format!("--{}={v}", f.long)),
                _ => {
                    out.push(format!("--{}", f.long));
                    out.push(v.to_string());
                }
            }
        }
    }
}

/// Keyed flags whose later value replaces an earlier one of the same name.
fn key_of(long: &str, value: &str) -> Option<String> {
    match long {
        "env" | "label" | "annotation" => Some(value.split('=').next().unwrap_or("").to_string()),
        _ => None,
    }
}

/// Flags that take one value (a second one replaces the first).
fn single(long: &str) -> bool {
    !matches!(
        long,
        "publish"
            | "env"
            | "volume"
            | "mount"
            | "env-file"
            | "label"
            | "annotation"
            | "network"
            | "network-alias"
            | "cap-add"
            | "cap-drop"
            | "security-opt"
            | "device"
            | "tmpfs"
            | "ulimit"
            | "sysctl"
            | "dns"
            | "dns-search"
            | "dns-option"
            | "add-host"
            | "uidmap"
            | "gidmap"
            | "group-add"
            | "secret"
            | "expose"
            | "log-opt"
            | "device-cgroup-rule"
            | "requires"
    )
}

fn generate_case(rng: &mut Rng) -> Case {
    let mut words = vec!["podman".to_string()];
    let mut globals = Vec::new();
    for g in GLOBALS {
        if rng.chance(g.weight) {
            let val = (g.kind == Kind::Value).then(|| rng.pick(g.values).to_string());
            spell(rng, g, val.as_deref(), &mut words);
            globals.push((g.long.to_string(), val));
        }
    }
    match rng.below(20) {
        0 | 1 => words.push("create".into()),
        2 => {
            words.push("container".into());
            words.push("run".into());
        }
        _ => words.push("run".into()),
    }
    let mut flags: Vec<(String, Option<String>)> = Vec::new();
    let mut used_single = std::collections::HashSet::new();
    let mut used_keys = std::collections::HashSet::new();
    // A bundle of short booleans (`-dit`), sometimes with a value flag
    // at its end (`-dp 8080:80`).
    if rng.chance(15) {
        let mut bundle = String::from("-d");
        flags.push(("detach".into(), None));
        used_single.insert("detach");
        for (c, long) in [('i', "interactive"), ('t', "tty")] {
            if rng.chance(50) {
                bundle.push(c);
                flags.push((long.into(), None));
                used_single.insert(long);
            }
        }
        if rng.chance(40) {
            let p = *rng.pick(&["8080:80", "443:443"]);
            bundle.push('p');
            words.push(bundle);
            words.push(p.to_string());
            flags.push(("publish".into(), Some(p.to_string())));
        } else {
            words.push(bundle);
        }
    }
    for f in FLAGS {
        if f.weight == 0 || !rng.chance(f.weight) {
            continue;
        }
        let times = if single(f.long) || f.kind == Kind::Bool {
            1
        } else {
            1 + rng.below(2)
        };
        for _ in 0..times {
            if (single(f.long) || f.kind == Kind::Bool) && !used_single.insert(f.long) {
                break;
            }
            let val = match f.kind {
                Kind::Bool if rng.chance(15) => Some(rng.pick(&["true", "false"]).to_string()),
                Kind::Bool => None,
                Kind::Value => Some(rng.pick(f.values).to_string()),
            };
            if !used_keys.insert(format!("{}={val:?}", f.long)) {
                continue;
            }
            if let Some(k) = val.as_deref().and_then(|x| key_of(f.long, x)) {
                if !used_keys.insert(format!("{}:{k}", f.long)) {
                    continue;
                }
            }
            spell(rng, f, val.as_deref(), &mut words);
            flags.push((f.long.to_string(), val));
        }
    }
    // The generator shuffles nothing: flag order is the table's, which is
    // as good as any for an order-blind comparison. The image, then maybe
    // a command.
    let image = rng.pick(IMAGES).to_string();
    words.push(image.clone());
    let command: Vec<String> = if rng.chance(45) {
        rng.pick(COMMANDS).iter().map(|s| s.to_string()).collect()
    } else {
        Vec::new()
    };
    words.extend(command.iter().cloned());
    Case {
        words,
        globals,
        flags,
        image,
        command,
    }
}

// ---------------------------------------------------------------------------
// Reading the generated command back

fn table(globals: bool) -> Vec<(&'static str, Option<char>, Kind)> {
    let src = if globals { GLOBALS } else { FLAGS };
    let mut t: Vec<_> = src.iter().map(|f| (f.long, f.short, f.kind)).collect();
    if !globals {
        t.push(("cidfile", None, Kind::Value));
    }
    t
}

/// A pflag-like reader over the model's flags: `(long, value)` pairs until
/// the first positional word, and the rest.
fn read(words: &[String], globals: bool) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let t = table(globals);
    let kind_of = |l: &str| t.iter().find(|x| x.0 == l).map(|x| x.2);
    let long_of = |c: char| t.iter().find(|x| x.1 == Some(c)).map(|x| x.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if let Some(body) = w.strip_prefix("--") {
            if body.is_empty() {
                return (out, words[i + 1..].to_vec());
            }
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (body.to_string(), None),
            };
            let kind = kind_of(&name).unwrap_or_else(|| panic!("unknown flag {w} in {words:?}"));
            match (kind, inline) {
                (_, Some(v)) => out.push((name, Some(v))),
                (Kind::Bool, None) => out.push((name, None)),
                (Kind::Value, None) => {
                    out.push((name, words.get(i + 1).cloned()));
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        if w.len() > 1 && w.starts_with('-') {
            let chars: Vec<char> = w[1..].chars().collect();
            let mut k = 0;
            let mut took_next = false;
            while k < chars.len() {
                let long = long_of(chars[k]).unwrap_or_else(|| panic!("unknown -{}", chars[k]));
                if kind_of(long) == Some(Kind::Bool) {
                    out.push((long.to_string(), None));
                    k += 1;
                    continue;
                }
                let rest: String = chars[k + 1..].iter().collect();
                if rest.is_empty() {
                    out.push((long.to_string(), words.get(i + 1).cloned()));
                    took_next = true;
                } else {
                    // pflag drops the `=` of `-w=/app`.
                    let rest = rest.strip_prefix('=').map(str::to_string).unwrap_or(rest);
                    out.push((long.to_string(), Some(rest)));
                }
                break;
            }
            i += if took_next { 2 } else { 1 };
            continue;
        }
        return (out, words[i..].to_vec());
    }
    (out, Vec::new())
}

fn is_bool(long: &str) -> bool {
    FLAGS
        .iter()
        .chain(GLOBALS)
        .any(|f| f.long == long && f.kind == Kind::Bool)
        || matches!(long, "replace" | "rm" | "detach")
}

/// One flag spelled one way, with podman's own equivalences applied.
fn normal(long: &str, value: Option<&str>, unit_dir: &str) -> (String, String) {
    let value = value.unwrap_or("");
    if is_bool(long) {
        let t = value.is_empty() || value == "true";
        return (long.to_string(), t.to_string());
    }
    let rel = |p: &str| -> String {
        if p.starts_with('.') {
            clean_path(&format!("{unit_dir}/{p}"))
        } else {
            p.to_string()
        }
    };
    let v = match long {
        "cap-add" | "cap-drop" => value.to_lowercase(),
        "security-opt" => match value {
            "no-new-privileges=true" => "no-new-privileges".to_string(),
            _ => value.replacen("label:", "label=", 1),
        },
        "mount" => {
            let mut fields: Vec<String> = value
                .split(',')
                .map(|f| {
                    let f = f.replacen("src=", "source=", 1);
                    match f.strip_prefix("source=") {
                        Some(s) => format!("source={}", rel(s)),
                        None => f,
                    }
                })
                .collect();
            fields.sort();
            fields.join(",")
        }
        "volume" => match value.split_once(':') {
            Some((src, rest)) => format!("{}:{rest}", rel(src)),
            None => value.to_string(),
        },
        "env-file" => rel(value),
        // podman before 5.3 drops the address that means all of them.
        "publish" => value.strip_prefix("0.0.0.0:").unwrap_or(value).to_string(),
        _ => value.to_string(),
    };
    (long.to_string(), v)
}

/// What Quadlet always adds, which the comparison lets through.
fn quadlet_adds(long: &str, value: &str) -> bool {
    match long {
        "cidfile" | "replace" | "rm" | "detach" => true,
        "cgroups" => value == "split",
        "sdnotify" => value == "conmon",
        "name" => value.starts_with("systemd-"),
        _ => false,
    }
}

fn systemd_restart(podman: &str) -> &str {
    match podman.split(':').next().unwrap_or("") {
        "unless-stopped" => "always",
        p => p,
    }
}

/// The expected flags of a case, as a sorted multiset; keyed flags keep
/// their last value.
fn expected(case: &Case, unit_dir: &str) -> Vec<(String, String)> {
    let mut keyed: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut out = Vec::new();
    for (l, v) in &case.flags {
        if matches!(l.as_str(), "detach" | "rm" | "replace" | "restart") {
            continue;
        }
        let n = normal(l, v.as_deref(), unit_dir);
        if l == "sdnotify" && n.1 == "conmon" {
            continue;
        }
        match key_of(l, &n.1) {
            Some(k) => {
                keyed.insert((l.clone(), k), n);
            }
            None => out.push(n),
        }
    }
    out.extend(keyed.into_values());
    out.sort();
    out
}

/// What differs between a case and the command a generator made of its
/// unit (`exec`: the `ExecStart=` argv, `service`: the service text).
fn compare(case: &Case, exec: &[String], service: &str, dir: &str) -> Vec<String> {
    let argv: Vec<String> = exec
        .iter()
        .skip(1)
        .map(|w| convert::draft::unescape_exec_word(w))
        .collect();
    let run_at = argv.iter().position(|w| w == "run");
    let Some(run_at) = run_at else {
        return vec![format!("no `run` in {argv:?}")];
    };
    let (g, rest) = read(&argv[..run_at], true);
    if !rest.is_empty() {
        return vec![format!("stray words before run: {rest:?}")];
    }
    let mut got_globals: Vec<(String, String)> = g
        .iter()
        .map(|(l, v)| normal(l, v.as_deref(), dir))
        .collect();
    got_globals.sort();
    let mut want_globals: Vec<(String, String)> = case
        .globals
        .iter()
        .map(|(l, v)| normal(l, v.as_deref(), dir))
        .collect();
    want_globals.sort();
    let (flags, positional) = read(&argv[run_at + 1..], false);
    let mut got: Vec<(String, String)> = flags
        .iter()
        .map(|(l, v)| normal(l, v.as_deref(), dir))
        .collect();
    got.sort();
    let want = expected(case, dir);
    // Remove the expected ones; what is left must be Quadlet's own.
    let mut left = got.clone();
    let mut missing = Vec::new();
    for w in &want {
        match left.iter().position(|g| g == w) {
            Some(at) => {
                left.remove(at);
            }
            None => missing.push(w.clone()),
        }
    }
    left.retain(|(l, v)| !quadlet_adds(l, v));
    let mut problems = Vec::new();
    if got_globals != want_globals {
        problems.push(format!("globals {got_globals:?} != {want_globals:?}"));
    }
    if !missing.is_empty() {
        problems.push(format!("missing {missing:?}"));
    }
    if !left.is_empty() {
        problems.push(format!("extra {left:?}"));
    }
    let (img, cmd) = positional
        .split_first()
        .map_or((None, &[][..]), |(a, b)| (Some(a), b));
    if img != Some(&case.image) {
        problems.push(format!("image {img:?} != {:?}", case.image));
    }
    if cmd != case.command.as_slice() {
        problems.push(format!("command {cmd:?} != {:?}", case.command));
    }
    if let Some((_, Some(r))) = case.flags.iter().rev().find(|(l, _)| l == "restart") {
        let want = format!("Restart={}\n", systemd_restart(r));
        if !service.contains(&want) {
            problems.push(format!("no {want:?} in the service"));
        }
    }
    problems
}

struct Outcome {
    checked: usize,
    lint_clean: usize,
    podman_args_lines: usize,
    failures: Vec<String>,
}

fn run_cases(n: usize, seed: u64, release: Version) -> Outcome {
    let mut rng = Rng(seed);
    let mut o = Outcome {
        checked: 0,
        lint_clean: 0,
        podman_args_lines: 0,
        failures: Vec::new(),
    };
    for i in 0..n {
        let case = generate_case(&mut rng);
        let fail = |o: &mut Outcome, why: String| {
            o.failures
                .push(format!("case {i}: {}\n  {why}", case.words.join(" ")))
        };
        let opts = Options {
            release,
            name: None,
        };
        let conv = match convert::convert_command(&case.words, &opts) {
            Ok(c) => c,
            Err(e) => {
                fail(&mut o, format!("convert failed: {e}"));
                continue;
            }
        };
        let unit = &conv.units[0];
        let text = unit.to_text();
        o.podman_args_lines += text
            .lines()
            .filter(|l| l.starts_with("PodmanArgs="))
            .count();
        let dir = "/u";
        let path = PathBuf::from(format!("{dir}/{}", unit.file_name()));
        let mut fs = MemFs::new();
        fs.insert(path.clone(), text.clone());
        let ws = Workspace::load(Arc::new(fs), &[PathBuf::from(dir)]);
        // Lint: no error.
        let copts = CheckOptions {
            podman_version: release,
            ..CheckOptions::default()
        };
        let diags = check::check_file(&ws, &path, &text, &copts);
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        if errors.is_empty() {
            o.lint_clean += 1;
        } else {
            fail(&mut o, format!("lint errors {errors:?}\n{text}"));
            continue;
        }
        // Preview: the same command.
        let gopts = GenOptions {
            release,
            ..GenOptions::default()
        };
        let p = generate::preview(&ws, &path, &gopts);
        let Some(start) = p.exec.iter().find(|(k, _)| k == "ExecStart") else {
            fail(&mut o, format!("no ExecStart: {:?}\n{text}", p.errors));
            continue;
        };
        let problems = compare(&case, &start.1, p.service.as_deref().unwrap_or(""), dir);
        if problems.is_empty() {
            o.checked += 1;
        } else {
            fail(
                &mut o,
                format!(
                    "{}\n  generated: {:?}\n{text}",
                    problems.join("; "),
                    start.1
                ),
            );
        }
    }
    o
}

const SEED: u64 = 0x005e_ed11;
const COUNT: usize = 1200;

#[test]
fn generated_run_commands_round_trip_through_preview() {
    let o = run_cases(COUNT, SEED, Version::DEFAULT);
    if let Some(p) = std::env::var_os("CONVERT_RT_DUMP") {
        let _ = std::fs::write(p, o.failures.join("\n\n"));
    }
    support::note(&format!(
        "convert round trip: {}/{COUNT} commands round-trip, {}/{COUNT} lint without error, {} PodmanArgs= lines",
        o.checked, o.lint_clean, o.podman_args_lines
    ));
    assert!(
        o.failures.is_empty(),
        "{} of {COUNT} failed; first ones:\n{}",
        o.failures.len(),
        o.failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    assert_eq!(o.checked, COUNT);
}

/// The same for older lines, where more flags have no key yet (fewer
/// commands: the default release runs the full set).
#[test]
fn older_releases_round_trip_too() {
    for (major, minor) in [(4, 9), (5, 4)] {
        let v = Version { major, minor };
        let o = run_cases(300, SEED ^ u64::from(minor), v);
        support::note(&format!(
            "convert round trip, podman {v}: {}/300 round-trip, {}/300 lint without error",
            o.checked, o.lint_clean
        ));
        assert!(
            o.failures.is_empty(),
            "podman {v}: {} failed; first ones:\n{}",
            o.failures.len(),
            o.failures
                .iter()
                .take(4)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}

#[test]
fn the_generator_covers_the_tricky_spellings() {
    // The cases the converter must get right appear in the generated set
    // (a generator that lost them would make the round trip above vacuous).
    let mut rng = Rng(SEED);
    let cases: Vec<Case> = (0..COUNT).map(|_| generate_case(&mut rng)).collect();
    let any = |f: &dyn Fn(&Case) -> bool| cases.iter().filter(|c| f(c)).count();
    let word = |s: &'static str| move |c: &Case| c.words.iter().any(|w| w == s);
    assert!(any(&word("-d")) > 300);
    assert!(any(&|c| c.words.iter().any(|w| w.starts_with("-d") && w.len() > 2)) > 50);
    assert!(any(&|c| c.words.iter().any(|w| w.contains('%'))) > 100);
    assert!(any(&|c| c.words.iter().any(|w| w.contains('$'))) > 100);
    assert!(any(&|c| c.words.iter().any(|w| w.contains(' '))) > 100);
    assert!(any(&|c| c.command.first().is_some_and(|w| w.starts_with('-'))) > 50);
    assert!(any(&|c| !c.globals.is_empty()) > 100);
    assert!(any(&|c| c.words.iter().any(|w| w == "--entrypoint=" || w.is_empty())) > 5);
}

/// The real generator of the default release, when `get-quadlet` has
/// fetched it (`../shared/tools/get-quadlet`).
fn real_generator(v: Version) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let dir = match (v.major, v.minor) {
        (5, 8) => "quadlet-oracle".to_string(),
        (m, n) => format!("quadlet-oracle-{m}.{n}"),
    };
    let bin = Path::new(&home)
        .join(".cache")
        .join(dir)
        .join("usr/libexec/podman/quadlet");
    bin.is_file().then_some(bin)
}

/// The real generators' verdict on a sample: the units of the first 200
/// commands, in one directory, through podman's own `quadlet -dryrun` of
/// 5.4, 5.8 and 6.1 (those fetched), each converted for its release. Each service must pass the same comparison as ours
/// (podman orders some flags at random, so the lines are not compared as
/// text).
#[test]
fn a_sample_round_trips_through_the_real_generators() {
    let mut ran = 0;
    for (major, minor) in [(5, 4), (5, 8), (6, 1)] {
        let v = Version { major, minor };
        if let Some(bin) = real_generator(v) {
            real_sample(&bin, v);
            ran += 1;
        }
    }
    if ran == 0 {
        support::note("convert round trip: no real generator in ~/.cache (../shared/tools/get-quadlet), its check is skipped");
    }
}

fn real_sample(bin: &Path, release: Version) {
    let dir = std::env::temp_dir().join(format!(
        "quadlet-ls-convert-rt-{release}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(SEED);
    let mut cases = Vec::new();
    const SAMPLE: usize = 200;
    for i in 0..SAMPLE {
        let case = generate_case(&mut rng);
        let opts = Options {
            name: Some(format!("c{i}")),
            release,
        };
        let c = convert::convert_command(&case.words, &opts).unwrap();
        let u = &c.units[0];
        std::fs::write(dir.join(u.file_name()), u.to_text()).unwrap();
        cases.push(case);
    }
    let out = std::process::Command::new(bin)
        .arg("-dryrun")
        .env("QUADLET_UNIT_DIRS", &dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let real = String::from_utf8_lossy(&out.stdout).into_owned();
    // `---c12.service---` starts each service.
    let mut services: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in real.lines() {
        if let Some(name) = line
            .strip_prefix("---")
            .and_then(|l| l.strip_suffix(".service---"))
        {
            current = Some(name.to_string());
            services.insert(name.to_string(), String::new());
            continue;
        }
        if let Some(c) = &current {
            if let Some(t) = services.get_mut(c) {
                t.push_str(line);
                t.push('\n');
            }
        }
    }
    let mut failures = Vec::new();
    let mut passed = 0;
    for (i, case) in cases.iter().enumerate() {
        let Some(svc) = services.get(&format!("c{i}")) else {
            failures.push(format!("c{i}: not generated"));
            continue;
        };
        let exec = generate::exec_lines(svc);
        let Some((_, argv)) = exec.iter().find(|(k, _)| k == "ExecStart") else {
            failures.push(format!("c{i}: no ExecStart"));
            continue;
        };
        // podman's unit dir is the temporary one.
        let problems = compare(case, argv, svc, &dir.to_string_lossy());
        if problems.is_empty() {
            passed += 1;
        } else {
            failures.push(format!(
                "c{i}: {}: {}",
                case.words.join(" "),
                problems.join("; ")
            ));
        }
    }
    support::note(&format!(
        "convert round trip: the real generator of podman {release} round-trips {passed}/{SAMPLE} of the sample"
    ));
    assert!(
        failures.is_empty(),
        "podman {release}: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
