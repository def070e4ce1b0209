//! Hover: section headers, keys (doc, podman flag, since-version, example),
//! enum values and specifiers; Kubernetes YAML through the kube helper.

use super::{
    completion::{key_doc, newer_than_target},
    convert,
    diagnostics::is_kube_yaml,
    specifiers, Server,
};
use crate::schema::{self, Version};
use crate::syntax::{self, LineKind, Span};
use crate::workspace::{classify, FileRole};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

pub fn hover(s: &Server, p: HoverParams) -> Option<Hover> {
    let pos = p.text_document_position_params;
    let (path, doc) = s.text(&pos.text_document.uri)?;
    let text = &doc.text;
    let offset = convert::offset(text, &doc.index, pos.position, s.enc);
    let (md, span) = match classify(&path) {
        FileRole::Unit(_) | FileRole::DropIn { .. } => {
            match reference_hover(s, &path, text, offset) {
                Some(h) => h,
                None => unit_hover(text, offset, s.settings.podman_version)?,
            }
        }
        FileRole::Yaml if is_kube_yaml(s, &path) => {
            let h = crate::kube::hover(text, offset, &crate::kube::Options::default())?;
            (h.markdown, h.span)
        }
        _ => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: Some(convert::range(text, &doc.index, span, s.enc)),
    })
}

/// On a reference (`Network=db.network`, `Yaml=app.yaml`): where it leads.
fn reference_hover(
    s: &Server,
    path: &std::path::Path,
    text: &str,
    offset: usize,
) -> Option<(String, Span)> {
    let doc = syntax::parse(text);
    let r = super::refs::extract(&doc, path)
        .into_iter()
        .find(|r| r.span.touches(offset))?;
    let shown = r.span.slice(text);
    let md = match super::navigation::resolve(s, path, &r.target) {
        Some(p) => format!("`{shown}` → `{}`", p.display()),
        None => format!("`{shown}`: not found in the workspace"),
    };
    Some((md, r.span))
}

/// Hover in a unit or drop-in; `target` is the release the units target:
/// a section, key or value newer than it says so first.
fn unit_hover(text: &str, offset: usize, target: Version) -> Option<(String, Span)> {
    let with_note = |note: Option<String>, md: String| match note {
        Some(n) => format!("{n}\n\n{md}"),
        None => md,
    };
    let doc = syntax::parse(text);
    let line = doc.lines.get(doc.line_at(offset)?)?;
    let table = schema::table();
    match line.kind {
        LineKind::Header(h) => {
            let h = doc.headers.get(h)?;
            let md = match table.section(&h.name) {
                Some(d) => with_note(
                    newer_than_target(d.since, target),
                    format!("**[{}]**\n\n{}\n\nSince podman {}.", d.name, d.doc, d.since),
                ),
                None => match h.name.as_str() {
                    "Unit" | "Service" | "Install" => format!(
                        "**[{}]**\n\nsystemd section, passed through to the generated service.",
                        h.name
                    ),
                    _ => return None,
                },
            };
            Some((md, h.span))
        }
        LineKind::Entry(e) | LineKind::Continuation(e) => {
            let entry = doc.entries.get(e)?;
            let section = entry
                .section
                .and_then(|s| doc.sections.get(s))
                .map(|s| s.name.as_str())
                .unwrap_or("");
            if entry.key_span.touches(offset) {
                if let Some(k) = table.get(section, &entry.key) {
                    let note = newer_than_target(k.since, target).or_else(|| {
                        k.until.filter(|u| *u < target).map(|u| {
                            format!("**Not in podman {target}** (the target release): podman {u} was the last release with it.")
                        })
                    });
                    return Some((with_note(note, key_doc(k)), entry.key_span));
                }
                let shape = schema::systemd_directives(section)?.get(&entry.key)?;
                return Some((
                    format!(
                        "**{}=** in `[{section}]`\n\nsystemd directive, value: `{shape}`.",
                        entry.key
                    ),
                    entry.key_span,
                ));
            }
            let at = entry.doc_to_value(offset)?;
            // A specifier under the cursor?
            for (i, c) in specifiers::find(&entry.value) {
                let end = i + 1 + c.len_utf8();
                if at >= i && at <= end {
                    let d = specifiers::describe(c)?;
                    return Some((format!("`%{c}`: {d}"), entry.value_range(i, end)));
                }
            }
            let k = table.get(section, &entry.key)?;
            let v = k.value(&entry.value)?;
            let mut md = format!("`{}={}`: {}", entry.key, v.value, v.doc);
            if let Some(since) = v.since {
                md.push_str(&format!("\n\nSince podman {since}."));
            }
            Some((
                with_note(v.since.and_then(|s| newer_than_target(s, target)), md),
                entry.value_span,
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
pub(crate) fn unit_hover_for_test(text: &str, offset: usize) -> Option<(String, Span)> {
    unit_hover(text, offset, Version::DEFAULT)
}
