//! Checks: each rule is a function from a parsed file (or a unit merged with
//! its drop-ins) and the key table to diagnostics. Rules live in one file per
//! group:
//!
//! - `syntax`: what the parser rejects;
//! - `keys`: unknown, misplaced, duplicate, legacy, deprecated and too-new
//!   keys and sections;
//! - `values`: values by kind, systemd specifiers;
//! - `refs`: references to other units;
//! - `rules`: checks on the merged unit (required keys, exclusions, and the
//!   other conditions podman's generator rejects);
//! - `podman_warnings`: what the generator itself warns about.
//!
//! Every code is listed in [`CODES`] and documented in `docs/checks.md`.

mod comments;
pub mod docs;
mod keys;
mod podman_warnings;
mod refs;
mod rules;
mod syntax;
mod systemd_values;
mod util;
mod values;

use crate::diag::{Diagnostic, Severity};
use crate::generate::load::{Fate, LoadError};
use crate::model::{Source, Unit};
use crate::schema::Version;
use crate::syntax::{Document, LineKind};
use crate::workspace::{classify, FileRole, UnitKind, UnitName, Workspace};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Settings shared by lint and the language server.
#[derive(Debug, Clone)]
pub struct Options {
    pub podman_version: Version,
    pub user: bool,
    /// Codes switched off.
    pub disabled: BTreeSet<String>,
    /// Settings for the Kubernetes YAML checks of `.kube` units.
    pub kube: crate::kube::Options,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            podman_version: Version::DEFAULT,
            user: false,
            disabled: BTreeSet::new(),
            kube: crate::kube::Options::default(),
        }
    }
}

/// Every check code: (code, default severity, one-line summary).
pub static CODES: &[(&str, Severity, &str)] = &[
    (
        "syntax",
        Severity::Error,
        "a line podman's unit parser rejects",
    ),
    (
        "lost-continuation",
        Severity::Warning,
        "a `\\` continuation at the end of the file whose text podman drops",
    ),
    (
        "unknown-key",
        Severity::Error,
        "a key podman does not know in the unit's own section or in [Quadlet]",
    ),
    (
        "legacy-key",
        Severity::Error,
        "a key of the old standalone quadlet that podman never accepted",
    ),
    (
        "deprecated-key",
        Severity::Warning,
        "a key podman still accepts but has replaced",
    ),
    (
        "key-too-new",
        Severity::Error,
        "a key that the target podman version does not know yet",
    ),
    (
        "unit-type-too-new",
        Severity::Error,
        "a unit type that the target podman version does not know yet",
    ),
    (
        "wrong-section",
        Severity::Warning,
        "a Quadlet key or section in a place where it has no effect",
    ),
    (
        "unknown-section",
        Severity::Warning,
        "a section that neither Quadlet nor systemd knows",
    ),
    (
        "unknown-directive",
        Severity::Warning,
        "a directive systemd does not know in [Unit], [Service] or [Install]",
    ),
    (
        "deprecated-directive",
        Severity::Warning,
        "a systemd directive that systemd has deprecated and no longer supports",
    ),
    (
        "invalid-directive-value",
        Severity::Warning,
        "a systemd directive value that systemd cannot parse, so it ignores the line",
    ),
    (
        "inline-comment",
        Severity::Warning,
        "` #` or ` ;` after a value: unit files have no inline comments, so it is part of the value",
    ),
    (
        "duplicate-key",
        Severity::Warning,
        "a single-value key given more than once in a file: only the last counts",
    ),
    (
        "invalid-value",
        Severity::Error,
        "a value that podman or the generator rejects",
    ),
    (
        "invalid-bool",
        Severity::Warning,
        "a value that is not a boolean, which podman silently reads as false",
    ),
    (
        "coerced-value",
        Severity::Warning,
        "a value podman silently replaces (a non-numeric id becomes 0)",
    ),
    (
        "unknown-specifier",
        Severity::Warning,
        "a `%` specifier systemd does not know",
    ),
    (
        "missing-required-key",
        Severity::Error,
        "a key the generator needs is missing",
    ),
    (
        "conflicting-keys",
        Severity::Error,
        "keys that cannot be used together",
    ),
    (
        "missing-unit",
        Severity::Error,
        "a reference to a Quadlet unit that is not in the unit search path",
    ),
    (
        "invalid-service-setting",
        Severity::Error,
        "a [Service] setting the generator refuses (KillMode=, Type=)",
    ),
    (
        "short-image-name",
        Severity::Warning,
        "an image name without a registry, which podman warns about",
    ),
    (
        "unsupported-service-key",
        Severity::Warning,
        "User=, Group= or DynamicUser= in [Service], which podman warns about",
    ),
    (
        "user-install-target",
        Severity::Warning,
        "a rootless unit installed into a target only the system manager has",
    ),
    (
        "unreadable-file",
        Severity::Error,
        "a unit or drop-in file that cannot be read",
    ),
    (
        "shadowed-unit",
        Severity::Warning,
        "a unit file podman does not load because an earlier file has the same name",
    ),
    (
        "dropped-unit",
        Severity::Error,
        "a unit podman drops because another file in its folder does not parse",
    ),
];

