//! `quadlet-ls lint`: checks unit files, drop-ins and the Kubernetes YAML
//! that `.kube` units use, for CI. Exit status: 0 no errors, 1 errors (or
//! warnings with `--deny-warnings`), 2 usage or I/O error.

use super::{lint_files, lint_fix, output, udiff};
use crate::check::{self, FileResult, Options};
use crate::diag::{Diagnostic, Severity};
use crate::errln;
use crate::line_index::{Encoding, LineIndex};
use crate::schema::Version;
use clap::{Args, ValueEnum};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets, like rustc.
    Human,
    /// One JSON document (its schema ends `lint --help`).
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
    /// GitLab Code Quality report (JSON).
    Gitlab,
    /// JUnit XML: a test suite per file, a failed test case per problem.
    Junit,
}

#[derive(Debug, Args)]
#[command(after_long_help = super::docs::lint_after_help())]
pub struct LintArgs {
    /// Files or directories to check (recursively). Default: `.`
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    #[command(flatten)]
    pub release: super::ReleaseArg,
    /// Check as rootless (user) units.
    #[arg(long)]
    pub user: bool,
    /// Exit with status 1 when there are warnings, too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Apply the safe fixes, then lint again (the exit status is what
    /// remains).
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: apply the unsafe fixes too (guesses such as the
    /// closest key name).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1
    /// when there is anything to change).
    #[arg(long)]
    pub diff: bool,
    /// Switch a check off (repeatable).
    #[arg(long, value_name = "CODE")]
    pub disable: Vec<String>,
    /// The Kubernetes version for the YAML checks (e.g. 1.33).
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
    #[command(flatten)]
    pub config: super::ConfigArgs,
}

/// `quadlet-ls.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Config {
    pub(crate) podman_version: Option<String>,
    kubernetes_version: Option<String>,
    user: Option<bool>,
    deny_warnings: Option<bool>,
    #[serde(default)]
    disable: Vec<String>,
}

const CONFIG_NAME: &str = "quadlet-ls.toml";

/// Problems shown per file; the rest are counted (exit status, summary on
/// stderr) but not printed.
const MAX_SHOWN: usize = 1000;

