//! Diagnostics: computed from `check::check_file` (units and drop-ins) or
//! the kube helper (YAML that a `.kube` unit runs or that matches a
//! `kubeGlobs` pattern), then pushed to the client.

use super::settings::Settings;
use super::{convert, refs::Target, Server};
use crate::diag::{Diagnostic, Severity};
use crate::line_index::{Encoding, LineIndex};
use crate::workspace::Workspace;
use crate::workspace::{classify, FileRole};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Whether a YAML file is one the server checks.
pub fn is_kube_yaml(s: &Server, path: &Path) -> bool {
    if s.refs
        .users(&Target::File(path.to_path_buf()))
        .next()
        .is_some()
    {
        return true;
    }
    let full = path.to_string_lossy();
    let rel = s
        .root
        .as_ref()
        .and_then(|r| path.strip_prefix(r).ok())
        .map(|p| p.to_string_lossy().into_owned());
    s.settings.kube_globs.iter().any(|g| {
        super::settings::glob_match(g, &full)
            || rel
                .as_deref()
                .is_some_and(|r| super::settings::glob_match(g, r))
    })
}

/// What the checker needs to know about one document, taken on the main
/// thread so the check itself can run on the diagnostics worker.
pub struct Job {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub version: i32,
    pub kube_yaml: bool,
}

/// The checker's inputs besides the documents.
#[derive(Clone)]
pub struct Env {
    pub ws: Arc<RwLock<Workspace>>,
    pub settings: Settings,
}

pub fn job(s: &Server, path: &Path) -> Option<Job> {
    let d = s.docs.get(path)?;
    Some(Job {
        path: path.to_path_buf(),
        text: d.text.clone(),
        version: d.version,
        kube_yaml: matches!(classify(path), FileRole::Yaml) && is_kube_yaml(s, path),
    })
}

/// All diagnostics for a file's current text.
pub fn compute(env: &Env, job: &Job) -> Vec<Diagnostic> {
    let mut out = match classify(&job.path) {
        FileRole::Unit(_) | FileRole::DropIn { .. } => match env.ws.read() {
            Ok(ws) => {
                crate::check::check_file(&ws, &job.path, &job.text, &env.settings.check_options())
            }
            Err(_) => Vec::new(),
        },
        FileRole::Yaml if job.kube_yaml => {
            crate::kube::check_yaml(&job.text, &crate::kube::Options::default())
        }
        _ => Vec::new(),
    };
    out.retain(|d| !env.settings.disabled_rules.contains(d.code));
    out
}

/// Publishes diagnostics computed for `version` if the document is still at
/// that version (otherwise newer ones are on their way).
pub fn publish(s: &mut Server, path: &Path, version: i32, diags: Vec<Diagnostic>) {
    let Some(doc) = s.docs.get_mut(path) else {
        return;
    };
    if doc.version != version {
        return;
    }
    let list: Vec<lsp_types::Diagnostic> = diags
        .iter()
        .map(|d| to_lsp(&doc.text, &doc.index, d, s.enc))
        .collect();
    doc.diagnostics = Some((version, Arc::new(diags)));
    let uri = doc.uri.clone();
    let changed_at = doc.changed_at.take();
    s.notify(
        "textDocument/publishDiagnostics",
        lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics: list,
            version: Some(version),
        },
    );
    if let Some(t) = changed_at.filter(|_| super::timing()) {
        eprintln!(
            "quadlet-ls timing: didChange->publishDiagnostics {}us",
            t.elapsed().as_micros()
        );
    }
}

/// The diagnostics of an open document for its current version (computed
/// now if the published ones are stale).
pub fn current(s: &Server, path: &Path) -> Arc<Vec<Diagnostic>> {
    match s.docs.get(path) {
        Some(d) => match &d.diagnostics {
            Some((v, list)) if *v == d.version => list.clone(),
            _ => match job(s, path) {
                Some(j) => Arc::new(compute(&s.diag_env(), &j)),
                None => Arc::new(Vec::new()),
            },
        },
        None => Arc::new(Vec::new()),
    }
}

pub fn severity(sev: Severity) -> lsp_types::DiagnosticSeverity {
    match sev {
        Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
        Severity::Info => lsp_types::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp_types::DiagnosticSeverity::HINT,
    }
}

pub fn to_lsp(
    text: &str,
    index: &LineIndex,
    d: &Diagnostic,
    enc: Encoding,
) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: convert::range(text, index, d.span, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp_types::NumberOrString::String(d.code.to_string())),
        source: Some("quadlet-ls".into()),
        message: d.message.clone(),
        ..Default::default()
    }
}
