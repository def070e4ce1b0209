//! Code actions: the quick fixes the diagnostics carry (never recomputed
//! here), and the source action "Preview generated service".

use super::{convert, diagnostics, Server, PREVIEW_COMMAND};
use crate::workspace::{classify, FileRole};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Command, TextEdit,
    WorkspaceEdit,
};
use std::collections::HashMap;

pub fn code_actions(s: &Server, p: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
    let uri = p.text_document.uri;
    let path = convert::uri_to_path(&uri)?;
    let doc = s.docs.get(&path)?;
    let text = &doc.text;
    let want = convert::span(text, &doc.index, p.range, s.enc);
    let only = p.context.only.as_ref();
    let allowed = |k: &CodeActionKind| {
        only.is_none_or(|o| {
            o.iter().any(|w| {
                k.as_str() == w.as_str() || k.as_str().starts_with(&format!("{}.", w.as_str()))
            })
        })
    };
    let mut out = Vec::new();
    if allowed(&CodeActionKind::QUICKFIX) {
        for d in diagnostics::current(s, &path).iter() {
            if d.span.end < want.start || d.span.start > want.end {
                continue;
            }
            let ld = diagnostics::to_lsp(text, &doc.index, d, s.enc);
            for (i, fix) in d.fixes.iter().enumerate() {
                let edits: Vec<TextEdit> = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: convert::range(text, &doc.index, e.span, s.enc),
                        new_text: e.new_text.clone(),
                    })
                    .collect();
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![ld.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), edits)])),
                        ..Default::default()
                    }),
                    is_preferred: Some(i == 0),
                    ..Default::default()
                }));
            }
        }
    }
    if allowed(&CodeActionKind::SOURCE) && matches!(classify(&path), FileRole::Unit(_)) {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "Preview generated service".into(),
            kind: Some(CodeActionKind::SOURCE),
            command: Some(Command {
                title: "Preview generated service".into(),
                command: PREVIEW_COMMAND.into(),
                arguments: Some(vec![serde_json::json!(uri.as_str())]),
            }),
            ..Default::default()
        }));
    }
    Some(out)
}