fn find_config(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    loop {
        let c = dir.join(CONFIG_NAME);
        if c.is_file() {
            return Some(c);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// The quadlet-ls.toml that applies: `--config`, else the first found from
/// the current directory upwards, else from the first path upwards; none
/// with `--no-config`.
pub(crate) fn load_config(
    args: &super::ConfigArgs,
    paths: &[PathBuf],
) -> Result<Option<(PathBuf, Config)>, String> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => p.clone(),
        None => {
            let found = std::env::current_dir()
                .ok()
                .and_then(|d| find_config(&d))
                .or_else(|| paths.first().and_then(|p| find_config(p)));
            match found {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let cfg: Config =
        toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    Ok(Some((path, cfg)))
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    errln!("quadlet-ls lint: {msg}");
    ExitCode::from(2)
}

pub fn run(args: LintArgs) -> ExitCode {
    let (cfg_path, cfg) = match load_config(&args.config, &args.paths) {
        Ok(Some((p, c))) => (Some(p), c),
        Ok(None) => (None, Config::default()),
        Err(e) => return fail(e),
    };
    let podman_version = match super::resolve_release(
        "lint",
        args.release.podman_version,
        cfg.podman_version.as_deref(),
        cfg_path.as_deref(),
    ) {
        Ok((v, _)) => v,
        Err(e) => return fail(e),
    };
    let mut disabled: BTreeSet<String> = cfg.disable.iter().cloned().collect();
    disabled.extend(args.disable.iter().cloned());
    for c in &disabled {
        if !check::all_codes().any(|k| k.0 == c) {
            errln!("quadlet-ls lint: note: `{c}` is not a check code of quadlet-ls; disabling it anyway");
        }
    }
    let opts = Options {
        podman_version,
        user: args.user || cfg.user.unwrap_or(false),
        disabled,
        kube: crate::kube::Options {
            kubernetes_version: args
                .kubernetes_version
                .clone()
                .or(cfg.kubernetes_version.clone()),
        },
    };
    let deny_warnings = args.deny_warnings || cfg.deny_warnings.unwrap_or(false);

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut collected = lint_files::lint_paths(&paths, &opts);
    for e in collected.io_errors.iter().chain(&collected.usage_errors) {
        errln!("quadlet-ls lint: {e}");
    }
    if !collected.usage_errors.is_empty() {
        return ExitCode::from(2);
    }
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    if args.fix || args.diff {
        let fixed = lint_fix::fix_all(&collected, &opts, args.unsafe_fixes);
        let applied: usize = fixed.iter().map(|f| f.applied).sum();
        if args.diff {
            let mut out = output::stdout();
            for f in &fixed {
                let name = display_path(&f.path, cwd.as_deref()).replace('\\', "/");
                let _ = out.write_all(udiff::unified(&name, &f.before, &f.after).as_bytes());
            }
            let again = lint_files::lint_paths_in(
                std::sync::Arc::new(lint_fix::OverlayFs::new(&fixed)),
                &paths,
                &opts,
            );
            let (e, w) = count(&again.results);
            errln!(
                "quadlet-ls lint: {} would change {}; {} and {} would remain{}",
                plural(applied, "fix"),
                plural(fixed.len(), "file"),
                plural(e, "error"),
                plural(w, "warning"),
                unsafe_note(&again.results, args.unsafe_fixes),
            );
            let status = if !again.io_errors.is_empty() {
                ExitCode::from(2)
            } else if !fixed.is_empty() || e > 0 || (deny_warnings && w > 0) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
            return output::finish(out, "quadlet-ls lint", status);
        }
        let write_errors = lint_fix::write_all(&fixed);
        for e in &write_errors {
            errln!("quadlet-ls lint: {e}");
        }
        collected = lint_files::lint_paths(&paths, &opts);
        errln!(
            "quadlet-ls lint: applied {} in {}{}",
            plural(applied, "fix"),
            plural(fixed.len(), "file"),
            unsafe_note(&collected.results, args.unsafe_fixes),
        );
        if !write_errors.is_empty() {
            collected.io_errors.extend(write_errors);
        }
    }
    let io_errors = collected.io_errors;
    let mut results = collected.results;
    let nothing = results.is_empty() && io_errors.is_empty();
    if nothing {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        errln!(
            "quadlet-ls lint: warning: nothing to check in {}: no Quadlet unit files, drop-ins or Kubernetes YAML found",
            list.join(" ")
        );
    }
    // Count everything, but show at most MAX_SHOWN problems per file.
    let (errors, warnings) = count(&results);
    for r in &mut results {
        if r.diagnostics.len() > MAX_SHOWN {
            errln!(
                "quadlet-ls lint: {}: {} more problems not shown (only the first {MAX_SHOWN} are)",
                r.path.display(),
                r.diagnostics.len() - MAX_SHOWN
            );
            r.diagnostics.truncate(MAX_SHOWN);
        }
    }

    let shown: Vec<Shown> = results
        .iter()
        .map(|r| Shown {
            display: display_path(&r.path, cwd.as_deref()),
            result: r,
        })
        .collect();
    let mut out = output::stdout();
    // The sink keeps write errors (and ignores a closed pipe); `finish`
    // reports them.
    let _ = match args.format {
        Format::Human => write_human(
            &mut out,
            &shown,
            (errors, warnings),
            podman_version,
            io_errors.len(),
        ),
        Format::Json => write_json(&mut out, &shown, (errors, warnings), podman_version),
        Format::Sarif => write_sarif(&mut out, &shown),
        Format::Github => write_github(&mut out, &shown),
        Format::Gitlab => write_gitlab(&mut out, &shown),
        Format::Junit => write_junit(&mut out, &shown),
    };
    let status = if !io_errors.is_empty() {
        ExitCode::from(2)
    } else if errors > 0 || (deny_warnings && (warnings > 0 || nothing)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    output::finish(out, "quadlet-ls lint", status)
}

/// `; 2 more problems have unsafe fixes (--unsafe-fixes)`, or nothing.
fn unsafe_note(results: &[FileResult], unsafe_ok: bool) -> String {
    if unsafe_ok {
        return String::new();
    }
    let n = results
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| lint_fix::applicable(d, true).is_some())
        .count();
    if n == 0 {
        String::new()
    } else {
        format!(
            "; {} {} unsafe fixes (--unsafe-fixes applies them)",
            plural(n, "problem"),
            if n == 1 { "has" } else { "have" }
        )
    }
}

fn count(results: &[FileResult]) -> (usize, usize) {
    let mut e = 0;
    let mut w = 0;
    for d in results.iter().flat_map(|r| &r.diagnostics) {
        match d.severity {
            Severity::Error => e += 1,
            Severity::Warning => w += 1,
            _ => {}
        }
    }
    (e, w)
}

fn display_path(p: &Path, cwd: Option<&Path>) -> String {
    if let Some(rel) = cwd.and_then(|c| p.strip_prefix(c).ok()) {
        if !rel.as_os_str().is_empty() {
            return rel.display().to_string();
        }
    }
    p.display().to_string()
}

struct Shown<'a> {
    display: String,
    result: &'a FileResult,
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(index: &LineIndex, text: &str, offset: usize) -> (u32, u32) {
    let p = index.position(text, offset, Encoding::Utf32);
    (p.line + 1, p.col + 1)
}

fn region(index: &LineIndex, text: &str, d: &Diagnostic) -> (u32, u32, u32, u32) {
    let (l1, c1) = line_col(index, text, d.span.start);
    let (l2, c2) = line_col(index, text, d.span.end);
    (l1, c1, l2, c2)
}

/// `1 file`, `2 files`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else if noun.ends_with('x') {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// The human format. `unreadable_paths`: the PATHs that could not be read
/// (their errors are already on stderr); the summary counts them.
fn write_human(
    out: &mut dyn Write,
    files: &[Shown],
    totals: (usize, usize),
    release: Version,
    unreadable_paths: usize,
) -> std::io::Result<()> {
    let (total_e, total_w) = totals;
    let mut with_problems = 0;
    for f in files {
        let text = &*f.result.text;
        let index = LineIndex::new(text);
        if !f.result.diagnostics.is_empty() {
            with_problems += 1;
        }
        for d in &f.result.diagnostics {
            let (l1, c1, l2, c2) = region(&index, text, d);
            writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message)?;
            writeln!(out, "  --> {}:{}:{}", f.display, l1, c1)?;
            let line_start = index.line_start(l1 as usize - 1).unwrap_or(0);
            let line_end = text[line_start.min(text.len())..]
                .find('\n')
                .map_or(text.len(), |i| line_start + i);
            let line = text
                .get(line_start..line_end)
                .unwrap_or("")
                .trim_end_matches('\r');
            if !text.is_empty() {
                let nr = l1.to_string();
                let pad = " ".repeat(nr.len());
                let width = if l2 == l1 {
                    (c2.saturating_sub(c1)).max(1) as usize
                } else {
                    (line.chars().count() + 1)
                        .saturating_sub(c1 as usize)
                        .max(1)
                };
                writeln!(out, "{pad} |")?;
                writeln!(out, "{nr} | {}", line.replace('\t', " "))?;
                writeln!(
                    out,
                    "{pad} | {}{}",
                    " ".repeat(c1 as usize - 1),
                    "^".repeat(width)
                )?;
                for fix in &d.fixes {
                    let tag = if fix.is_safe() { "" } else { " (unsafe)" };
                    writeln!(out, "{pad} = fix{tag}: {}", fix.title)?;
                }
                writeln!(out, "{pad} = help: quadlet-ls rule {}", d.code)?;
            } else {
                writeln!(out, "  = help: quadlet-ls rule {}", d.code)?;
            }
            writeln!(out)?;
        }
    }
    let checked = format!(
        "{} checked for podman {release}",
        plural(files.len(), "file")
    );
    let unread = if unreadable_paths == 0 {
        String::new()
    } else {
        format!("; {} could not be read", plural(unreadable_paths, "path"))
    };
    if total_e + total_w == 0 && unreadable_paths == 0 {
        writeln!(out, "{checked}: no problems")?;
    } else if total_e + total_w == 0 {
        writeln!(out, "{checked}{unread}")?;
    } else {
        writeln!(
            out,
            "{}, {} in {} of {checked}{unread}",
            plural(total_e, "error"),
            plural(total_w, "warning"),
            with_problems,
        )?;
    }
    Ok(())
}

fn json_diag(index: &LineIndex, text: &str, path: &str, d: &Diagnostic) -> Value {
    let (l1, c1, l2, c2) = region(index, text, d);
    json!({
        "path": path,
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "range": {
            "start": {"line": l1, "column": c1},
            "end": {"line": l2, "column": c2},
        },
        "span": {"start": d.span.start, "end": d.span.end},
        "fixes": d.fixes.iter().map(|f| json!({
            "title": f.title,
            "safe": f.is_safe(),
            "edits": f.edits.iter().map(|e| json!({
                "span": {"start": e.span.start, "end": e.span.end},
                "new_text": e.new_text,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn write_json(
    out: &mut dyn Write,
    files: &[Shown],
    totals: (usize, usize),
    release: Version,
) -> std::io::Result<()> {
    let mut diags = Vec::new();
    let (e, w) = totals;
    let mut other = 0;
    for f in files {
        let index = LineIndex::new(&f.result.text);
        for d in &f.result.diagnostics {
            if !matches!(d.severity, Severity::Error | Severity::Warning) {
                other += 1;
            }
            diags.push(json_diag(&index, &f.result.text, &f.display, d));
        }
    }
    let doc = json!({
        "version": 1,
        "tool": {"name": "quadlet-ls", "version": env!("CARGO_PKG_VERSION")},
        "podman_version": release.to_string(),
        "files_checked": files.iter().map(|f| f.display.clone()).collect::<Vec<_>>(),
        "summary": {"errors": e, "warnings": w, "other": other},
        "diagnostics": diags,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn write_sarif(out: &mut dyn Write, files: &[Shown]) -> std::io::Result<()> {
    let mut rules: Vec<(String, Severity, String)> = check::all_codes()
        .map(|(c, s, d)| (c.to_string(), *s, d.to_string()))
        .collect();
    let mut results = Vec::new();
    for f in files {
        let index = LineIndex::new(&f.result.text);
        let prints = fingerprints(f);
        for (d, print) in f.result.diagnostics.iter().zip(&prints) {
            let rule_index = match rules.iter().position(|r| r.0 == d.code) {
                Some(i) => i,
                None => {
                    rules.push((d.code.to_string(), d.severity, d.code.to_string()));
                    rules.len() - 1
                }
            };
            let (l1, c1, l2, c2) = region(&index, &f.result.text, d);
            let uri = f.display.replace('\\', "/");
            results.push(json!({
                "ruleId": d.code,
                "ruleIndex": rule_index,
                "level": sarif_level(d.severity),
                "message": {"text": d.message},
                "partialFingerprints": {"primaryLocationLineHash": print},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": l1,
                            "startColumn": c1,
                            "endLine": l2,
                            "endColumn": c2.max(if l1 == l2 { c1 } else { 1 }),
                        },
                    },
                }],
            }));
        }
    }
    let rules: Vec<Value> = rules
        .iter()
        .map(|(c, s, d)| {
            json!({
                "id": c,
                "name": c,
                "shortDescription": {"text": d},
                "help": match check::docs::rule_doc(c) {
                    Some(doc) => json!({"text": doc.body(), "markdown": doc.body()}),
                    None => json!({"text": format!("quadlet-ls rule {c}")}),
                },
                "defaultConfiguration": {"level": sarif_level(*s)},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "quadlet-ls",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// FNV-1a, 64 bits: a hash that stays the same across builds and platforms.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// One fingerprint per diagnostic of a file, in order: a hash of the code,
/// the path and the text of the diagnostic's first line (blanks trimmed),
/// then `:N` for the N-th such problem. It does not change when lines are
/// added above, so code-scanning services and GitLab recognise a problem
/// from one run to the next.
fn fingerprints(f: &Shown) -> Vec<String> {
    let text = &*f.result.text;
    let index = LineIndex::new(text);
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    f.result
        .diagnostics
        .iter()
        .map(|d| {
            let (line, _) = line_col(&index, text, d.span.start);
            let start = index
                .line_start(line as usize - 1)
                .unwrap_or(0)
                .min(text.len());
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let content = text.get(start..end).unwrap_or("").trim();
            let h = fnv1a(&[
                d.code.as_bytes(),
                f.display.replace('\\', "/").as_bytes(),
                content.as_bytes(),
            ]);
            let n = seen.entry(h).or_insert(0);
            *n += 1;
            format!("{h:016x}:{n}")
        })
        .collect()
}

/// GitLab Code Quality: a JSON array of issues.
fn write_gitlab(out: &mut dyn Write, files: &[Shown]) -> std::io::Result<()> {
    let mut issues = Vec::new();
    for f in files {
        let index = LineIndex::new(&f.result.text);
        for (d, print) in f.result.diagnostics.iter().zip(fingerprints(f)) {
            let (l1, _, l2, _) = region(&index, &f.result.text, d);
            issues.push(json!({
                "type": "issue",
                "description": d.message,
                "check_name": d.code,
                "fingerprint": print,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info | Severity::Hint => "info",
                },
                "location": {
                    "path": f.display.replace('\\', "/"),
                    "lines": {"begin": l1, "end": l2},
                },
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// Text for XML, with the characters XML cannot hold left out.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one `<testsuite>` per file checked; a file without problems
/// has one passing test case, and each problem is a failed test case named
/// `line:column code`.
fn write_junit(out: &mut dyn Write, files: &[Shown]) -> std::io::Result<()> {
    let total: usize = files
        .iter()
        .map(|f| f.result.diagnostics.len().max(1))
        .sum();
    let failures: usize = files.iter().map(|f| f.result.diagnostics.len()).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="quadlet-ls lint" tests="{total}" failures="{failures}" errors="0">"#
    )?;
    for f in files {
        let name = xml_escape(&f.display.replace('\\', "/"));
        let n = f.result.diagnostics.len();
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="{}" failures="{n}" errors="0">"#,
            n.max(1)
        )?;
        if n == 0 {
            writeln!(
                out,
                r#"    <testcase name="no problems" classname="{name}"/>"#
            )?;
        }
        let index = LineIndex::new(&f.result.text);
        for d in &f.result.diagnostics {
            let (l1, c1) = line_col(&index, &f.result.text, d.span.start);
            writeln!(
                out,
                r#"    <testcase name="{l1}:{c1} {}" classname="{name}">"#,
                d.code
            )?;
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}:{l1}:{c1}: {}[{}]: {}</failure>"#,
                d.severity.as_str(),
                xml_escape(&d.message),
                name,
                d.severity.as_str(),
                d.code,
                xml_escape(&d.message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn write_github(out: &mut dyn Write, files: &[Shown]) -> std::io::Result<()> {
    for f in files {
        let index = LineIndex::new(&f.result.text);
        for d in &f.result.diagnostics {
            let cmd = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "notice",
            };
            let (l1, c1, l2, c2) = region(&index, &f.result.text, d);
            writeln!(
                out,
                "::{cmd} file={},line={l1},col={c1},endLine={l2},endColumn={c2},title={}::{}",
                gh_escape_prop(&f.display),
                gh_escape_prop(d.code),
                gh_escape_data(&d.message)
            )?;
        }
    }
    Ok(())
}
