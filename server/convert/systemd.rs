//! Units written by `podman generate systemd` → Quadlet units.
//!
//! Two steps. [`read_service`] takes one `.service` apart: which podman
//! object it runs (a container or a pod), how (the `--new` form, which holds
//! the whole `podman run` / `podman pod create` line, or the plain form,
//! which only starts an existing object by name or ID), and which of its
//! settings the user chose. What the generator always writes (the
//! `PODMAN_SYSTEMD_UNIT` environment, `PIDFile=`, `Type=`, the stop and
//! cleanup commands, the `--cidfile`/`--cgroups`/`--rm`/`--sdnotify`/`-d`/
//! `--replace` flags it adds, `RequiresMountsFor=` its run root) is dropped:
//! Quadlet generates its own. [`plan`] then links a pod service with the
//! container services that belong to it.
//!
//! The result is a list of [`Planned`] units: a podman argv for the core
//! converter plus the `[Unit]`/`[Service]`/`[Install]` entries to add.

use super::grammar::{self, Opt, Parsed, Subcommand};
use crate::model::split::split_exec;
use crate::syntax;

/// What kind of podman object a generated service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Container,
    Pod,
}

/// How the service starts its object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// `--new`: the podman command that creates the object, with the
    /// generator's own flags removed and its `%%`/`$$` escapes undone.
    New(Parsed),
    /// The plain form: `podman start NAME_OR_ID` of an object that exists
    /// in podman's storage. Its image and options are not in the file.
    Existing(String),
}

/// An entry to copy into the new unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub section: String,
    pub key: String,
    /// The value as the `.service` had it (already systemd syntax: it is
    /// written back verbatim).
    pub value: String,
}

/// One `.service` file, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The file name, `container-web.service`.
    pub file: String,
    pub kind: Kind,
    pub start: Start,
    /// The `--name` of the create line.
    pub name: Option<String>,
    /// The podman release named in the header comment.
    pub podman_version: Option<String>,
    /// The pod service a container service is bound to (`BindsTo=`), or the
    /// pod its `--pod-id-file` names.
    pub pod_service: Option<String>,
    /// The container services a pod service starts (its `Wants=`/`Before=`).
    pub members: Vec<String>,
    /// `-t N` of the stop command.
    pub stop_timeout: Option<String>,
    /// Settings the user chose, in file order.
    pub kept: Vec<Kept>,
    /// What was dropped because Quadlet writes it itself (for the report).
    pub dropped: Vec<String>,
    /// Things the reader could not carry over faithfully.
    pub warnings: Vec<String>,
    /// The rootless run root was named (`/run/user/UID/...`).
    pub rootless: bool,
    /// A template unit (`%i` in the container name).
    pub template: bool,
}

/// Why a file cannot be read as a generated service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("{file}: no ExecStart= line: this is not a unit written by `podman generate systemd`")]
    NoExecStart { file: String },
    #[error("{file}: ExecStart= runs `{program}`, not podman: this is not a unit written by `podman generate systemd`")]
    NotPodman { file: String, program: String },
    #[error("{file}: ExecStart= runs `podman {words}`, which convert does not know (expected `run`, `start` or `pod start`)")]
    UnknownCommand { file: String, words: String },
    #[error("{file}: {key}= cannot be split into words: {reason}")]
    BadQuoting {
        file: String,
        key: String,
        reason: String,
    },
    #[error("{file}: {key}=: {error}")]
    Command {
        file: String,
        key: String,
        error: grammar::GrammarError,
    },
    #[error("{file}: the pod service has no `podman pod create` line in ExecStartPre=")]
    NoPodCreate { file: String },
    #[error("{file}: line {line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
}

/// One word of a logical line as systemd reads it: continuation lines are
/// joined with a space (podman's own parser joins them without one).
fn systemd_value(text: &str, e: &syntax::Entry) -> String {
    let mut joined = String::new();
    for (i, p) in e.pieces.iter().enumerate() {
        if i > 0 {
            joined.push(' ');
        }
        joined.push_str(text.get(p.doc.start..p.doc.end).unwrap_or(""));
    }
    // the key and `=` are in the first piece
    let value_start = e
        .pieces
        .first()
        .map_or(0, |p| e.value_span.start.saturating_sub(p.doc.start));
    joined.get(value_start..).unwrap_or("").trim().to_string()
}

/// Removes systemd's prefix characters of an `Exec*=` line (`-`, `@`, `+`,
/// `!`, `:`).
fn strip_exec_prefix(v: &str) -> &str {
    v.trim_start_matches(['-', '@', '+', '!', ':'])
}

