//! The service generator, equivalent to podman 5.8's quadlet.
//!
//! Pure: every file is read through [`Workspace`]. Two entry points:
//! * [`preview`] — one unit, for the editor and `quadlet-ls preview FILE`;
//! * [`dry_run`] — every unit of the workspace, like `quadlet -dryrun`.
//!
//! The steps follow podman's driver: load the units of the search
//! directories (first file name wins), merge their drop-ins, order them so
//! that referenced resources come first (images and artifacts, volumes and
//! networks, builds, containers and kube units, pods last), build the table
//! of service and resource names, then convert each unit.

pub mod convert;
pub mod gosort;
pub mod load;
pub mod unitdirs;
pub mod unitfile;

use crate::model::split;
use crate::schema::Version;
use crate::workspace::{classify, FileRole, UnitKind, UnitName, Workspace};
use convert::{Ctx, InfoMap};
use std::path::{Path, PathBuf};
use unitfile::UnitFile;

#[derive(Debug, Clone)]
pub struct Options {
    /// User (rootless) mode.
    pub user: bool,
    /// The podman binary written into commands (podman reads `$PODMAN`);
    /// `None` means `/usr/bin/podman`.
    pub podman: Option<String>,
    /// The podman release line whose generator to reproduce (a line of
    /// [`crate::release::LINES`]).
    pub release: Version,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            user: false,
            podman: None,
            release: Version::DEFAULT,
        }
    }
}

/// The result of generating one unit.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub service_name: String,
    /// The service text, or `None` when podman would refuse the unit.
    pub service: Option<String>,
    /// `(ExecStart, argv)` pairs in service order.
    pub exec: Vec<(String, Vec<String>)>,
    /// Messages podman prints as errors (the unit is then skipped).
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

impl Preview {
    /// The JSON shape shown to users (CLI `--format json`, the language
    /// server): `{serviceName, service, command, exec, diagnostics}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut exec = serde_json::Map::new();
        for (k, argv) in &self.exec {
            exec.insert(k.clone(), serde_json::json!(argv));
        }
        let mut diagnostics = Vec::new();
        for e in &self.errors {
            diagnostics.push(serde_json::json!({"severity": "error", "message": e}));
        }
        for w in &self.warnings {
            diagnostics.push(serde_json::json!({"severity": "warning", "message": w}));
        }
        serde_json::json!({
            "serviceName": self.service_name,
            "service": self.service,
            "command": self.command_lines(),
            "exec": exec,
            "diagnostics": diagnostics,
        })
    }

    /// The podman command lines, one per `Exec*` entry, labelled in
    /// systemd's syntax: `ExecStopPost=-/usr/bin/podman rm …`. systemd's
    /// prefixes on the program (`-` = failure ignored, `@`, `:`, `+`, `!`)
    /// stay between `=` and the program; the words after them are
    /// shell-quoted, so the command pastes into a shell.
    pub fn command_lines(&self) -> Vec<String> {
        self.exec
            .iter()
            .map(|(k, argv)| {
                let (prefix, words) = Self::command_words(argv);
                format!("{k}={prefix}{}", words.join(" "))
            })
            .collect()
    }

    /// systemd's prefix characters of an `Exec*` argv, and its words
    /// shell-quoted without them.
    pub fn command_words(argv: &[String]) -> (&str, Vec<String>) {
        let first = argv.first().map_or("", String::as_str);
        let program = first.trim_start_matches(['-', '@', ':', '+', '!']);
        let prefix = &first[..first.len() - program.len()];
        let mut words = Vec::with_capacity(argv.len());
        if !argv.is_empty() {
            words.push(split::shell_quote(program));
        }
        words.extend(argv.iter().skip(1).map(|w| split::shell_quote(w)));
        (prefix, words)
    }
}

/// One unit's outcome in a dry run.
#[derive(Debug, Clone)]
pub struct UnitOutcome {
    pub file_name: String,
    pub path: PathBuf,
    pub service_name: String,
    /// The generated text, or the error message (`converting "x": …`).
    pub result: Result<String, String>,
    pub warnings: Vec<String>,
}

