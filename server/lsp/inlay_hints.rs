//! Inlay hints: the podman flag each key turns into, shown after the value
//! (`PublishPort=8080:80  → --publish 8080:80`).

use super::{convert, Server};
use crate::schema::{self, KeyDef};
use crate::syntax;
use crate::workspace::{classify, FileRole};
use lsp_types::{InlayHint, InlayHintLabel, InlayHintParams};

/// The flag text for a key and value, or `None` when the key is not a plain
/// flag (or a boolean that is off).
pub fn flag_text(k: &KeyDef, value: &str) -> Option<String> {
    let flag = k.flag.as_deref()?;
    if value.is_empty() {
        return None;
    }
    if flag.contains("VALUE") {
        return Some(flag.replace("VALUE", value));
    }
    if k.kind == "bool" {
        return crate::model::parse_bool(value).then(|| flag.to_string());
    }
    if flag.contains(['<', '|', '=', ' ']) {
        return Some(flag.to_string());
    }
    Some(format!("{flag} {value}"))
}

pub fn inlay_hints(s: &Server, p: InlayHintParams) -> Option<Vec<InlayHint>> {
    let (path, doc) = s.text(&p.text_document.uri)?;
    if !matches!(classify(&path), FileRole::Unit(_) | FileRole::DropIn { .. }) {
        return None;
    }
    let text = &doc.text;
    let want = convert::span(text, &doc.index, p.range, s.enc);
    let parsed = syntax::parse(text);
    let table = schema::table();
    let mut out = Vec::new();
    for e in &parsed.entries {
        if e.span.end < want.start || e.span.start > want.end {
            continue;
        }
        let Some(section) = e.section.and_then(|i| parsed.sections.get(i)) else {
            continue;
        };
        let Some(k) = table.get(&section.name, &e.key) else {
            continue;
        };
        let Some(label) = flag_text(k, &e.value) else {
            continue;
        };
        let label: String = label.chars().take(120).collect();
        out.push(InlayHint {
            position: convert::position(text, &doc.index, e.span.end, s.enc),
            label: InlayHintLabel::String(format!("→ {label}")),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    Some(out)
}