/// Undoes the escaping the generator applies to each word: `%%` and `$$`
/// (systemd's specifier and variable escapes). Other specifiers and
/// variables are left as they are and reported.
fn unescape_systemd(word: &str, found: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('%', Some('%')) | ('$', Some('$')) => {
                out.push(c);
                chars.next();
            }
            ('%', Some(n)) => {
                found.push(format!("%{n}"));
                out.push(c);
            }
            ('$', Some(n)) if n == '{' || n.is_ascii_alphabetic() || n == '_' => {
                found.push(format!("${n}"));
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Splits an `Exec*=` value into words, still with the generator's `%%`
/// and `$$` escapes (see [`unescape_systemd`]).
fn exec_words(file: &str, key: &str, value: &str) -> Result<Vec<String>, ServiceError> {
    split_exec(strip_exec_prefix(value)).map_err(|e| ServiceError::BadQuoting {
        file: file.to_string(),
        key: key.to_string(),
        reason: e.to_string(),
    })
}

/// Undoes the escapes of every word, collecting the specifiers and
/// variables left.
fn unescape_all(words: Vec<String>, found: &mut Vec<String>) -> Vec<String> {
    words.iter().map(|w| unescape_systemd(w, found)).collect()
}

fn is_podman(program: &str) -> bool {
    program.rsplit('/').next() == Some("podman")
}

/// Global podman options that are booleans (all others take a value).
const GLOBAL_BOOLS: &[&str] = &[
    "--syslog",
    "--remote",
    "-r",
    "--noout",
    "--help",
    "-h",
    "--version",
    "-v",
    "--trace",
    "--log-caller",
];

/// The index of the subcommand in `args` (the words after `podman`), past
/// the global options.
fn subcommand_index(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let w = &args[i];
        if !w.starts_with('-') {
            return Some(i);
        }
        if !w.contains('=') && !GLOBAL_BOOLS.contains(&w.as_str()) {
            i += 1;
        }
        i += 1;
    }
    None
}

/// A flag of `words[i]`: its name and, when it is written `--name=value`,
/// the value.
fn flag_parts(w: &str) -> (&str, Option<&str>) {
    match w.split_once('=') {
        Some((n, v)) if w.starts_with("--") => (n, Some(v)),
        _ => (w, None),
    }
}

/// Takes the generator's own flags out of a parsed command and undoes its
/// `%%`/`$$` escapes in what is left; the specifiers and variables left are
/// collected.
fn clean(mut p: Parsed, ours: fn(&str, Option<&str>) -> bool, found: &mut Vec<String>) -> Parsed {
    p.opts.retain(|o| !ours(&o.name, o.value.as_deref()));
    let fix = |o: &mut Opt, found: &mut Vec<String>| {
        o.value = o.value.as_deref().map(|v| unescape_systemd(v, found));
        o.words = o
            .words
            .iter()
            .map(|w| unescape_systemd(w, &mut Vec::new()))
            .collect();
    };
    for o in p.globals.iter_mut().chain(p.opts.iter_mut()) {
        fix(o, found);
    }
    p.args = unescape_all(std::mem::take(&mut p.args), found);
    p
}

/// The generator's own flags on a `podman run` line.
fn run_boilerplate(name: &str, value: Option<&str>) -> bool {
    match name {
        "cidfile" | "conmon-pidfile" | "cgroups" | "rm" | "detach" | "replace" | "pod-id-file" => {
            true
        }
        "sdnotify" => value == Some("conmon"),
        _ => false,
    }
}

/// The generator's own flags on a `podman pod create` line.
fn pod_boilerplate(name: &str, value: Option<&str>) -> bool {
    match name {
        "infra-conmon-pidfile" | "pod-id-file" | "replace" => true,
        "exit-policy" => value == Some("stop"),
        _ => false,
    }
}

/// The `-t N` / `--time N` of a `podman stop` line.
fn stop_time(words: &[String]) -> Option<String> {
    let mut it = words.iter();
    while let Some(w) = it.next() {
        match flag_parts(w) {
            ("-t" | "--time" | "--timeout", Some(v)) => return Some(v.to_string()),
            ("-t" | "--time" | "--timeout", None) => return it.next().cloned(),
            _ => {}
        }
    }
    None
}

/// The default run roots the generator names in `RequiresMountsFor=`.
fn is_run_root(v: &str, rootless: &mut bool) -> bool {
    let v = v.trim_end_matches('/');
    if v == "%t/containers" || v == "/run/containers/storage" || v == "/var/run/containers/storage"
    {
        return true;
    }
    if let Some(rest) = v.strip_prefix("/run/user/") {
        if let Some((uid, tail)) = rest.split_once('/') {
            if uid.bytes().all(|b| b.is_ascii_digit()) && tail == "containers" {
                *rootless = true;
                return true;
            }
        }
    }
    false
}

/// The service name a `--pod-id-file %t/pod-web.pod-id` points to.
fn pod_service_from_id_file(v: &str) -> Option<String> {
    let base = v.rsplit('/').next()?;
    let stem = base
        .strip_suffix(".pod-id")
        .or_else(|| base.strip_suffix(".pod-id-file"))?;
    if stem.is_empty() || stem.contains('%') {
        return None;
    }
    Some(format!("{stem}.service"))
}

struct Reader<'a> {
    file: &'a str,
    stem: &'a str,
    svc: Service,
}