/// The result of [`dry_run`].
#[derive(Debug, Clone, Default)]
pub struct DryRun {
    /// Units in generation order.
    pub units: Vec<UnitOutcome>,
    /// Every message podman would log, in order (without its
    /// `quadlet-generator[PID]: ` prefix).
    pub log: Vec<String>,
    /// Whether podman would exit with status 1.
    pub failed: bool,
    /// The release's generator crashes (its message): stdout stops after
    /// the units before, it exits with status 2.
    pub panic: Option<String>,
    /// Files the release's generator skipped without a word (podman before
    /// 5.0 never reported a file it could not parse), with the reason.
    pub quiet: Vec<String>,
}

const fn v(major: u16, minor: u16) -> Version {
    Version { major, minor }
}

/// podman's log as the release writes it: messages as they happen, and the
/// errors either as they happen followed by a closing line (5.5 and later)
/// or gathered into one message at the end (before 5.5).
struct Log {
    release: Version,
    lines: Vec<String>,
    errors: Vec<String>,
    failed: bool,
}

impl Log {
    fn new(release: Version) -> Self {
        Log {
            release,
            lines: Vec::new(),
            errors: Vec::new(),
            failed: false,
        }
    }

    fn info(&mut self, m: String) {
        self.lines.push(m);
    }

    fn error(&mut self, m: String) {
        self.failed = true;
        if self.release >= v(5, 5) {
            self.lines.push(m);
        } else {
            self.errors.push(m);
        }
    }

    fn finish(mut self, out: &mut DryRun) {
        if !self.errors.is_empty() {
            self.lines.push(self.errors.join("\n"));
        } else if self.failed && self.release >= v(5, 5) {
            self.lines.push("processing encountered some errors".into());
        }
        out.log = self.lines;
        out.failed = self.failed;
    }
}

impl DryRun {
    /// The `---name.service---` blocks podman prints on stdout.
    pub fn stdout(&self) -> String {
        let mut out = Vec::new();
        let _ = self.write_stdout(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Writes the `---name.service---` blocks to a stream.
    pub fn write_stdout(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        for u in &self.units {
            if let Ok(text) = &u.result {
                let name = convert::clean_path(&format!("{}.service", u.service_name));
                write!(w, "---{name}---\n{text}\n")?;
            }
        }
        Ok(())
    }
}

struct Loaded {
    unit: UnitFile,
    kind: UnitKind,
    path: PathBuf,
}

fn parse_file(ws: &Workspace, path: &Path, release: Version) -> Result<UnitFile, String> {
    let text = ws.read(path).map_err(|e| e.to_string())?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let dialect = crate::syntax::Dialect::for_release(release.major, release.minor);
    let doc = crate::syntax::parse_with(&text, dialect);
    let mut f =
        UnitFile::from_document(&text, &doc, name, &path.to_string_lossy()).map_err(|e| e.0)?;
    f.rules = unitfile::Rules::for_release(release);
    Ok(f)
}

/// Parses files, on several threads when there are many.
fn parse_many(ws: &Workspace, paths: &[&Path], release: Version) -> Vec<Result<UnitFile, String>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || paths.len() < 256 {
        return paths.iter().map(|p| parse_file(ws, p, release)).collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|c| {
                (
                    c,
                    s.spawn(move || {
                        c.iter()
                            .map(|p| parse_file(ws, p, release))
                            .collect::<Vec<_>>()
                    }),
                )
            })
            .collect();
        let mut out = Vec::with_capacity(paths.len());
        for (c, h) in handles {
            match h.join() {
                Ok(v) => out.extend(v),
                // A worker that died: parse its share here instead.
                Err(_) => out.extend(c.iter().map(|p| parse_file(ws, p, release))),
            }
        }
        out
    })
}

/// The drop-in directory names a release searches for a unit, most
/// specific first, and whether it searches directory by directory.
fn dropin_candidates(name: &UnitName, release: Version) -> (Vec<String>, bool) {
    if release < v(5, 0) {
        // Drop-ins arrived in 5.0.
        return (Vec::new(), false);
    }
    if release < v(5, 2) {
        // 5.0 and 5.1: `<file>.d`, then for an instance `<template>.d`,
        // each in every search directory.
        let mut c = vec![format!("{}.d", name.file_name)];
        if name.is_instance() {
            c.push(format!("{}@.{}.d", name.prefix, name.kind.ext()));
        }
        return (c, false);
    }
    // 5.2 added the top-level and dash-truncated names; until 5.6 every
    // name was tried in one search directory before the next.
    (name.dropin_dir_names(), release < v(5, 6))
}