/// Every code quadlet-ls reports: the unit checks, then the Kubernetes YAML
/// checks.
pub fn all_codes() -> impl Iterator<Item = &'static (&'static str, Severity, &'static str)> {
    CODES.iter().chain(crate::kube::CODES.iter())
}

/// The default severity of a code (Error for unknown codes).
pub fn default_severity(code: &str) -> Severity {
    all_codes()
        .find(|c| c.0 == code)
        .map_or(Severity::Error, |c| c.1)
}

/// One file being checked, with the unit type it belongs to.
pub(crate) struct FileCtx<'a> {
    pub ws: &'a Workspace,
    pub text: &'a str,
    pub doc: &'a Document,
    pub kind: UnitKind,
    pub opts: &'a Options,
    /// True for the unit file itself, false for a drop-in.
    pub is_main: bool,
    /// Checked as a rootless unit: `--user`, or a file in a rootless unit
    /// folder ([`crate::workspace::is_rootless_path`]).
    pub user: bool,
}

/// How many units a drop-in is checked against, merged, when it is checked
/// on its own (in the editor).
pub const MAX_UNITS_PER_DROPIN: usize = 8;

/// Checks one file (a unit, a drop-in `.conf`, or a YAML file) whose current
/// text is `text`, in the context of the workspace. Other files give nothing.
pub fn check_file(ws: &Workspace, path: &Path, text: &str, opts: &Options) -> Vec<Diagnostic> {
    let diags = match classify(path) {
        FileRole::Unit(name) => {
            let text: Arc<str> = text.into();
            let mut unit = Unit::from_text(name, path.to_path_buf(), text);
            for d in ws.dropins(&unit.name) {
                if let Ok(t) = ws.read(&d) {
                    unit.sources.push(Source::new(d, t));
                }
            }
            let mut out = check_source(ws, &unit.sources[0], unit.name.kind, true, opts);
            out.extend(
                check_unit(ws, &unit, opts)
                    .into_iter()
                    .filter(|(i, _)| *i == 0)
                    .map(|(_, d)| d),
            );
            if let Some(by) = shadowed_by(ws, path, &unit.name.file_name) {
                out.push(shadowed(&unit.sources[0], unit.name.kind, &by));
            }
            out
        }
        FileRole::DropIn { dir_name, kind } => {
            let src = Source::new(path.to_path_buf(), text.into());
            let mut out = check_source(ws, &src, kind, false, opts);
            // Merged checks of the units this drop-in applies to, keeping
            // what lands on this file. A shared directory (`container.d`)
            // may apply to every unit of the workspace: the first few in
            // search order stand for the rest, so that the work for one
            // keystroke does not grow with the workspace.
            let units: Vec<PathBuf> = ws
                .units_for_dropin_dir(&dir_name)
                .take(MAX_UNITS_PER_DROPIN)
                .map(|u| u.path.clone())
                .collect();
            for upath in units {
                let Ok((mut unit, _)) = Unit::load(ws, &upath, None) else {
                    continue;
                };
                for s in unit.sources.iter_mut().skip(1) {
                    if s.path == path {
                        *s = Source::new(path.to_path_buf(), text.into());
                    }
                }
                for (i, d) in check_unit(ws, &unit, opts) {
                    if i > 0
                        && unit.sources.get(i).is_some_and(|s| s.path == path)
                        && !out.contains(&d)
                    {
                        out.push(d);
                    }
                }
            }
            out
        }
        FileRole::Yaml | FileRole::Other => return Vec::new(),
    };
    finish(diags, text, opts)
}

/// The result of checking one file.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub path: PathBuf,
    /// The text that was checked ("" when the file could not be read).
    pub text: Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A file that could not be read becomes one `unreadable-file` error.
pub fn unreadable(path: &Path, err: &dyn std::fmt::Display) -> FileResult {
    FileResult {
        path: path.to_path_buf(),
        text: "".into(),
        diagnostics: vec![util::diag(
            "unreadable-file",
            crate::syntax::Span::empty(0),
            format!("cannot read this file: {err}"),
        )],
    }
}