impl Reader<'_> {
    fn keep(&mut self, section: &str, key: &str, value: &str) {
        self.svc.kept.push(Kept {
            section: section.to_string(),
            key: key.to_string(),
            value: value.to_string(),
        });
    }

    fn drop(&mut self, what: String) {
        if !self.svc.dropped.contains(&what) {
            self.svc.dropped.push(what);
        }
    }
}

/// Reads one `.service` written by `podman generate systemd`.
pub fn read_service(file: &str, text: &str) -> Result<Service, ServiceError> {
    let doc = syntax::parse(text);
    if let Some(e) = doc.errors.first() {
        let line = text
            .get(..e.span.start)
            .map_or(0, |s| s.matches('\n').count())
            + 1;
        return Err(ServiceError::Syntax {
            file: file.to_string(),
            line,
            message: e.message.clone(),
        });
    }
    let stem = file.rsplit('/').next().unwrap_or(file);
    let stem = stem.strip_suffix(".service").unwrap_or(stem);
    let mut r = Reader {
        file,
        stem,
        svc: Service {
            file: file.rsplit('/').next().unwrap_or(file).to_string(),
            kind: Kind::Container,
            start: Start::Existing(String::new()),
            podman_version: None,
            name: None,
            pod_service: None,
            members: Vec::new(),
            stop_timeout: None,
            kept: Vec::new(),
            dropped: Vec::new(),
            warnings: Vec::new(),
            rootless: false,
            template: stem.ends_with('@'),
        },
    };
    for c in &doc.comments {
        let t = text.get(c.span.start..c.span.end).unwrap_or("");
        if let Some(v) = t
            .trim_start_matches(['#', ';'])
            .trim()
            .strip_prefix("autogenerated by Podman ")
        {
            r.svc.podman_version = Some(v.trim().to_string());
        }
    }
    // the comment that separates the generator's dependencies from the
    // user's (`--wants`, `--after`, `--requires`)
    let user_deps_at = doc.comments.iter().find_map(|c| {
        let t = text.get(c.span.start..c.span.end).unwrap_or("");
        (t.trim_start_matches('#').trim() == "User-defined dependencies").then_some(c.span.start)
    });

    let value_of = |e: &syntax::Entry| systemd_value(text, e);
    let exec_start = doc
        .section_entries("Service")
        .filter(|e| e.key == "ExecStart")
        .last()
        .ok_or_else(|| ServiceError::NoExecStart {
            file: file.to_string(),
        })?;
    let words = exec_words(file, "ExecStart", &value_of(exec_start))?;
    let mut specifiers = Vec::new();
    let program = words.first().cloned().unwrap_or_default();
    if !is_podman(&program) {
        return Err(ServiceError::NotPodman {
            file: file.to_string(),
            program,
        });
    }
    let args = words.get(1..).unwrap_or(&[]).to_vec();
    let sub = subcommand_index(&args).unwrap_or(args.len());
    let tail: Vec<&str> = args[sub..].iter().map(String::as_str).collect();
    let unknown = || ServiceError::UnknownCommand {
        file: file.to_string(),
        words: args[sub..]
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
    };
    let command_error = |key: &str, error| ServiceError::Command {
        file: file.to_string(),
        key: key.to_string(),
        error,
    };
    match tail.as_slice() {
        ["run" | "create", ..] | ["container", "run" | "create", ..] => {
            let parsed = grammar::parse(&words).map_err(|e| command_error("ExecStart", e))?;
            let value = |name: &str| {
                parsed
                    .last(name)
                    .and_then(|o| o.value.as_deref())
                    .map(|v| unescape_systemd(v, &mut Vec::new()))
            };
            r.svc.name = value("name");
            if let Some(p) = value("pod-id-file")
                .as_deref()
                .and_then(pod_service_from_id_file)
            {
                r.svc.pod_service = Some(p);
            }
            let mut parsed = clean(parsed, run_boilerplate, &mut specifiers);
            // the generator writes `run` for containers made with `create`
            parsed.command = Subcommand::Run;
            r.drop("--cidfile --cgroups --rm --sdnotify=conmon -d --replace".into());
            r.svc.start = Start::New(parsed);
        }
        ["start", ..] | ["container", "start", ..] => {
            let at = if tail[0] == "container" {
                sub + 2
            } else {
                sub + 1
            };
            let targets: Vec<&String> = args[at..].iter().filter(|w| !w.starts_with('-')).collect();
            match targets.as_slice() {
                [one] => r.svc.start = Start::Existing(unescape_systemd(one, &mut specifiers)),
                _ => return Err(unknown()),
            }
        }
        ["pod", "start", ..] => {
            r.svc.kind = Kind::Pod;
            // the create line is in ExecStartPre=
            let mut create = None;
            for e in doc
                .section_entries("Service")
                .filter(|e| e.key == "ExecStartPre")
            {
                let pre = exec_words(file, "ExecStartPre", &value_of(e))?;
                let pargs = pre.get(1..).unwrap_or(&[]);
                let psub = subcommand_index(pargs).unwrap_or(pargs.len());
                let ptail = &pargs[psub..];
                if pre.first().is_some_and(|p| is_podman(p))
                    && ptail.first().map(String::as_str) == Some("pod")
                    && ptail.get(1).map(String::as_str) == Some("create")
                {
                    create =
                        Some(grammar::parse(&pre).map_err(|e| command_error("ExecStartPre", e))?);
                }
            }
            let Some(parsed) = create else {
                return Err(ServiceError::NoPodCreate {
                    file: file.to_string(),
                });
            };
            r.svc.name = parsed
                .last("name")
                .and_then(|o| o.value.as_deref())
                .map(|v| unescape_systemd(v, &mut Vec::new()));
            r.svc.start = Start::New(clean(parsed, pod_boilerplate, &mut specifiers));
            r.drop("--infra-conmon-pidfile --pod-id-file --exit-policy=stop --replace".into());
        }
        _ => return Err(unknown()),
    }
    for s in specifiers {
        if s == "%i" || s == "%I" {
            r.svc.template = true;
            continue;
        }
        if r.svc.warnings.iter().any(|w| w.contains(&format!("`{s}`"))) {
            continue;
        }
        r.svc.warnings.push(format!(
            "{file}: the podman command uses `{s}`, which systemd expanded in the old unit; it is written as a literal `{s}`, check the new unit by hand"
        ));
    }

    // the plain form of a pod: its service starts the infra container and
    // wants the container services
    if let Start::Existing(target) = &r.svc.start {
        let befores = doc.section_entries("Unit").any(|e| e.key == "Before");
        if target.ends_with("-infra") || (stem.starts_with("pod-") && befores) {
            r.svc.kind = Kind::Pod;
        }
    }

    read_unit_section(&mut r, &doc, text, user_deps_at);
    read_service_section(&mut r, &doc, text)?;
    for e in doc.section_entries("Install") {
        let v = value_of(e);
        r.keep("Install", &e.key, &v);
    }
    for sec in &doc.sections {
        if matches!(sec.name.as_str(), "Unit" | "Service" | "Install") {
            continue;
        }
        for &i in &sec.entries {
            if let Some(e) = doc.entries.get(i) {
                let v = value_of(e);
                r.keep(&sec.name, &e.key, &v);
            }
        }
    }
    let _ = r.file;
    let _ = r.stem;
    Ok(r.svc)
}

