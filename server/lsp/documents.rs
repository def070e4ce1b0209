//! Open documents and text synchronisation (incremental, in the negotiated
//! position encoding).

use super::{convert, Server};
use crate::line_index::LineIndex;
use crate::workspace::{classify, FileRole};
use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, Uri,
};
use std::path::Path;
use std::sync::Arc;

/// An open document: the editor's text, its version and its line index.
#[derive(Debug, Clone)]
pub struct Doc {
    pub uri: Uri,
    pub text: Arc<str>,
    pub version: i32,
    pub index: Arc<LineIndex>,
    /// The diagnostics last published, with the version they were computed
    /// for (code actions take their fixes from here).
    pub diagnostics: Option<(i32, Arc<Vec<crate::diag::Diagnostic>>)>,
    /// When the last change arrived (for the timing log).
    pub changed_at: Option<std::time::Instant>,
}

impl Doc {
    pub fn new(uri: Uri, text: Arc<str>, version: i32) -> Doc {
        let index = Arc::new(LineIndex::new(&text));
        Doc {
            uri,
            text,
            version,
            index,
            diagnostics: None,
            changed_at: None,
        }
    }
}

pub fn did_open(s: &mut Server, p: DidOpenTextDocumentParams) {
    let Some(path) = convert::uri_to_path(&p.text_document.uri) else {
        return;
    };
    let text: Arc<str> = p.text_document.text.into();
    let doc = Doc::new(p.text_document.uri, text.clone(), p.text_document.version);
    if let Ok(mut ws) = s.ws.write() {
        ws.set_overlay(path.clone(), text);
    }
    s.docs.insert(path.clone(), doc);
    update_refs(s, &path);
    s.mark_dirty(&path);
    s.mark_users_dirty(&path);
}

pub fn did_change(s: &mut Server, p: DidChangeTextDocumentParams) {
    let Some(path) = convert::uri_to_path(&p.text_document.uri) else {
        return;
    };
    let arrived = std::time::Instant::now();
    let enc = s.enc;
    let Some(doc) = s.docs.get_mut(&path) else {
        eprintln!("quadlet-ls: didChange for a document that is not open");
        return;
    };
    let mut text = doc.text.to_string();
    let mut index = doc.index.clone();
    for ch in p.content_changes {
        match ch.range {
            Some(r) => {
                let span = convert::span(&text, &index, r, enc);
                text.replace_range(span.start..span.end, &ch.text);
            }
            None => text = ch.text,
        }
        index = Arc::new(LineIndex::new(&text));
    }
    let text: Arc<str> = text.into();
    doc.text = text.clone();
    doc.index = index;
    doc.version = p.text_document.version;
    doc.changed_at = Some(arrived);
    if let Ok(mut ws) = s.ws.write() {
        ws.set_overlay(path.clone(), text);
    }
    update_refs(s, &path);
    s.mark_dirty(&path);
    s.mark_users_dirty(&path);
}

pub fn did_close(s: &mut Server, p: DidCloseTextDocumentParams) {
    let Some(path) = convert::uri_to_path(&p.text_document.uri) else {
        return;
    };
    if s.docs.remove(&path).is_none() {
        return;
    }
    if let Ok(mut ws) = s.ws.write() {
        ws.clear_overlay(&path);
    }
    // Back to the disk's version for the reference index.
    update_refs(s, &path);
    s.mark_users_dirty(&path);
    s.notify(
        "textDocument/publishDiagnostics",
        serde_json::json!({"uri": p.text_document.uri, "diagnostics": []}),
    );
}

pub fn did_change_watched_files(s: &mut Server, p: DidChangeWatchedFilesParams) {
    let mut settings_changed = false;
    for ev in p.changes {
        let Some(path) = convert::uri_to_path(&ev.uri) else {
            continue;
        };
        if path.file_name().and_then(|n| n.to_str()) == Some("quadlet-ls.toml") {
            settings_changed = true;
        }
        if let Ok(mut ws) = s.ws.write() {
            ws.file_changed(&path);
            s.names.file_changed(&ws, &path);
        }
        if !s.docs.contains_key(&path) {
            update_refs(s, &path);
        }
        s.mark_users_dirty(&path);
    }
    if settings_changed {
        s.load_file_settings();
    }
    // Anything may depend on a created or deleted unit (drop-ins, names):
    // re-check the open documents (bounded by what is open).
    s.mark_all_dirty();
}

/// Re-extracts the references of one file (the open buffer or the disk).
pub fn update_refs(s: &mut Server, path: &Path) {
    let is_unitish = matches!(classify(path), FileRole::Unit(_) | FileRole::DropIn { .. });
    if !is_unitish {
        return;
    }
    let text = match s.docs.get(path) {
        Some(d) => Some(d.text.clone()),
        None => s.ws.read().ok().and_then(|ws| ws.read(path).ok()),
    };
    let targets = match text {
        Some(t) => super::targets_of(&crate::syntax::parse(&t), path),
        None => Vec::new(),
    };
    s.refs.set(path, targets);
}
