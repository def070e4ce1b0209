//! Diagnostics: computed from `check::check_file` (units and drop-ins) or
//! the kube helper (YAML that a `.kube` unit runs or that matches a
//! `kubeGlobs` pattern), then pushed to the client.

use super::{convert, refs::Target, Server};
use crate::diag::{Diagnostic, Severity};
use crate::line_index::{Encoding, LineIndex};
use crate::workspace::{classify, FileRole};
use std::path::Path;
use std::sync::Arc;

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

/// All diagnostics for a file's current text.
pub fn compute(s: &Server, path: &Path, text: &str) -> Vec<Diagnostic> {
    let mut out = match classify(path) {
        FileRole::Unit(_) | FileRole::DropIn { .. } => match s.ws.read() {
            Ok(ws) => crate::check::check_file(&ws, path, text, &s.settings.check_options()),
            Err(_) => Vec::new(),
        },
        FileRole::Yaml if is_kube_yaml(s, path) => {
            crate::kube::check_yaml(text, &crate::kube::Options::default())
        }
        _ => Vec::new(),
    };
    out.retain(|d| !s.settings.disabled_rules.contains(d.code));
    out
}

pub fn publish(s: &mut Server, path: &Path) {
    let Some(doc) = s.docs.get(path) else { return };
    let (text, version, uri, index) = (
        doc.text.clone(),
        doc.version,
        doc.uri.clone(),
        doc.index.clone(),
    );
    let diags = Arc::new(compute(s, path, &text));
    let list: Vec<lsp_types::Diagnostic> = diags
        .iter()
        .map(|d| to_lsp(&text, &index, d, s.enc))
        .collect();
    if let Some(doc) = s.docs.get_mut(path) {
        doc.diagnostics = Some((version, diags));
    }
    s.notify(
        "textDocument/publishDiagnostics",
        lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics: list,
            version: Some(version),
        },
    );
}

/// The diagnostics of an open document for its current version (computed
/// now if the published ones are stale).
pub fn current(s: &Server, path: &Path) -> Arc<Vec<Diagnostic>> {
    match s.docs.get(path) {
        Some(d) => match &d.diagnostics {
            Some((v, list)) if *v == d.version => list.clone(),
            _ => Arc::new(compute(s, path, &d.text)),
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