fn read_unit_section(
    r: &mut Reader<'_>,
    doc: &syntax::Document,
    text: &str,
    user_deps_at: Option<usize>,
) {
    let stem = r.stem.to_string();
    let is_pod = r.svc.kind == Kind::Pod;
    for e in doc.section_entries("Unit") {
        let v = systemd_value(text, e);
        let generator_part = user_deps_at.is_none_or(|at| e.span.start < at);
        match e.key.as_str() {
            "Description" => {
                let default = format!("Podman {stem}.service");
                let template_default = format!("Podman {stem}.service for %I");
                if v == default || v == template_default {
                    r.drop("Description= (the default)".into());
                } else {
                    r.keep("Unit", "Description", &v);
                }
            }
            "Documentation" if v == "man:podman-generate-systemd(1)" => {
                r.drop("Documentation=".into());
            }
            "RequiresMountsFor" => {
                let mut rootless = false;
                let items: Vec<&str> = v.split_whitespace().collect();
                let rest: Vec<&str> = items
                    .iter()
                    .copied()
                    .filter(|i| !is_run_root(i, &mut rootless))
                    .collect();
                r.svc.rootless |= rootless;
                if rest.len() != items.len() {
                    r.drop("RequiresMountsFor= (the run root)".into());
                }
                if !rest.is_empty() {
                    r.keep("Unit", "RequiresMountsFor", &rest.join(" "));
                }
            }
            "Wants" | "After" | "BindsTo" | "Before" | "Requires" if generator_part => {
                let items: Vec<&str> = v.split_whitespace().collect();
                let mut rest = Vec::new();
                for item in items {
                    if item == "network-online.target"
                        && matches!(e.key.as_str(), "Wants" | "After")
                    {
                        r.drop(format!("{}=network-online.target", e.key));
                        continue;
                    }
                    if !is_pod && e.key == "BindsTo" && item.ends_with(".service") {
                        r.svc.pod_service = Some(item.to_string());
                        continue;
                    }
                    if !is_pod && e.key == "After" && r.svc.pod_service.as_deref() == Some(item) {
                        continue;
                    }
                    if is_pod
                        && matches!(e.key.as_str(), "Wants" | "Before")
                        && item.ends_with(".service")
                    {
                        if !r.svc.members.iter().any(|m| m == item) {
                            r.svc.members.push(item.to_string());
                        }
                        continue;
                    }
                    rest.push(item);
                }
                if !rest.is_empty() {
                    r.keep("Unit", &e.key, &rest.join(" "));
                }
            }
            _ => r.keep("Unit", &e.key, &v),
        }
    }
}