fn load_dropins(ws: &Workspace, unit: &mut UnitFile, release: Version, log: &mut Log) {
    let Some(name) = UnitName::parse(&unit.filename) else {
        return;
    };
    let (candidates, dir_major) = dropin_candidates(&name, release);
    if candidates.is_empty() {
        return;
    }
    let mut errors: Vec<String> = Vec::new();
    for d in ws.dropins_with(&candidates, dir_major) {
        match parse_file(ws, &d, release) {
            Ok(f) => unit.merge(&f),
            Err(e) => errors.push(format!("error loading {:?}, {e}", d.to_string_lossy())),
        }
    }
    if !errors.is_empty() {
        log.error(errors.join("\n"));
    }
}

/// Whether a release loads units of this kind at all.
fn kind_known(kind: UnitKind, release: Version) -> bool {
    crate::schema::table()
        .section(kind.section())
        .is_none_or(|s| s.since <= release)
}

/// Loads all units in podman's way: directory by directory, first file name
/// wins; a file that fails to parse does not claim its name, and makes
/// podman drop every unit of that directory (the names of the good ones
/// stay claimed). Errors of one directory form one message. Before 5.0 a
/// file that fails to parse is skipped silently and nothing else changes.
/// `target` (a unit outside the workspace, or an editor buffer) is loaded
/// first and replaces the workspace's unit of the same name.
fn load_all(
    ws: &Workspace,
    target: Option<&Path>,
    release: Version,
    log: &mut Log,
    quiet: &mut Vec<String>,
) -> Vec<Loaded> {
    let silent = release < v(5, 0);
    let known = |n: &str| UnitKind::from_file_name(n).filter(|k| kind_known(*k, release));
    let mut claimed = std::collections::HashMap::new();
    let mut units = Vec::new();
    let target_name = target.and_then(|p| p.file_name()).and_then(|n| n.to_str());
    if let (Some(t), Some(n)) = (target, target_name) {
        if let Some(kind) = known(n) {
            // The target claims its name even when it fails to parse.
            claimed.insert(n.to_string(), t.to_path_buf());
            match parse_file(ws, t, release) {
                Ok(u) => {
                    units.push(Loaded {
                        unit: u,
                        kind,
                        path: t.to_path_buf(),
                    });
                }
                Err(e) => {
                    let m = format!("error loading {:?}, {e}", t.to_string_lossy());
                    if silent {
                        quiet.push(m);
                    } else {
                        log.error(m);
                    }
                }
            }
        }
    }
    let files = ws.all_unit_files();
    // Parse every candidate up front (in parallel on big folders); the
    // first-name-wins walk below then only looks results up.
    let wanted: Vec<&Path> = files
        .iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| Some(n) != target_name && known(n).is_some())
        })
        .map(PathBuf::as_path)
        .collect();
    let mut parsed: std::collections::HashMap<&Path, Result<UnitFile, String>> = wanted
        .iter()
        .copied()
        .zip(parse_many(ws, &wanted, release))
        .collect();
    let dirs = load::walk(ws, &mut claimed, release, |path| {
        parsed
            .remove(path)
            .unwrap_or_else(|| parse_file(ws, path, release))
    });
    for d in dirs {
        if d.failed.is_empty() {
            for (path, unit) in d.parsed {
                let Some(kind) = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(UnitKind::from_file_name)
                else {
                    continue;
                };
                units.push(Loaded { unit, kind, path });
            }
        } else {
            let errors: Vec<String> = d.failed.iter().map(load::LoadError::log_line).collect();
            if silent {
                // podman before 5.0 lost these errors and kept the directory.
                quiet.extend(errors);
                for (path, unit) in d.parsed {
                    if let Some(kind) = path.file_name().and_then(|n| n.to_str()).and_then(known) {
                        units.push(Loaded { unit, kind, path });
                    }
                }
            } else {
                log.error(errors.join("\n"));
            }
        }
    }
    units
}

fn is_image_id(name: &str) -> bool {
    name.starts_with("sha256:") || (name.len() == 64 && name.chars().all(|c| c.is_ascii_hexdigit()))
}