/// Checks every unit file of a workspace (those podman leaves out for
/// another file of the same name too) and their drop-ins, each file once, on
/// up to two threads, and says which units podman will not load
/// (`shadowed-unit`, `dropped-unit`). Returns one result per file, in path
/// order. Used by `quadlet-ls lint`. Drop-ins that apply to no unit are not
/// included (see [`check_file`]).
pub fn check_workspace(ws: &Workspace, opts: &Options) -> Vec<FileResult> {
    let units: Vec<PathBuf> = ws.all_unit_files().to_vec();
    let units = units.as_slice();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2);
    let parts: Vec<Vec<FileResult>> = if threads > 1 && units.len() > 64 {
        let mid = units.len() / 2;
        let (a, b) = units.split_at(mid);
        std::thread::scope(|s| {
            let h = s.spawn(|| check_units(ws, a, opts));
            let first = check_units(ws, b, opts);
            let second = h.join().unwrap_or_default();
            vec![first, second]
        })
    } else {
        vec![check_units(ws, units, opts)]
    };
    // Drop-ins shared by several units appear once per unit: merge them.
    let mut by_path: HashMap<PathBuf, FileResult> = HashMap::new();
    for r in parts.into_iter().flatten() {
        match by_path.get_mut(&r.path) {
            Some(existing) => {
                for d in r.diagnostics {
                    if !existing.diagnostics.contains(&d) {
                        existing.diagnostics.push(d);
                    }
                }
            }
            None => {
                by_path.insert(r.path.clone(), r);
            }
        }
    }
    for (path, fate) in crate::generate::load::plan(ws) {
        let Some(r) = by_path.get_mut(&path) else {
            continue;
        };
        let Some(name) = unit_name(&path) else {
            continue;
        };
        let src = Source::new(path.clone(), r.text.clone());
        match fate {
            Fate::Shadowed { by } => r.diagnostics.push(shadowed(&src, name.kind, &by)),
            Fate::Dropped { broken } => r.diagnostics.push(dropped(&src, name.kind, &broken)),
            Fate::Loaded | Fate::Unparsable(_) => {}
        }
    }
    let mut out: Vec<FileResult> = by_path
        .into_values()
        .map(|mut r| {
            r.diagnostics = finish(std::mem::take(&mut r.diagnostics), &r.text, opts);
            r
        })
        .collect();
    out.sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    out
}

fn check_units(ws: &Workspace, units: &[PathBuf], opts: &Options) -> Vec<FileResult> {
    let mut out = Vec::new();
    for path in units {
        let (unit, errors) = match Unit::load(ws, path, None) {
            Ok(u) => u,
            Err(e) => {
                out.push(unreadable(path, &e));
                continue;
            }
        };
        for e in errors {
            out.push(unreadable(&e.path, &e.error));
        }
        let merged = check_unit(ws, &unit, opts);
        for (i, src) in unit.sources.iter().enumerate() {
            let kind = dropin_kind(&src.path).unwrap_or(unit.name.kind);
            let mut diags = check_source(ws, src, kind, i == 0, opts);
            diags.extend(
                merged
                    .iter()
                    .filter(|(j, _)| *j == i)
                    .map(|(_, d)| d.clone()),
            );
            out.push(FileResult {
                path: src.path.clone(),
                text: src.text.clone(),
                diagnostics: diags,
            });
        }
    }
    out
}

fn dropin_kind(path: &Path) -> Option<UnitKind> {
    match classify(path) {
        FileRole::DropIn { kind, .. } => Some(kind),
        _ => None,
    }
}

/// Checks of one file on its own (no merging): syntax, keys, values,
/// references, podman's warnings.
pub fn check_source(
    ws: &Workspace,
    src: &Source,
    kind: UnitKind,
    is_main: bool,
    opts: &Options,
) -> Vec<Diagnostic> {
    let cx = FileCtx {
        ws,
        text: &src.text,
        doc: &src.doc,
        kind,
        opts,
        is_main,
        user: opts.user || crate::workspace::is_rootless_path(&src.path),
    };
    let mut out = Vec::new();
    syntax::check(&cx, &mut out);
    keys::check(&cx, &mut out);
    values::check(&cx, &mut out);
    refs::check(&cx, &mut out);
    podman_warnings::check(&cx, &mut out);
    out
}

/// Checks that need the unit merged with its drop-ins. Each diagnostic
/// carries the index of the source (0 = the unit file) it belongs to.
pub fn check_unit(ws: &Workspace, unit: &Unit, opts: &Options) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    rules::check(ws, unit, opts, &mut out);
    if unit.name.kind == UnitKind::Kube {
        out.extend(crate::kube::check_unit_links(ws, unit, &opts.kube));
    }
    out
}