fn read_service_section(
    r: &mut Reader<'_>,
    doc: &syntax::Document,
    text: &str,
) -> Result<(), ServiceError> {
    let file = r.file.to_string();
    for e in doc.section_entries("Service") {
        let v = systemd_value(text, e);
        match e.key.as_str() {
            "ExecStart" => {}
            "Environment" => {
                let words = crate::model::split::split_strv(&v).unwrap_or_else(|_| vec![v.clone()]);
                let rest: Vec<&String> = words
                    .iter()
                    .filter(|w| !w.starts_with("PODMAN_SYSTEMD_UNIT="))
                    .collect();
                if rest.len() != words.len() {
                    r.drop("Environment=PODMAN_SYSTEMD_UNIT".into());
                }
                if !rest.is_empty() {
                    if rest.len() == words.len() {
                        r.keep("Service", "Environment", &v);
                    } else {
                        let joined: Vec<String> = rest.iter().map(|w| quote_env(w)).collect();
                        r.keep("Service", "Environment", &joined.join(" "));
                    }
                }
            }
            "ExecStartPre" | "ExecStop" | "ExecStopPost" => {
                let words = exec_words(&file, &e.key, &v)?;
                let args = words.get(1..).unwrap_or(&[]);
                let sub = subcommand_index(args).unwrap_or(args.len());
                let tail: Vec<&str> = args[sub..].iter().map(String::as_str).take(2).collect();
                let podman = words.first().is_some_and(|p| is_podman(p));
                let ours = match (e.key.as_str(), tail.as_slice()) {
                    ("ExecStartPre", _)
                        if words
                            .first()
                            .is_some_and(|p| p.ends_with("/rm") || p == "rm") =>
                    {
                        // `/bin/rm -f %t/%n.ctr-id` and friends
                        words
                            .iter()
                            .skip(1)
                            .all(|w| w.starts_with('-') || w.starts_with("%t/"))
                    }
                    ("ExecStartPre", ["pod", "create"]) => podman,
                    ("ExecStop" | "ExecStopPost", ["stop" | "rm", ..] | ["pod", "stop" | "rm"]) => {
                        podman
                    }
                    _ => false,
                };
                if ours {
                    if e.key != "ExecStartPre" && r.svc.stop_timeout.is_none() {
                        r.svc.stop_timeout = stop_time(&args[sub..]);
                    }
                    r.drop(format!("{}=", e.key));
                } else {
                    r.keep("Service", &e.key, &v);
                }
            }
            "PIDFile" | "NotifyAccess" => r.drop(format!("{}=", e.key)),
            "Type" if matches!(v.as_str(), "forking" | "notify") => r.drop("Type=".into()),
            "KillMode" if v == "none" => r.drop("KillMode=none".into()),
            _ => r.keep("Service", &e.key, &v),
        }
    }
    Ok(())
}

/// Quotes one `NAME=value` for systemd's `Environment=` when it needs it.
fn quote_env(w: &str) -> String {
    if w.chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == '\\')
    {
        format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        w.to_string()
    }
}

/// One Quadlet unit to write, from one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The `.service` it comes from.
    pub source: String,
    pub kind: Kind,
    /// The new unit's base name (`web` for `web.container`).
    pub name: String,
    /// How the object was started (the argv for the core converter, or the
    /// name of an existing object).
    pub start: Start,
    /// `Pod=` for a container of a converted pod (`web.pod`).
    pub pod: Option<String>,
    /// `-t N` of the old stop command, when it is not podman's default.
    pub stop_timeout: Option<String>,
    /// Entries to add to the new unit, values verbatim.
    pub kept: Vec<Kept>,
    pub dropped: Vec<String>,
    pub warnings: Vec<String>,
}