fn is_unambiguous(name: &str) -> bool {
    if is_image_id(name) {
        return true;
    }
    let Some(slash) = name.find('/') else {
        return false;
    };
    let domain = &name[..slash];
    domain.contains(['.', ':']) || domain == "localhost"
}

fn pre_warnings(l: &Loaded, release: Version) -> Vec<String> {
    let mut w = Vec::new();
    // The warning about these `[Service]` keys arrived in 5.6.
    let service_keys: &[&str] = if release >= v(5, 6) {
        &["User", "Group", "DynamicUser"]
    } else {
        &[]
    };
    for key in service_keys {
        if l.unit.lookup(convert::SERVICE, key).is_some() {
            w.push(format!(
                "Warning: using key {key} in the Service group is not supported - use at your own risk"
            ));
        }
    }
    if matches!(
        l.kind,
        UnitKind::Container | UnitKind::Volume | UnitKind::Image | UnitKind::Artifact
    ) {
        if let Some(image) = l.unit.lookup(l.kind.section(), "Image") {
            // `.build` images exist since 5.2.
            let built = image.ends_with(".build") && release >= v(5, 2);
            if !built && !image.ends_with(".image") && !is_unambiguous(&image) {
                w.push(format!(
                    "Warning: {} specifies the image \"{image}\" which not a fully qualified image name. This is not ideal for performance and security reasons. See the podman-pull manpage discussion of short-name-aliases.conf for details.",
                    l.unit.filename
                ));
            }
        }
    }
    w
}

fn run(ws: &Workspace, opts: &Options, target: Option<&Path>) -> DryRun {
    let mut out = DryRun::default();
    let release = opts.release;
    let mut log = Log::new(release);
    let mut units = load_all(ws, target, release, &mut log, &mut out.quiet);
    if units.is_empty() {
        let dirs: Vec<String> = ws
            .dirs()
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        log.info(format!("No files parsed from [{}]", dirs.join(" ")));
        log.finish(&mut out);
        return out;
    }
    for l in &mut units {
        load_dropins(ws, &mut l.unit, release, &mut log);
    }
    gosort::sort_slice(&mut units, |a, b| a.kind.rank() < b.kind.rank());
    let mut infos: InfoMap = InfoMap::with_capacity(units.len());
    for l in &units {
        infos.insert(
            l.unit.filename.clone(),
            convert::initial_info(&l.unit, l.kind, release),
        );
    }
    let podman = opts
        .podman
        .clone()
        .unwrap_or_else(|| "/usr/bin/podman".to_string());
    let fs = ws.fs().clone();
    let exists = move |p: &str| match fs.len(Path::new(p)) {
        Ok(_) => true,
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    };
    let ctx = Ctx {
        user: opts.user,
        podman: &podman,
        exists: &exists,
        release: opts.release,
    };
    let target_name = target.and_then(|p| p.file_name()).and_then(|n| n.to_str());
    let target_rank = target_name
        .and_then(UnitKind::from_file_name)
        .map(|k| k.rank());
    for l in &units {
        let is_target = Some(l.unit.filename.as_str()) == target_name;
        if let Some(r) = target_rank {
            if !is_target && l.kind.rank() >= r {
                continue;
            }
        }
        let mut warnings = pre_warnings(l, release);
        for w in &warnings {
            log.info(w.clone());
        }
        let service_name = infos
            .get(&l.unit.filename)
            .map(|i| i.service_name.clone())
            .unwrap_or_default();
        let mut panic = None;
        let (result, conv_warnings) = match convert::convert(&ctx, &l.unit, l.kind, &mut infos) {
            Ok(c) => (Ok(c.service.to_text()), c.warnings),
            Err(f) if f.panic => {
                panic = Some(f.error.clone());
                (
                    Err(format!(
                        "podman {release}'s generator crashes on {:?} ({}): no later unit is generated",
                        l.unit.filename, f.error
                    )),
                    f.warnings,
                )
            }
            Err(f) => (
                Err(format!("converting {:?}: {}", l.unit.filename, f.error)),
                f.warnings,
            ),
        };
        if !conv_warnings.is_empty() {
            if release >= v(5, 5) {
                log.info(conv_warnings.join("\n"));
                warnings.extend(conv_warnings);
            } else {
                // Before 5.5 the converters dropped these values without a
                // word: the editor still says so, podman's log does not.
                warnings.extend(
                    conv_warnings
                        .into_iter()
                        .map(|w| format!("podman {release} silently ignores a value here: {w}")),
                );
            }
        }
        if let (Err(msg), None) = (&result, &panic) {
            log.error(msg.clone());
        }
        out.units.push(UnitOutcome {
            file_name: l.unit.filename.clone(),
            path: l.path.clone(),
            service_name,
            result,
            warnings,
        });
        if let Some(p) = panic {
            // The process dies: gathered errors are never printed.
            out.log = log.lines;
            out.failed = true;
            out.panic = Some(p);
            return out;
        }
    }
    log.finish(&mut out);
    out
}

