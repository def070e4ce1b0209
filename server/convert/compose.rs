//! Compose files (`compose.yaml`, `docker-compose.yml`) → Quadlet units.
//!
//! Each service becomes a `podman run` command line built from its fields
//! (ports, volumes, environment, ...), converted by the core
//! ([`super::convert_parsed`]) like any other command, so a field maps to
//! the same key a flag would. What a command line cannot say is added to
//! the unit afterwards: `Volume=NAME.volume:...` and `Network=NAME.network`
//! for the file's named volumes and networks (each of which becomes a unit
//! of its own), `Requires=`/`After=` for `depends_on`, `Pod=` with `--pod`.
//! A field with no equivalent is a warning naming the field and the file.
//!
//! The YAML is read with [`crate::kube::yaml`] (spans, depth and alias
//! limits).

use super::grammar::{self, Parsed};
use super::{unit_name, ConvertError, Converted, Draft, Options};
use crate::kube::yaml::{self, NodeId, NodeKind, Yaml};
use crate::workspace::UnitKind;

/// Why a compose file cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error("{file}: {message}")]
    Yaml { file: String, message: String },
    #[error("{file}: no `services:` mapping: this is not a compose file")]
    NoServices { file: String },
    #[error("{file}: {field}: {why}")]
    Field {
        file: String,
        field: String,
        why: String,
    },
    #[error("{file}: services.{service}: {error}")]
    Convert {
        file: String,
        service: String,
        error: ConvertError,
    },
}

/// Fields of a service read here; anything else is reported.
const SERVICE_FIELDS: &[&str] = &[
    "image",
    "build",
    "container_name",
    "hostname",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "expose",
    "volumes",
    "depends_on",
    "healthcheck",
    "restart",
    "labels",
    "user",
    "working_dir",
    "cap_add",
    "cap_drop",
    "devices",
    "secrets",
    "networks",
    "network_mode",
    "deploy",
    "mem_limit",
    "memswap_limit",
    "mem_reservation",
    "cpus",
    "cpu_shares",
    "pids_limit",
    "shm_size",
    "privileged",
    "read_only",
    "init",
    "tty",
    "stdin_open",
    "extra_hosts",
    "dns",
    "dns_search",
    "dns_opt",
    "sysctls",
    "ulimits",
    "security_opt",
    "stop_signal",
    "stop_grace_period",
    "logging",
    "tmpfs",
    "group_add",
    "userns_mode",
    "pid",
    "ipc",
    "platform",
    "pull_policy",
    "mac_address",
    "annotations",
    "oom_score_adj",
    "cgroup_parent",
    "domainname",
];

struct Ctx<'a> {
    file: &'a str,
    y: &'a Yaml<'a>,
    warnings: Vec<String>,
    /// `${VAR}` / `$VAR` interpolations met (compose substitutes them from
    /// the environment and `.env`; convert does not).
    interpolated: std::cell::RefCell<Vec<String>>,
}