fn looks_like_id(s: &str) -> bool {
    s.len() >= 12 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The new unit's name for a service.
fn unit_name(s: &Service) -> String {
    let stem = s.file.strip_suffix(".service").unwrap_or(&s.file);
    let prefix = match s.kind {
        Kind::Container => "container-",
        Kind::Pod => "pod-",
    };
    let from_stem = stem
        .strip_prefix(prefix)
        .unwrap_or(stem)
        .trim_end_matches('@')
        .to_string();
    let named = match &s.start {
        Start::New(_) => s.name.clone(),
        Start::Existing(t) if s.kind == Kind::Container && !looks_like_id(t) => Some(t.clone()),
        Start::Existing(_) => None,
    };
    match named {
        Some(n) if !n.is_empty() && !n.contains(['/', '%']) => n,
        _ => from_stem,
    }
}

/// Links services into units: a pod service becomes a `.pod`, the
/// container services bound to it get `Pod=` of it.
pub fn plan(services: Vec<Service>) -> Vec<Planned> {
    let pods: Vec<(String, String)> = services
        .iter()
        .filter(|s| s.kind == Kind::Pod)
        .map(|s| (s.file.clone(), unit_name(s)))
        .collect();
    let mut out = Vec::new();
    for s in &services {
        let name = unit_name(s);
        let mut warnings = s.warnings.clone();
        let mut pod = None;
        if let Some(ps) = &s.pod_service {
            match pods.iter().find(|(f, _)| f == ps) {
                Some((_, pname)) => pod = Some(format!("{pname}.pod")),
                None => {
                    let guess = ps.strip_suffix(".service").unwrap_or(ps);
                    let guess = guess.strip_prefix("pod-").unwrap_or(guess);
                    warnings.push(format!(
                        "{}: the container belongs to {ps}, which is not among the files given; Pod={guess}.pod is written: convert {ps} too",
                        s.file
                    ));
                    pod = Some(format!("{guess}.pod"));
                }
            }
        }
        if s.kind == Kind::Pod {
            for m in &s.members {
                if !services.iter().any(|c| &c.file == m) {
                    warnings.push(format!(
                        "{}: the pod starts {m}, which is not among the files given: convert it too (with this file) so it gets Pod={name}.pod",
                        s.file
                    ));
                }
            }
        }
        if s.template {
            warnings.push(format!(
                "{}: a template unit (`%i`): the new unit is written for the template's name; check the container name by hand",
                s.file
            ));
        }
        let stop_timeout = s.stop_timeout.clone().filter(|t| t != "10");
        out.push(Planned {
            source: s.file.clone(),
            kind: s.kind,
            name,
            start: s.start.clone(),
            pod,
            stop_timeout,
            kept: s.kept.clone(),
            dropped: s.dropped.clone(),
            warnings,
        });
    }
    out
}

/// Why a set of services cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{file}: {error}")]
    Convert {
        file: String,
        error: super::ConvertError,
    },
}

/// `text` broken into lines of at most about `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for w in text.split(' ') {
        if line > 0 && line + 1 + w.len() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += w.len();
    }
    out
}

/// Whether the target release has `section`/`key`.
fn has_key(release: crate::schema::Version, section: &str, key: &str) -> bool {
    crate::schema::table()
        .get(section, key)
        .is_some_and(|k| k.accepted_in(release))
}

/// Converts services `podman generate systemd` wrote, given as (file name,
/// text): a pod service and its container services become one `.pod` and
/// its `.container`s. The warnings name what could not be carried over.
pub fn convert_services(
    files: &[(String, String)],
    opts: &super::Options,
) -> Result<super::Converted, FileError> {
    let mut services = Vec::new();
    for (name, text) in files {
        services.push(read_service(name, text)?);
    }
    let mut out = super::Converted::default();
    for p in plan(services) {
        let draft = to_draft(&p, opts, &mut out.warnings)?;
        out.warnings.extend(p.warnings.iter().cloned());
        out.units.push(draft);
    }
    Ok(out)
}

fn to_draft(
    p: &Planned,
    opts: &super::Options,
    warnings: &mut Vec<String>,
) -> Result<super::Draft, FileError> {
    use crate::workspace::UnitKind;
    let kind = match p.kind {
        Kind::Container => UnitKind::Container,
        Kind::Pod => UnitKind::Pod,
    };
    let section = kind.section();
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| super::unit_name(&p.name));
    let mut d = match &p.start {
        Start::New(parsed) => {
            let sub = super::Options {
                release: opts.release,
                name: Some(name.clone()),
            };
            let c = super::convert_parsed(parsed, &sub).map_err(|error| FileError::Convert {
                file: p.source.clone(),
                error,
            })?;
            warnings.extend(c.warnings.into_iter().map(|w| format!("{}: {w}", p.source)));
            let mut d = c
                .units
                .into_iter()
                .next()
                .unwrap_or_else(|| super::Draft::new(kind, name.clone()));
            d.header_comment(&format!(
                "Converted by quadlet-ls from {} (podman generate systemd --new)",
                p.source
            ));
            d
        }
        Start::Existing(target) => {
            let mut d = super::Draft::new(kind, name.clone());
            d.header_comment(&format!(
                "Converted by quadlet-ls from {} (podman generate systemd, without --new)",
                p.source
            ));
            existing(&mut d, p, target, warnings);
            d
        }
    };
    if let Some(pod) = &p.pod {
        if !d.has(section, "Pod") {
            let _ = d.value(section, "Pod", pod);
        }
    }
    if let Some(t) = &p.stop_timeout {
        if !d.has(section, "StopTimeout") {
            if has_key(opts.release, section, "StopTimeout") {
                let _ = d.value(section, "StopTimeout", t);
            } else {
                warnings.push(format!(
                    "{}: the old unit stopped with `-t {t}`; [{section}] has no StopTimeout= in podman {}: podman's default (10 seconds) applies",
                    p.source, opts.release
                ));
            }
        }
    }
    // The old unit's settings replace the converter's defaults for the
    // same key (its `[Install]`, a `Restart=` from `--restart`).
    let mut replaced: Vec<(&str, &str)> = Vec::new();
    for k in &p.kept {
        let id = (k.section.as_str(), k.key.as_str());
        if !replaced.contains(&id) && d.has(&k.section, &k.key) {
            let ours = d.get(&k.section, &k.key).unwrap_or("").to_string();
            let theirs: Vec<&str> = p
                .kept
                .iter()
                .filter(|o| o.section == k.section && o.key == k.key)
                .map(|o| o.value.as_str())
                .collect();
            if k.section != "Install" && !theirs.contains(&ours.as_str()) {
                warnings.push(format!(
                    "{}: the old unit's {}={} is kept instead of {}={} from its podman command",
                    p.source, k.key, k.value, k.key, ours
                ));
            }
            d.remove(&k.section, &k.key);
        }
        replaced.push(id);
        d.raw(&k.section, &k.key, &k.value);
    }
    if !p.dropped.is_empty() {
        d.header_comment(&wrap(
            &format!(
                "Left out, as Quadlet writes its own: {}.",
                p.dropped.join(", ")
            ),
            88,
        ));
    }
    Ok(d)
}