/// Applies `--disable`, `# quadlet-ls: disable=` comments, and sorts.
fn finish(mut diags: Vec<Diagnostic>, text: &str, opts: &Options) -> Vec<Diagnostic> {
    if !opts.disabled.is_empty() {
        diags.retain(|d| !opts.disabled.contains(d.code));
    }
    if text.contains("quadlet-ls:") {
        let doc = crate::syntax::parse(text);
        let silenced = disabled_lines(&doc, text);
        if !silenced.is_empty() {
            diags.retain(|d| {
                let Some(line) = first_line_of(&doc, d.span.start) else {
                    return true;
                };
                match silenced.get(&line) {
                    Some(codes) => !(codes.contains("all") || codes.contains(d.code)),
                    None => true,
                }
            });
        }
    }
    diags.sort_by(|a, b| a.span.start.cmp(&b.span.start).then(a.code.cmp(b.code)));
    diags.dedup();
    diags
}

/// The line a diagnostic belongs to: for continuation lines, the entry's
/// first line.
fn first_line_of(doc: &Document, offset: usize) -> Option<usize> {
    let line = doc.line_at(offset)?;
    match doc.lines.get(line)?.kind {
        LineKind::Continuation(e) => doc.entries.get(e).and_then(|en| doc.line_at(en.span.start)),
        _ => Some(line),
    }
}

/// Lines silenced by `# quadlet-ls: disable=CODE[,CODE]` on the line before.
fn disabled_lines(doc: &Document, text: &str) -> HashMap<usize, BTreeSet<String>> {
    let mut out: HashMap<usize, BTreeSet<String>> = HashMap::new();
    for (i, line) in doc.lines.iter().enumerate() {
        if !matches!(line.kind, LineKind::Comment(_)) {
            continue;
        }
        let t = line.trimmed.slice(text);
        let body = t.trim_start_matches(['#', ';']).trim();
        let Some(rest) = body.strip_prefix("quadlet-ls:") else {
            continue;
        };
        let Some(list) = rest.trim().strip_prefix("disable=") else {
            continue;
        };
        let codes: BTreeSet<String> = list
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        out.entry(i + 1).or_default().extend(codes);
    }
    out
}

/// The file that claims this unit's name when it is not `path` itself:
/// podman loads that one and never reads `path`. Cost: one lookup and one
/// parse (bounded by the file, not the workspace) in the usual case.
fn shadowed_by(ws: &Workspace, path: &Path, name: &str) -> Option<PathBuf> {
    let first = ws.unit(name)?;
    if first.path == path {
        // First of its name: it claims the name when it parses, and is
        // refused on its own (`syntax`) when it does not.
        return None;
    }
    crate::generate::load::claimant(ws, name).filter(|c| c != path)
}

/// `other` as seen from the folder of `from` (`../Fedora/x.container`).
fn relative_display(from: &Path, other: &Path) -> String {
    let base: Vec<_> = from
        .parent()
        .map_or(Vec::new(), |p| p.components().collect());
    let to: Vec<_> = other.components().collect();
    let common = base.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return other.display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn shadowed(src: &Source, kind: UnitKind, by: &Path) -> Diagnostic {
    util::diag(
        "shadowed-unit",
        util::section_anchor(&src.doc, kind.section()),
        format!(
            "podman does not load this file: {} has the same name and comes first in the unit search path (this file is checked as if it were loaded)",
            relative_display(&src.path, by)
        ),
    )
}

fn dropped(src: &Source, kind: UnitKind, broken: &[LoadError]) -> Diagnostic {
    let names: Vec<String> = broken
        .iter()
        .map(|b| {
            let name = relative_display(&src.path, &b.path);
            match b.line {
                Some(l) => format!("{name} (line {l})"),
                None => name,
            }
        })
        .collect();
    let (list, verb) = match names.as_slice() {
        [one] => (one.clone(), "does"),
        [init @ .., last] => (format!("{} and {last}", init.join(", ")), "do"),
        [] => (String::new(), "does"),
    };
    util::diag(
        "dropped-unit",
        util::section_anchor(&src.doc, kind.section()),
        format!(
            "podman drops this unit: {list} in the same folder {verb} not parse, and the generator then skips every unit of the folder"
        ),
    )
}

/// The unit name of a path, if it is a unit file.
pub fn unit_name(path: &Path) -> Option<UnitName> {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(UnitName::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = BTreeSet::new();
        for (c, _, s) in CODES {
            assert!(seen.insert(*c), "duplicate {c}");
            assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
            assert!(!s.is_empty());
        }
    }
}