/// Undoes compose's `$$` escape; notes the interpolations left.
fn uninterpolate(v: &str, found: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(v.len());
    let mut it = v.chars().peekable();
    while let Some(c) = it.next() {
        if c == '$' {
            match it.peek() {
                Some('$') => {
                    it.next();
                }
                Some(&n) if n == '{' || n == '_' || n.is_ascii_alphabetic() => {
                    let name: String = if n == '{' {
                        let inner: String = it.clone().skip(1).take_while(|c| *c != '}').collect();
                        format!("{{{inner}}}")
                    } else {
                        it.clone()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect()
                    };
                    let name = format!("${name}");
                    if !found.contains(&name) {
                        found.push(name);
                    }
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

impl<'a> Ctx<'a> {
    fn warn(&mut self, field: &str, why: &str) {
        self.warnings.push(format!("{}: {field}: {why}", self.file));
    }

    fn err(&self, field: &str, why: impl Into<String>) -> ComposeError {
        ComposeError::Field {
            file: self.file.to_string(),
            field: field.to_string(),
            why: why.into(),
        }
    }

    fn scalar(&self, id: NodeId) -> Option<String> {
        let v = self.y.scalar(id)?;
        if !v.contains('$') {
            return Some(v.to_string());
        }
        Some(uninterpolate(v, &mut self.interpolated.borrow_mut()))
    }

    fn is_seq(&self, id: NodeId) -> bool {
        let id = self.y.resolve(id).unwrap_or(id);
        matches!(self.y.node(id).map(|n| &n.kind), Some(NodeKind::Seq(_)))
    }

    fn is_null(&self, id: NodeId) -> bool {
        let id = self.y.resolve(id).unwrap_or(id);
        match self.y.node(id).map(|n| &n.kind) {
            Some(NodeKind::Scalar { value, style, tag }) => {
                yaml::resolve_scalar(value, *style, tag.as_deref()) == yaml::Scalar::Null
            }
            _ => false,
        }
    }

    /// A scalar, or an error naming the field.
    fn text(&self, id: NodeId, field: &str) -> Result<String, ComposeError> {
        self.scalar(id)
            .ok_or_else(|| self.err(field, "expected a single value"))
    }

    /// A string or a list of strings.
    fn strings(&self, id: NodeId, field: &str) -> Result<Vec<String>, ComposeError> {
        if self.is_seq(id) {
            self.y
                .items(id)
                .iter()
                .map(|&i| self.text(i, field))
                .collect()
        } else {
            Ok(vec![self.text(id, field)?])
        }
    }

    /// `KEY=VALUE` pairs from a mapping or a list (`environment`, `labels`,
    /// `sysctls`, ...); a mapping value of null gives `KEY` alone.
    fn pairs(&self, id: NodeId, field: &str) -> Result<Vec<String>, ComposeError> {
        if self.y.is_map(id) {
            let mut out = Vec::new();
            for &(k, v) in self.y.pairs(id) {
                let k = self.text(k, field)?;
                if self.is_null(v) {
                    out.push(k);
                } else {
                    out.push(format!("{k}={}", self.text(v, &format!("{field}.{k}"))?));
                }
            }
            Ok(out)
        } else {
            self.strings(id, field)
        }
    }

    fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.merged(map)
            .into_iter()
            .rev()
            .find(|&(k, _)| self.y.scalar(k) == Some(key))
            .map(|(_, v)| v)
    }

    /// The pairs of a mapping with YAML merge keys (`<<: *base`) expanded:
    /// the merged pairs first, so that the mapping's own keys win.
    fn merged(&self, map: NodeId) -> Vec<(NodeId, NodeId)> {
        self.merged_depth(map, 0)
    }

    fn merged_depth(&self, map: NodeId, depth: usize) -> Vec<(NodeId, NodeId)> {
        let mut base = Vec::new();
        let mut own = Vec::new();
        for &(k, v) in self.y.pairs(map) {
            if self.y.scalar(k) == Some("<<") && depth < 16 {
                let sources: Vec<NodeId> = if self.is_seq(v) {
                    self.y.items(v).to_vec()
                } else {
                    vec![v]
                };
                for src in sources {
                    base.extend(self.merged_depth(src, depth + 1));
                }
            } else {
                own.push((k, v));
            }
        }
        let own_keys: Vec<Option<&str>> = own.iter().map(|&(k, _)| self.y.scalar(k)).collect();
        base.retain(|&(k, _)| !own_keys.contains(&self.y.scalar(k)));
        base.extend(own);
        base
    }
}

/// Words of a compose `command`/`entrypoint` string: split at blanks, with
/// single and double quotes grouping (as compose does it).
fn shell_words(s: &str) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => match chars.next() {
                Some(n) => cur.push(n),
                None => return Err("a final backslash"),
            },
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                match chars.next() {
                    Some(n) => cur.push(n),
                    None => return Err("a final backslash"),
                }
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("an unclosed quote");
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// A compose duration (`1m30s`, `10s`, `500ms`) in whole seconds.
fn seconds(d: &str) -> Option<u64> {
    if let Ok(n) = d.parse::<u64>() {
        return Some(n);
    }
    let mut total_ms: u64 = 0;
    let mut num = String::new();
    let mut rest = d;
    while !rest.is_empty() {
        let digits = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if digits == 0 {
            return None;
        }
        num.clear();
        num.push_str(&rest[..digits]);
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let v: f64 = num.parse().ok()?;
        let ms = match unit {
            "h" => v * 3_600_000.0,
            "m" => v * 60_000.0,
            "s" => v * 1000.0,
            "ms" => v,
            "us" => v / 1000.0,
            _ => return None,
        };
        total_ms = total_ms.checked_add(ms as u64)?;
    }
    Some(total_ms.div_ceil(1000))
}

/// Whether a volume source names a volume (not a path).
fn is_named_volume(src: &str) -> bool {
    !src.is_empty() && !src.starts_with(['/', '.', '~', '$'])
}

/// A service's pieces beyond its command line.
#[derive(Default)]
struct Extra {
    volumes: Vec<String>,
    networks: Vec<String>,
    requires: Vec<String>,
    unit: Vec<(String, String)>,
    service: Vec<(String, String)>,
    /// Ports, taken by the pod with `--pod`.
    ports: Vec<String>,
}

/// The compose file's own volumes and networks: name → external name (for
/// `external: true`) or `None` (a unit of ours).
struct Declared {
    volumes: Vec<(String, Option<String>)>,
    networks: Vec<(String, Option<String>)>,
}

impl Declared {
    fn volume(&self, name: &str) -> Option<&Option<String>> {
        self.volumes.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }
    fn network(&self, name: &str) -> Option<&Option<String>> {
        self.networks
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e)
    }
}

fn push(argv: &mut Vec<String>, flag: &str, value: impl Into<String>) {
    argv.push(flag.to_string());
    argv.push(value.into());
}

/// Converts a compose file. `dir` is the folder of the file (relative bind
/// mounts and env files are resolved against it); `pod` puts every service
/// in one `.pod` named after the project.
pub fn convert_compose(
    file: &str,
    text: &str,
    dir: &str,
    project: &str,
    opts: &Options,
    pod: bool,
) -> Result<Converted, ComposeError> {
    let y = yaml::parse(text);
    if let Some(e) = y.errors.first() {
        return Err(ComposeError::Yaml {
            file: file.to_string(),
            message: e.message.clone(),
        });
    }
    let root = y
        .docs
        .first()
        .and_then(|d| d.root)
        .filter(|&r| y.is_map(r))
        .ok_or_else(|| ComposeError::NoServices {
            file: file.to_string(),
        })?;
    let mut cx = Ctx {
        file,
        y: &y,
        warnings: Vec::new(),
        interpolated: Default::default(),
    };
    let services = cx
        .get(root, "services")
        .filter(|&s| y.is_map(s))
        .ok_or_else(|| ComposeError::NoServices {
            file: file.to_string(),
        })?;
    let project = cx
        .get(root, "name")
        .and_then(|n| cx.scalar(n))
        .unwrap_or_else(|| project.to_string());
    let project = unit_name(&project);
    for &(k, _) in y.pairs(root) {
        let k = cx.scalar(k).unwrap_or_default();
        match k.as_str() {
            "services" | "volumes" | "networks" | "name" => {}
            "secrets" => {
                if let Some(m) = cx.get(root, "secrets") {
                    for &(sk, sv) in y.pairs(m) {
                        let n = cx.scalar(sk).unwrap_or_default();
                        let how = if let Some(f) = cx.get(sv, "file").and_then(|f| cx.scalar(f)) {
                            format!("podman secret create {n} {f}")
                        } else if let Some(e) = cx.get(sv, "environment").and_then(|f| cx.scalar(f))
                        {
                            format!("podman secret create --env {n} {e}")
                        } else {
                            format!("podman secret create {n} FILE")
                        };
                        cx.warn(
                            &format!("secrets.{n}"),
                            &format!("Quadlet uses podman secrets, which must exist: create it with `{how}`"),
                        );
                    }
                }
            }
            "version" => cx.warn("version", "obsolete in compose files; ignored"),
            other if other.starts_with("x-") => cx.warn(
                other,
                "an extension field; ignored (anchors and aliases that use it are read)",
            ),
            other => cx.warn(other, "no Quadlet equivalent; ignored"),
        }
    }

    let mut out = Converted::default();
    // named volumes and networks
    let mut declared = Declared {
        volumes: Vec::new(),
        networks: Vec::new(),
    };
    for (top, kind) in [
        ("volumes", UnitKind::Volume),
        ("networks", UnitKind::Network),
    ] {
        let Some(m) = cx.get(root, top) else { continue };
        for &(k, v) in y.pairs(m) {
            let name = cx.text(k, top)?;
            let field = format!("{top}.{name}");
            let external = cx
                .get(v, "external")
                .and_then(|e| cx.scalar(e))
                .is_some_and(|e| e == "true");
            if external {
                let real = cx
                    .get(v, "name")
                    .and_then(|n| cx.scalar(n))
                    .unwrap_or_else(|| name.clone());
                match kind {
                    UnitKind::Volume => declared.volumes.push((name, Some(real))),
                    _ => declared.networks.push((name, Some(real))),
                }
                continue;
            }
            let draft = object_unit(&mut cx, v, &field, &name, &project, kind, opts)?;
            out.units.push(draft);
            match kind {
                UnitKind::Volume => declared.volumes.push((name, None)),
                _ => declared.networks.push((name, None)),
            }
        }
    }
    // services without networks join the project's default network, where
    // they find each other by name
    let mut default_network = false;
    let mut containers = Vec::new();
    let mut pod_ports = Vec::new();
    for &(k, v) in y.pairs(services) {
        let name = cx.text(k, "services")?;
        let field = format!("services.{name}");
        if !y.is_map(v) {
            return Err(cx.err(&field, "expected a mapping"));
        }
        let (mut argv, extra) = service_argv(&mut cx, v, &field, dir, &declared, pod)?;
        let bridged = !pod && cx.get(v, "network_mode").is_none();
        let on_default = bridged && extra.networks.is_empty();
        default_network |= on_default;
        if bridged {
            // compose services find each other by service name
            argv.insert(1, "--network-alias".into());
            argv.insert(2, name.clone());
        }
        containers.push((name, argv, extra, on_default));
    }
    let default_name = format!("{project}-default");
    for (name, argv, extra, on_default) in containers {
        let words: Vec<String> = argv;
        let parsed: Parsed = grammar::parse(&words).map_err(|e| ComposeError::Convert {
            file: file.to_string(),
            service: name.clone(),
            error: e.into(),
        })?;
        let sub = Options {
            release: opts.release,
            name: Some(name.clone()),
        };
        let c = super::convert_parsed(&parsed, &sub).map_err(|error| ComposeError::Convert {
            file: file.to_string(),
            service: name.clone(),
            error,
        })?;
        cx.warnings.extend(
            c.warnings
                .into_iter()
                .map(|w| format!("{file}: services.{name}: {w}")),
        );
        let Some(mut d) = c.units.into_iter().next() else {
            continue;
        };
        d.header_comment(&format!(
            "Converted by quadlet-ls from {file}, service {name}"
        ));
        let s = d.main_section();
        for v in &extra.volumes {
            let _ = d.value(s, "Volume", v);
        }
        if pod {
            let _ = d.value(s, "Pod", &format!("{project}.pod"));
            pod_ports.extend(extra.ports.iter().cloned());
        } else if on_default {
            let _ = d.value(s, "Network", &format!("{default_name}.network"));
        }
        for n in &extra.networks {
            let _ = d.value(s, "Network", n);
        }
        for r in &extra.requires {
            d.raw("Unit", "Requires", r);
            d.raw("Unit", "After", r);
        }
        for (k, v) in &extra.unit {
            d.raw("Unit", k, v);
        }
        for (k, v) in &extra.service {
            d.raw("Service", k, v);
        }
        out.units.push(d);
    }
    if default_network && !pod {
        let mut d = Draft::new(UnitKind::Network, default_name.clone());
        d.header_comment(&format!(
            "Converted by quadlet-ls from {file}: the project's default network, where services find each other by name"
        ));
        let _ = d.value("Network", "NetworkName", &format!("{project}_default"));
        out.units.push(d);
    }
    if pod {
        let mut argv: Vec<String> = vec!["pod".into(), "create".into()];
        for p in &pod_ports {
            push(&mut argv, "--publish", p.clone());
        }
        let parsed = grammar::parse(&argv).map_err(|e| ComposeError::Convert {
            file: file.to_string(),
            service: "(the pod)".into(),
            error: e.into(),
        })?;
        let sub = Options {
            release: opts.release,
            name: Some(project.clone()),
        };
        let c = super::convert_parsed(&parsed, &sub).map_err(|error| ComposeError::Convert {
            file: file.to_string(),
            service: "(the pod)".into(),
            error,
        })?;
        cx.warnings.extend(c.warnings);
        if let Some(mut d) = c.units.into_iter().next() {
            d.header_comment(&format!(
                "Converted by quadlet-ls from {file}: one pod for all its services (--pod)"
            ));
            out.units.push(d);
        }
    }
    let vars = cx.interpolated.borrow().clone();
    if !vars.is_empty() {
        cx.warnings.push(format!(
            "{file}: uses {}: compose fills these in from the environment and .env, convert does not; they are written as they are, replace them in the units",
            vars.join(", ")
        ));
    }
    out.warnings = cx.warnings;
    Ok(out)
}

/// A `.volume` or `.network` unit for a top-level entry.
fn object_unit(
    cx: &mut Ctx<'_>,
    v: NodeId,
    field: &str,
    name: &str,
    project: &str,
    kind: UnitKind,
    opts: &Options,
) -> Result<Draft, ComposeError> {
    let (sub, what) = match kind {
        UnitKind::Volume => ("volume", "volume"),
        _ => ("network", "network"),
    };
    let mut argv: Vec<String> = vec![sub.into(), "create".into()];
    let mut real_name = format!("{project}_{name}");
    if cx.y.is_map(v) {
        for &(k, val) in cx.y.pairs(v) {
            let key = cx.scalar(k).unwrap_or_default();
            let f = format!("{field}.{key}");
            match key.as_str() {
                "name" => real_name = cx.text(val, &f)?,
                "driver" => push(&mut argv, "--driver", cx.text(val, &f)?),
                "driver_opts" => {
                    for p in cx.pairs(val, &f)? {
                        push(&mut argv, "--opt", p);
                    }
                }
                "labels" => {
                    for p in cx.pairs(val, &f)? {
                        push(&mut argv, "--label", p);
                    }
                }
                "internal" if kind == UnitKind::Network => {
                    if cx.scalar(val).as_deref() == Some("true") {
                        argv.push("--internal".into());
                    }
                }
                "enable_ipv6" if kind == UnitKind::Network => {
                    if cx.scalar(val).as_deref() == Some("true") {
                        argv.push("--ipv6".into());
                    }
                }
                "ipam" if kind == UnitKind::Network => {
                    for (i, &c) in cx
                        .get(val, "config")
                        .map_or(&[][..], |c| cx.y.items(c))
                        .iter()
                        .enumerate()
                    {
                        for (ck, flag) in [
                            ("subnet", "--subnet"),
                            ("gateway", "--gateway"),
                            ("ip_range", "--ip-range"),
                        ] {
                            if let Some(x) = cx.get(c, ck).and_then(|x| cx.scalar(x)) {
                                push(&mut argv, flag, x);
                            }
                        }
                        let _ = i;
                    }
                    if let Some(d) = cx.get(val, "driver").and_then(|x| cx.scalar(x)) {
                        push(&mut argv, "--ipam-driver", d);
                    }
                }
                other => cx.warn(
                    &f,
                    &format!("no Quadlet equivalent for a {what}'s `{other}`; ignored"),
                ),
            }
        }
    } else if !cx.is_null(v) {
        return Err(cx.err(field, "expected a mapping"));
    }
    // the name compose gave it, so the data of an existing project is kept
    argv.push(real_name);
    let parsed = grammar::parse(&argv).map_err(|e| ComposeError::Convert {
        file: cx.file.to_string(),
        service: field.to_string(),
        error: e.into(),
    })?;
    let sub_opts = Options {
        release: opts.release,
        name: Some(name.to_string()),
    };
    let c = super::convert_parsed(&parsed, &sub_opts).map_err(|error| ComposeError::Convert {
        file: cx.file.to_string(),
        service: field.to_string(),
        error,
    })?;
    let file = cx.file.to_string();
    cx.warnings.extend(
        c.warnings
            .into_iter()
            .map(|w| format!("{file}: {field}: {w}")),
    );
    let mut d = c
        .units
        .into_iter()
        .next()
        .unwrap_or_else(|| Draft::new(kind, name.to_string()));
    d.header_comment(&format!("Converted by quadlet-ls from {file}, {field}"));
    Ok(d)
}

/// The `podman run` words of one service, and what goes in the unit
/// besides.
fn service_argv(
    cx: &mut Ctx<'_>,
    svc: NodeId,
    field: &str,
    dir: &str,
    declared: &Declared,
    pod: bool,
) -> Result<(Vec<String>, Extra), ComposeError> {
    let mut a: Vec<String> = vec!["run".into()];
    let mut extra = Extra::default();
    let mut image = None;
    let mut command: Vec<String> = Vec::new();
    let abs = |p: &str| -> String {
        if let Some(rest) = p.strip_prefix("./") {
            format!("{}/{rest}", dir.trim_end_matches('/'))
        } else if p == "." {
            dir.to_string()
        } else if !p.starts_with(['/', '~', '%', '$']) && !p.contains("://") {
            format!("{}/{p}", dir.trim_end_matches('/'))
        } else {
            p.to_string()
        }
    };
    let service_unit = |n: &str| format!("{}.service", unit_name(n));
    for (k, v) in cx.merged(svc) {
        let key = cx.scalar(k).unwrap_or_default();
        let f = format!("{field}.{key}");
        if !SERVICE_FIELDS.contains(&key.as_str()) {
            if key.starts_with("x-") {
                cx.warn(&f, "an extension field; ignored");
            } else {
                cx.warn(&f, "no Quadlet equivalent; ignored");
            }
            continue;
        }
        if cx.is_null(v) {
            continue;
        }
        let flag_each =
            |cx: &Ctx<'_>, a: &mut Vec<String>, flag: &str| -> Result<(), ComposeError> {
                for s in cx.strings(v, &f)? {
                    push(a, flag, s);
                }
                Ok(())
            };
        let pairs_each =
            |cx: &Ctx<'_>, a: &mut Vec<String>, flag: &str| -> Result<(), ComposeError> {
                for s in cx.pairs(v, &f)? {
                    push(a, flag, s);
                }
                Ok(())
            };
        match key.as_str() {
            "image" => image = Some(cx.text(v, &f)?),
            "build" => cx.warn(
                &f,
                "not converted: build the image (or write a .build unit with `quadlet-ls convert -- podman build ...`) and give the service an image",
            ),
            "container_name" => push(&mut a, "--name", cx.text(v, &f)?),
            "hostname" => push(&mut a, "--hostname", cx.text(v, &f)?),
            "domainname" => cx.warn(&f, "no podman run flag; ignored"),
            "command" => {
                command = if cx.is_seq(v) {
                    cx.strings(v, &f)?
                } else {
                    shell_words(&cx.text(v, &f)?).map_err(|e| cx.err(&f, e))?
                }
            }
            "entrypoint" => {
                let words = if cx.is_seq(v) {
                    cx.strings(v, &f)?
                } else {
                    shell_words(&cx.text(v, &f)?).map_err(|e| cx.err(&f, e))?
                };
                match words.as_slice() {
                    [] => push(&mut a, "--entrypoint", "[]"),
                    [one] => push(&mut a, "--entrypoint", one.clone()),
                    many => push(&mut a, "--entrypoint", serde_json::to_string(many).unwrap_or_default()),
                }
            }
            "environment" => pairs_each(cx, &mut a, "--env")?,
            "env_file" => {
                let items: Vec<NodeId> = if cx.is_seq(v) { cx.y.items(v).to_vec() } else { vec![v] };
                for i in items {
                    let path = if cx.y.is_map(i) {
                        let p = cx.get(i, "path").ok_or_else(|| cx.err(&f, "an entry without path"))?;
                        if cx.get(i, "required").and_then(|r| cx.scalar(r)).as_deref() == Some("false") {
                            cx.warn(&f, "required: false has no equivalent: podman fails when the file is missing");
                        }
                        cx.text(p, &f)?
                    } else {
                        cx.text(i, &f)?
                    };
                    push(&mut a, "--env-file", abs(&path));
                }
            }
            "ports" => {
                for &i in cx.y.items(v) {
                    let p = if cx.y.is_map(i) {
                        let get = |k: &str| cx.get(i, k).and_then(|x| cx.scalar(x));
                        let target = get("target").ok_or_else(|| cx.err(&f, "a port without target"))?;
                        let mut s = String::new();
                        if let Some(ip) = get("host_ip") {
                            s.push_str(&ip);
                            s.push(':');
                        }
                        if let Some(p) = get("published") {
                            s.push_str(&p);
                            s.push(':');
                        } else if !s.is_empty() {
                            s.push(':');
                        }
                        s.push_str(&target);
                        if let Some(proto) = get("protocol") {
                            s.push('/');
                            s.push_str(&proto);
                        }
                        s
                    } else {
                        cx.text(i, &f)?
                    };
                    if pod {
                        extra.ports.push(p);
                    } else {
                        push(&mut a, "--publish", p);
                    }
                }
            }
            "expose" => flag_each(cx, &mut a, "--expose")?,
            "volumes" => {
                for &i in cx.y.items(v) {
                    if cx.y.is_map(i) {
                        let get = |k: &str| cx.get(i, k).and_then(|x| cx.scalar(x));
                        let ty = get("type").unwrap_or_else(|| "volume".into());
                        let target = get("target").ok_or_else(|| cx.err(&f, "a volume without target"))?;
                        let ro = get("read_only").as_deref() == Some("true");
                        match ty.as_str() {
                            "tmpfs" => push(&mut a, "--tmpfs", target),
                            "bind" | "volume" => {
                                let src = get("source").unwrap_or_default();
                                let spec = format!("{src}:{target}{}", if ro { ":ro" } else { "" });
                                volume(cx, &mut a, &mut extra, &f, &spec, declared, &abs);
                            }
                            other => cx.warn(&f, &format!("a mount of type {other} has no equivalent; ignored")),
                        }
                        continue;
                    }
                    let spec = cx.text(i, &f)?;
                    volume(cx, &mut a, &mut extra, &f, &spec, declared, &abs);
                }
            }
            "depends_on" => {
                if cx.y.is_map(v) {
                    for &(dk, dv) in cx.y.pairs(v) {
                        let dep = cx.text(dk, &f)?;
                        if let Some(cond) = cx.get(dv, "condition").and_then(|c| cx.scalar(c)) {
                            if cond != "service_started" {
                                cx.warn(&format!("{f}.{dep}.condition"), &format!("{cond}: systemd waits only until the unit has started"));
                            }
                        }
                        extra.requires.push(service_unit(&dep));
                    }
                } else {
                    for dep in cx.strings(v, &f)? {
                        extra.requires.push(service_unit(&dep));
                    }
                }
            }
            "healthcheck" => healthcheck(cx, v, &f, &mut a)?,
            "restart" => push(&mut a, "--restart", cx.text(v, &f)?),
            "labels" => pairs_each(cx, &mut a, "--label")?,
            "annotations" => pairs_each(cx, &mut a, "--annotation")?,
            "user" => push(&mut a, "--user", cx.text(v, &f)?),
            "working_dir" => push(&mut a, "--workdir", cx.text(v, &f)?),
            "cap_add" => flag_each(cx, &mut a, "--cap-add")?,
            "cap_drop" => flag_each(cx, &mut a, "--cap-drop")?,
            "devices" => flag_each(cx, &mut a, "--device")?,
            "secrets" => {
                for &i in cx.y.items(v) {
                    let s = if cx.y.is_map(i) {
                        let get = |k: &str| cx.get(i, k).and_then(|x| cx.scalar(x));
                        let src = get("source").ok_or_else(|| cx.err(&f, "a secret without source"))?;
                        let mut s = src;
                        for (k, opt) in [("target", "target"), ("uid", "uid"), ("gid", "gid"), ("mode", "mode")] {
                            if let Some(x) = get(k) {
                                s.push_str(&format!(",{opt}={x}"));
                            }
                        }
                        s
                    } else {
                        cx.text(i, &f)?
                    };
                    push(&mut a, "--secret", s);
                }
            }
            "networks" => {
                let list: Vec<(String, Option<NodeId>)> = if cx.y.is_map(v) {
                    cx.y.pairs(v)
                        .iter()
                        .map(|&(nk, nv)| Ok((cx.text(nk, &f)?, Some(nv))))
                        .collect::<Result<_, ComposeError>>()?
                } else {
                    cx.strings(v, &f)?.into_iter().map(|n| (n, None)).collect()
                };
                if pod {
                    cx.warn(&f, "with --pod the containers share the pod's network; the service's networks are not used");
                    continue;
                }
                for (n, conf) in list {
                    match declared.network(&n) {
                        Some(Some(real)) => extra.networks.push(real.clone()),
                        Some(None) => extra.networks.push(format!("{}.network", unit_name(&n))),
                        None if n == "default" => extra.networks.push("default".into()),
                        None => return Err(cx.err(&f, format!("network `{n}` is not declared under the top-level networks"))),
                    }
                    if let Some(c) = conf.filter(|&c| cx.y.is_map(c)) {
                        if let Some(al) = cx.get(c, "aliases") {
                            for alias in cx.strings(al, &f)? {
                                push(&mut a, "--network-alias", alias);
                            }
                        }
                        for (ck, flag) in [("ipv4_address", "--ip"), ("ipv6_address", "--ip6")] {
                            if let Some(x) = cx.get(c, ck).and_then(|x| cx.scalar(x)) {
                                push(&mut a, flag, x);
                            }
                        }
                    }
                }
                if let Some(n) = extra.networks.iter().position(|n| n == "default") {
                    // compose's `default` is the project network
                    extra.networks.remove(n);
                }
            }
            "network_mode" => {
                let m = cx.text(v, &f)?;
                match m.split_once(':') {
                    Some(("service", other)) => cx.warn(&f, &format!("service:{other} has no equivalent (use --pod to share a network); ignored")),
                    _ => push(&mut a, "--network", m),
                }
            }
            "deploy" => deploy(cx, v, &f, &mut a)?,
            "mem_limit" => push(&mut a, "--memory", cx.text(v, &f)?),
            "memswap_limit" => push(&mut a, "--memory-swap", cx.text(v, &f)?),
            "mem_reservation" => push(&mut a, "--memory-reservation", cx.text(v, &f)?),
            "cpus" => push(&mut a, "--cpus", cx.text(v, &f)?),
            "cpu_shares" => push(&mut a, "--cpu-shares", cx.text(v, &f)?),
            "pids_limit" => push(&mut a, "--pids-limit", cx.text(v, &f)?),
            "shm_size" => push(&mut a, "--shm-size", cx.text(v, &f)?),
            "oom_score_adj" => push(&mut a, "--oom-score-adj", cx.text(v, &f)?),
            "cgroup_parent" => push(&mut a, "--cgroup-parent", cx.text(v, &f)?),
            "privileged" | "read_only" | "init" | "tty" | "stdin_open" => {
                let t = cx.text(v, &f)?;
                if t == "true" {
                    let flag = match key.as_str() {
                        "privileged" => "--privileged",
                        "read_only" => "--read-only",
                        "init" => "--init",
                        "tty" => "--tty",
                        _ => "--interactive",
                    };
                    a.push(flag.into());
                }
            }
            "extra_hosts" => {
                for h in cx.pairs(v, &f)? {
                    // the mapping form is `host: ip`, the list form `host:ip` or `host=ip`
                    let h = match h.split_once('=') {
                        Some((n, ip)) => format!("{n}:{ip}"),
                        None => h,
                    };
                    push(&mut a, "--add-host", h);
                }
            }
            "dns" => flag_each(cx, &mut a, "--dns")?,
            "dns_search" => flag_each(cx, &mut a, "--dns-search")?,
            "dns_opt" => flag_each(cx, &mut a, "--dns-option")?,
            "sysctls" => pairs_each(cx, &mut a, "--sysctl")?,
            "ulimits" => {
                for &(uk, uv) in cx.y.pairs(v) {
                    let n = cx.text(uk, &f)?;
                    let val = if cx.y.is_map(uv) {
                        let soft = cx.get(uv, "soft").and_then(|x| cx.scalar(x)).unwrap_or_default();
                        let hard = cx.get(uv, "hard").and_then(|x| cx.scalar(x)).unwrap_or_else(|| soft.clone());
                        format!("{soft}:{hard}")
                    } else {
                        cx.text(uv, &f)?
                    };
                    push(&mut a, "--ulimit", format!("{n}={val}"));
                }
            }
            "security_opt" => flag_each(cx, &mut a, "--security-opt")?,
            "stop_signal" => push(&mut a, "--stop-signal", cx.text(v, &f)?),
            "stop_grace_period" => {
                let d = cx.text(v, &f)?;
                match seconds(&d) {
                    Some(s) => push(&mut a, "--stop-timeout", s.to_string()),
                    None => return Err(cx.err(&f, format!("`{d}` is not a duration"))),
                }
            }
            "logging" => {
                if let Some(d) = cx.get(v, "driver").and_then(|x| cx.scalar(x)) {
                    push(&mut a, "--log-driver", d);
                }
                if let Some(o) = cx.get(v, "options") {
                    for p in cx.pairs(o, &f)? {
                        push(&mut a, "--log-opt", p);
                    }
                }
            }
            "tmpfs" => flag_each(cx, &mut a, "--tmpfs")?,
            "group_add" => flag_each(cx, &mut a, "--group-add")?,
            "userns_mode" => push(&mut a, "--userns", cx.text(v, &f)?),
            "pid" => push(&mut a, "--pid", cx.text(v, &f)?),
            "ipc" => push(&mut a, "--ipc", cx.text(v, &f)?),
            "platform" => push(&mut a, "--platform", cx.text(v, &f)?),
            "pull_policy" => {
                let p = cx.text(v, &f)?;
                let p = match p.as_str() {
                    "if_not_present" => "missing".to_string(),
                    "build" => {
                        cx.warn(&f, "build: not converted; ignored");
                        continue;
                    }
                    _ => p,
                };
                push(&mut a, "--pull", p);
            }
            "mac_address" => push(&mut a, "--mac-address", cx.text(v, &f)?),
            _ => cx.warn(&f, "no Quadlet equivalent; ignored"),
        }
    }
    let Some(image) = image else {
        return Err(cx.err(
            field,
            "no image: a service needs `image:` (a `build:` alone is not converted)",
        ));
    };
    a.push(image);
    a.extend(command);
    Ok((a, extra))
}

/// One volume entry `SRC:DST[:MODE]` (or `DST` alone, an anonymous volume).
fn volume(
    cx: &mut Ctx<'_>,
    a: &mut Vec<String>,
    extra: &mut Extra,
    f: &str,
    spec: &str,
    declared: &Declared,
    abs: &dyn Fn(&str) -> String,
) {
    let (src, rest) = match spec.split_once(':') {
        Some((s, r)) => (s, r),
        None => {
            push(a, "--volume", spec.to_string());
            return;
        }
    };
    if is_named_volume(src) {
        match declared.volume(src) {
            Some(Some(real)) => push(a, "--volume", format!("{real}:{rest}")),
            Some(None) => extra
                .volumes
                .push(format!("{}.volume:{rest}", unit_name(src))),
            None => {
                cx.warn(f, &format!("volume `{src}` is not declared under the top-level volumes: podman creates it on first use"));
                push(a, "--volume", spec.to_string());
            }
        }
    } else {
        push(a, "--volume", format!("{}:{rest}", abs(src)));
    }
}

fn healthcheck(
    cx: &mut Ctx<'_>,
    v: NodeId,
    f: &str,
    a: &mut Vec<String>,
) -> Result<(), ComposeError> {
    if cx.get(v, "disable").and_then(|d| cx.scalar(d)).as_deref() == Some("true") {
        push(a, "--health-cmd", "none");
        return Ok(());
    }
    for &(k, val) in cx.y.pairs(v) {
        let key = cx.scalar(k).unwrap_or_default();
        let ff = format!("{f}.{key}");
        match key.as_str() {
            "test" => {
                let cmd = if cx.is_seq(val) {
                    let words = cx.strings(val, &ff)?;
                    match words.split_first() {
                        Some((first, rest)) if first == "CMD" => {
                            serde_json::to_string(rest).unwrap_or_default()
                        }
                        Some((first, rest)) if first == "CMD-SHELL" => rest.join(" "),
                        Some((first, _)) if first == "NONE" => "none".into(),
                        _ => serde_json::to_string(&words).unwrap_or_default(),
                    }
                } else {
                    cx.text(val, &ff)?
                };
                push(a, "--health-cmd", cmd);
            }
            "interval" => push(a, "--health-interval", cx.text(val, &ff)?),
            "timeout" => push(a, "--health-timeout", cx.text(val, &ff)?),
            "retries" => push(a, "--health-retries", cx.text(val, &ff)?),
            "start_period" => push(a, "--health-start-period", cx.text(val, &ff)?),
            "start_interval" => push(a, "--health-startup-interval", cx.text(val, &ff)?),
            "disable" => {}
            other => cx.warn(
                &ff,
                &format!("no equivalent for healthcheck `{other}`; ignored"),
            ),
        }
    }
    Ok(())
}

fn deploy(cx: &mut Ctx<'_>, v: NodeId, f: &str, a: &mut Vec<String>) -> Result<(), ComposeError> {
    for &(k, val) in cx.y.pairs(v) {
        let key = cx.scalar(k).unwrap_or_default();
        let ff = format!("{f}.{key}");
        if key != "resources" {
            cx.warn(&ff, "no Quadlet equivalent (swarm deployment); ignored");
            continue;
        }
        for &(rk, rv) in cx.y.pairs(val) {
            let rkey = cx.scalar(rk).unwrap_or_default();
            let rf = format!("{ff}.{rkey}");
            for &(lk, lv) in cx.y.pairs(rv) {
                let lkey = cx.scalar(lk).unwrap_or_default();
                let lf = format!("{rf}.{lkey}");
                let flag = match (rkey.as_str(), lkey.as_str()) {
                    ("limits", "cpus") => "--cpus",
                    ("limits", "memory") => "--memory",
                    ("limits", "pids") => "--pids-limit",
                    ("reservations", "memory") => "--memory-reservation",
                    _ => {
                        cx.warn(&lf, "no Quadlet equivalent; ignored");
                        continue;
                    }
                };
                push(a, flag, cx.text(lv, &lf)?);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(seconds("10s"), Some(10));
        assert_eq!(seconds("1m30s"), Some(90));
        assert_eq!(seconds("1500ms"), Some(2));
        assert_eq!(seconds("20"), Some(20));
        assert_eq!(seconds("soon"), None);
    }

    #[test]
    fn command_strings_split_like_compose() {
        assert_eq!(
            shell_words(r#"sh -c 'echo "$HOME" 100%' x\ y"#).unwrap(),
            ["sh", "-c", "echo \"$HOME\" 100%", "x y"]
        );
        assert!(shell_words("a 'b").is_err());
    }
}