/// The plain form: the unit started a container or pod that exists in
/// podman's storage, so the options it was made with are not in the file.
fn existing(d: &mut super::Draft, p: &Planned, target: &str, warnings: &mut Vec<String>) {
    let section = d.main_section();
    let inspect = match p.kind {
        Kind::Container => "container",
        Kind::Pod => "pod",
    };
    let is_id = looks_like_id(target.trim_end_matches("-infra"));
    match p.kind {
        Kind::Container if !is_id => {
            let _ = d.value(section, "ContainerName", target);
        }
        Kind::Pod if !looks_like_id(&p.name) => {
            let _ = d.value(section, "PodName", &p.name);
        }
        _ => {}
    }
    let object = if p.kind == Kind::Pod && target.ends_with("-infra") {
        format!("the infra container `{target}` of a pod")
    } else {
        format!("`{target}`")
    };
    d.comment(
        section,
        &format!(
            "The old unit only started {object} that exists in podman's storage (`podman start {target}`):\n\
             the image and the options it was created with are not in the unit. Get them with\n\
             `podman {inspect} inspect {}` (its CreateCommand) and convert that command:\n\
             quadlet-ls convert -- podman ...",
            if p.kind == Kind::Pod { p.name.as_str() } else { target }
        ),
    );
    if p.kind == Kind::Container {
        d.comment(section, "Image=");
    }
    warnings.push(format!(
        "{}: the unit starts an existing {inspect} ({target}); its image and options cannot be recovered from the file: run `podman {inspect} inspect {}` and convert its CreateCommand (the unit written lacks them{})",
        p.source,
        if p.kind == Kind::Pod { p.name.as_str() } else { target },
        if p.kind == Kind::Container { ", Image= included" } else { "" }
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of a parsed command, spelled as given.
    fn argv(s: &Service) -> Vec<String> {
        let Start::New(p) = &s.start else {
            panic!("not --new: {:?}", s.start)
        };
        let mut v: Vec<String> = p.globals.iter().flat_map(|o| o.words.clone()).collect();
        v.push(p.command.display().to_string());
        v.extend(p.opts.iter().flat_map(|o| o.words.clone()));
        v.extend(p.args.iter().cloned());
        v
    }

    fn fixture(case: &str, file: &str) -> String {
        let p = format!(
            "{}/tests/fixtures/convert/systemd/{case}/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(p).unwrap()
    }

    fn read(case: &str, file: &str) -> Service {
        read_service(file, &fixture(case, file)).unwrap()
    }

    fn kept(s: &Service) -> Vec<String> {
        s.kept
            .iter()
            .map(|k| format!("[{}] {}={}", k.section, k.key, k.value))
            .collect()
    }

    #[test]
    fn new_form_keeps_the_run_line_without_the_generators_flags() {
        let s = read("new-container-basic", "container-web.service");
        assert_eq!(s.kind, Kind::Container);
        let argv = [
            "run",
            "--name",
            "web",
            "-p",
            "8080:80",
            "-v",
            "/srv/www:/usr/share/nginx/html:ro,Z",
            "-e",
            "TZ=Europe/Berlin",
            "docker.io/library/nginx:1.25",
        ];
        assert_eq!(super::tests::argv(&s), argv);
        assert_eq!(
            kept(&s),
            [
                "[Service] Restart=on-failure",
                "[Service] TimeoutStopSec=70",
                "[Install] WantedBy=default.target"
            ]
        );
        assert_eq!(s.stop_timeout.as_deref(), Some("10"));
        assert_eq!(s.podman_version.as_deref(), Some("4.9.3"));
    }

    #[test]
    fn generator_escapes_are_undone() {
        let s = read("new-container-quoting", "container-report.service");
        let argv = &argv(&s);
        assert!(
            argv.contains(&"DATE_FORMAT=%Y-%m-%d".to_string()),
            "{argv:?}"
        );
        assert!(argv.contains(&"GREETING=hello world".to_string()));
        assert!(argv.contains(&"PRICE=$5".to_string()));
        assert!(argv.contains(&"title=say \"hi\"".to_string()));
        assert_eq!(argv.last().unwrap(), "echo $HOME is 100% \"home\"");
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn user_dependencies_and_settings_are_kept() {
        let s = read("new-container-user-settings", "container-cache.service");
        assert_eq!(
            kept(&s),
            [
                "[Unit] Description=Redis cache for the shop",
                "[Unit] Wants=shop-db.service",
                "[Unit] After=shop-db.service",
                "[Unit] Requires=local-fs.target",
                "[Service] Restart=always",
                "[Service] RestartSec=15",
                "[Service] TimeoutStartSec=30",
                "[Service] TimeoutStopSec=80",
                "[Install] WantedBy=multi-user.target default.target",
            ]
        );
        assert_eq!(s.stop_timeout.as_deref(), Some("20"));
        let argv = &argv(&s);
        assert_eq!(
            argv[argv.len() - 3..],
            ["redis-server", "--appendonly", "yes"]
        );
    }

    #[test]
    fn plain_form_names_the_existing_container() {
        let s = read("plain-container", "container-web.service");
        assert_eq!(s.start, Start::Existing("web".into()));
        assert_eq!(s.kind, Kind::Container);
        assert!(!s.rootless);
        let p = plan(vec![s]);
        assert_eq!(p[0].name, "web");
        assert_eq!(p[0].stop_timeout, None);
    }

    #[test]
    fn pod_and_members_are_linked() {
        let pod = read("new-pod", "pod-app.service");
        assert_eq!(pod.kind, Kind::Pod);
        assert_eq!(
            pod.members,
            ["container-app-db.service", "container-app-web.service"]
        );
        assert_eq!(argv(&pod), ["pod create", "--name", "app", "-p", "8080:80"]);
        let db = read("new-pod", "container-app-db.service");
        assert_eq!(db.pod_service.as_deref(), Some("pod-app.service"));
        let web = read("new-pod", "container-app-web.service");
        let p = plan(vec![pod, db, web]);
        assert_eq!(
            p.iter()
                .map(|u| (u.name.as_str(), u.pod.as_deref()))
                .collect::<Vec<_>>(),
            [
                ("app", None),
                ("app-db", Some("app.pod")),
                ("app-web", Some("app.pod"))
            ]
        );
        assert!(p.iter().all(|u| u.warnings.is_empty()));
    }

    #[test]
    fn a_pod_without_its_members_is_reported() {
        let pod = read("new-pod", "pod-app.service");
        let p = plan(vec![pod]);
        assert_eq!(p[0].warnings.len(), 2, "{:?}", p[0].warnings);
        let db = read("new-pod", "container-app-db.service");
        let p = plan(vec![db]);
        assert_eq!(p[0].pod.as_deref(), Some("app.pod"));
        assert!(p[0].warnings[0].contains("pod-app.service"));
    }

    #[test]
    fn plain_pod_is_a_pod() {
        let pod = read("plain-pod", "pod-blog.service");
        assert_eq!(pod.kind, Kind::Pod);
        assert!(pod.rootless);
        assert_eq!(pod.start, Start::Existing("3e6c2e1b9d0a-infra".into()));
        let ghost = read("plain-pod", "container-blog-ghost.service");
        let p = plan(vec![pod, ghost]);
        assert_eq!(p[0].name, "blog");
        assert_eq!(p[1].pod.as_deref(), Some("blog.pod"));
    }

    #[test]
    fn podman2_boilerplate_is_dropped() {
        let s = read("new-container-podman2", "container-grafana.service");
        let argv = &argv(&s);
        assert_eq!(argv.join(" "), "run --name grafana -p 3000:3000 -v grafana-data:/var/lib/grafana docker.io/grafana/grafana:7.3.6");
        assert_eq!(
            kept(&s),
            [
                "[Unit] Wants=network.target",
                "[Service] Restart=on-failure",
                "[Install] WantedBy=multi-user.target default.target"
            ]
        );
    }

    #[test]
    fn global_options_stay_before_run() {
        let s = read("new-container-global-args", "container-probe.service");
        let argv = &argv(&s);
        assert_eq!(
            argv[..4],
            ["--log-level=debug", "--events-backend", "file", "run"]
        );
        assert_eq!(argv[argv.len() - 4..], ["ping", "-c", "3", "example.org"]);
    }

    #[test]
    fn other_services_are_errors() {
        let e = read_service(
            "nginx.service",
            &fixture("error-not-podman", "nginx.service"),
        )
        .unwrap_err();
        assert!(matches!(e, ServiceError::NotPodman { .. }), "{e}");
        let e = read_service(
            "container-x.service",
            &fixture("error-unknown-command", "container-x.service"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("podman kube play"), "{e}");
        let e = read_service("x.service", "[Unit]\nDescription=x\n").unwrap_err();
        assert!(matches!(e, ServiceError::NoExecStart { .. }));
    }
}