/// Generates every unit of the workspace, like `quadlet -dryrun`.
pub fn dry_run(ws: &Workspace, opts: &Options) -> DryRun {
    run(ws, opts, None)
}

/// The `Exec*` entries of a generated service, split back into argv.
pub fn exec_lines(service: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut in_service = false;
    for line in service.lines() {
        if line.starts_with('[') {
            in_service = line == "[Service]";
            continue;
        }
        if !in_service {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            if k.starts_with("Exec") {
                out.push((k.to_string(), split::split_exec(v).unwrap_or_default()));
            }
        }
    }
    out
}

/// Generates the service for one unit. For a drop-in (`*.d/*.conf`), the
/// first unit it applies to is generated (its name is in `service_name`).
pub fn preview(ws: &Workspace, path: &Path, opts: &Options) -> Preview {
    if let FileRole::DropIn { dir_name, .. } = classify(path) {
        let first = ws.units_for_dropin_dir(&dir_name).next();
        return match first {
            Some(u) => preview(ws, &u.path.clone(), opts),
            None => Preview {
                errors: vec![format!(
                    "no unit in the search path uses the drop-in directory {dir_name}"
                )],
                ..Preview::default()
            },
        };
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    if UnitKind::from_file_name(&file_name).is_none() {
        return Preview {
            errors: vec![format!("{file_name} is not a Quadlet unit file")],
            ..Preview::default()
        };
    }
    let dr = run(ws, opts, Some(path));
    let mut p = Preview::default();
    // Messages about other files (a broken neighbour) are not this unit's.
    let target = path.to_string_lossy().into_owned();
    let dropin_dirs = UnitName::parse(&file_name)
        .map(|n| n.dropin_dir_names())
        .unwrap_or_default();
    let mut load_errors = Vec::new();
    let mut neighbours = Vec::new();
    for q in &dr.quiet {
        if q.starts_with(&format!("error loading {target:?}")) {
            load_errors.push(format!(
                "podman {} skips this file without a message: {q}",
                opts.release
            ));
        }
    }
    for line in dr.log.iter().flat_map(|m| m.lines()) {
        let Some((failed, _)) = line
            .strip_prefix("error loading \"")
            .and_then(|r| r.split_once("\", "))
        else {
            continue;
        };
        let failed = Path::new(failed);
        let parent_name = failed
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("");
        if failed == path || dropin_dirs.iter().any(|d| d == parent_name) {
            load_errors.push(line.to_string());
        } else if failed.parent() == path.parent()
            && UnitKind::from_file_name(&failed.to_string_lossy()).is_some()
        {
            neighbours.push(line.to_string());
        }
    }
    match dr.units.iter().find(|u| u.file_name == file_name) {
        Some(u) => {
            p.service_name = format!("{}.service", u.service_name);
            p.warnings = u.warnings.clone();
            match &u.result {
                Ok(text) => {
                    p.exec = exec_lines(text);
                    p.service = Some(text.clone());
                }
                Err(e) => p.errors.push(e.clone()),
            }
        }
        None if load_errors.is_empty() => {
            p.errors.push(format!("{target} was not generated"));
        }
        None => {}
    }
    p.errors.extend(load_errors);
    if !neighbours.is_empty() {
        // The service above is the one made as if the broken files were
        // left aside; say loudly that podman makes none today.
        for b in load::broken_siblings(ws, path) {
            let name = b
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let line = b.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            p.errors.push(format!(
                "podman will currently skip this unit, and every unit of its folder, because \
                 {name} does not parse{line}; the service shown is the one generated with \
                 {name} left aside"
            ));
        }
    }
    p
}
