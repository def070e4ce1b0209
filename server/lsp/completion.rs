//! Completion: section headers, the keys of the current section, values
//! (booleans, enums, modes, workspace units, systemd unit names) and
//! specifiers after `%`. Never inside comments.

use super::{convert, diagnostics::is_kube_yaml, specifiers, Server};
use crate::schema::{self, KeyDef, Version};
use crate::syntax::{self, LineKind, Span};
use crate::workspace::{classify, FileRole, UnitKind};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionItemTag, CompletionParams, CompletionResponse,
    CompletionTextEdit, Documentation, InsertTextFormat, MarkupContent, MarkupKind, Range,
    TextEdit,
};
use std::path::Path;

/// Where the cursor is, as far as completion cares.
#[derive(Debug, PartialEq, Eq)]
pub enum Context {
    None,
    /// On a `[` header line; the span to replace.
    Header(Span),
    /// Typing a key; the span of the word.
    Key {
        section: Option<String>,
        word: Span,
    },
    /// Typing a value; `value` is the value text before the cursor, which
    /// starts at `value_start`.
    Value {
        section: Option<String>,
        key: String,
        value: String,
        value_start: usize,
    },
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Works out the completion context at `offset`.
pub fn context(text: &str, doc: &syntax::Document, offset: usize) -> Context {
    let offset = floor_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before = &text[line_start..offset];
    let lead = before.len() - before.trim_start().len();
    let trimmed = &before[lead..];
    let kind = doc
        .line_at(offset)
        .and_then(|l| doc.lines.get(l))
        .map(|l| l.kind);
    if let Some(LineKind::Continuation(e)) = kind {
        if let Some(entry) = doc.entries.get(e) {
            let section = entry
                .section
                .and_then(|s| doc.sections.get(s))
                .map(|s| s.name.clone());
            return Context::Value {
                section,
                key: entry.key.clone(),
                value: trimmed.to_string(),
                value_start: line_start + lead,
            };
        }
    }
    if trimmed.starts_with('#') || trimmed.starts_with(';') {
        return Context::None;
    }
    let section = doc.section_at(offset).map(str::to_string);
    if trimmed.starts_with('[') {
        let rest = &text[offset..line_end];
        let end = match rest.find(']') {
            Some(i) => offset + i + 1,
            None => offset + rest.len() - (rest.len() - rest.trim_end().len()),
        };
        return Context::Header(Span::new(line_start + lead, end));
    }
    if let Some(eq) = trimmed.find('=') {
        let key = trimmed[..eq].trim_end().to_string();
        let after = &trimmed[eq + 1..];
        let vlead = after.len() - after.trim_start().len();
        return Context::Value {
            section,
            key,
            value: after[vlead..].to_string(),
            value_start: line_start + lead + eq + 1 + vlead,
        };
    }
    if !trimmed.chars().all(is_word) {
        return Context::None;
    }
    let word_end = text[offset..line_end]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(line_end, |(i, _)| offset + i);
    Context::Key {
        section,
        word: Span::new(line_start + lead, word_end),
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn completion(s: &Server, p: CompletionParams) -> Option<CompletionResponse> {
    let pos = p.text_document_position;
    let (path, doc) = s.text(&pos.text_document.uri)?;
    let text = &doc.text;
    let offset = convert::offset(text, &doc.index, pos.position, s.enc);
    let range = |sp: Span| convert::range(text, &doc.index, sp, s.enc);
    let kind = match classify(&path) {
        FileRole::Unit(n) => n.kind,
        FileRole::DropIn { kind, .. } => kind,
        FileRole::Yaml if is_kube_yaml(s, &path) => {
            let items = crate::kube::completions(text, offset, &crate::kube::Options::default())
                .into_iter()
                .map(|c| CompletionItem {
                    label: c.label,
                    kind: Some(CompletionItemKind::PROPERTY),
                    detail: c.detail,
                    documentation: c.documentation.map(markdown),
                    insert_text: c.insert_text,
                    ..Default::default()
                })
                .collect();
            return Some(list(items));
        }
        _ => return None,
    };
    let parsed = syntax::parse(text);
    let found: Items = match context(text, &parsed, offset) {
        Context::None => return None,
        Context::Header(span) => sections(s, kind, range(span)).into(),
        Context::Key { section, word } => {
            let section = section?;
            let present: Vec<&str> = parsed
                .section_entries(&section)
                .filter(|e| !e.key_span.touches(offset))
                .map(|e| e.key.as_str())
                .collect();
            let typed = text.get(word.start..offset).unwrap_or("");
            keys(s, &section, &present, typed).into()
        }
        Context::Value {
            section,
            key,
            value,
            value_start,
        } => {
            let cursor = value_start + value.len();
            if value.ends_with('%') && !value.ends_with("%%") {
                let r = range(Span::new(cursor - 1, cursor));
                specifier_items(r).into()
            } else {
                let section = section.unwrap_or_default();
                values(s, &path, &section, &key, &value, value_start, &|sp| {
                    range(sp)
                })
            }
        }
    };
    Some(CompletionResponse::List(lsp_types::CompletionList {
        is_incomplete: found.incomplete,
        items: found.items,
    }))
}

fn list(items: Vec<CompletionItem>) -> CompletionResponse {
    CompletionResponse::List(lsp_types::CompletionList {
        is_incomplete: false,
        items,
    })
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

fn edit(range: Range, new_text: String) -> Option<CompletionTextEdit> {
    Some(CompletionTextEdit::Edit(TextEdit { range, new_text }))
}

fn sections(s: &Server, kind: UnitKind, range: Range) -> Vec<CompletionItem> {
    let table = schema::table();
    let target = s.settings.podman_version;
    let mut names: Vec<(&str, String)> = vec![(
        kind.section(),
        table
            .section(kind.section())
            .map(|d| match newer_than_target(d.since, target) {
                Some(note) => format!("{note}\n\n{}", d.doc),
                None => d.doc.clone(),
            })
            .unwrap_or_default(),
    )];
    for (n, d) in [
        (
            "Unit",
            "systemd unit options: description, dependencies (`After=`, `Requires=`, ...).",
        ),
        (
            "Service",
            "systemd service options, copied into the generated service.",
        ),
        (
            "Install",
            "systemd install options (`WantedBy=`): the generator enables the unit this way.",
        ),
    ] {
        names.push((n, d.to_string()));
    }
    if let Some(q) = table.section("Quadlet") {
        if q.since <= s.settings.podman_version {
            names.push(("Quadlet", q.doc.clone()));
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, (n, doc))| CompletionItem {
            label: format!("[{n}]"),
            kind: Some(CompletionItemKind::MODULE),
            documentation: Some(markdown(doc)),
            filter_text: Some(format!("[{n}]")),
            sort_text: Some(format!("{i}")),
            text_edit: edit(range, format!("[{n}]")),
            ..Default::default()
        })
        .collect()
}

/// When `since` is newer than the target release: one plain sentence
/// saying so, for hover and completion documentation.
pub fn newer_than_target(since: Version, target: Version) -> Option<String> {
    (since > target).then(|| {
        format!("**Not in podman {target}** (the target release): it came in podman {since}.")
    })
}

/// The markdown documentation of a key (shared with hover).
pub fn key_doc(k: &KeyDef) -> String {
    let mut md = format!("**{}=** in `[{}]`\n\n{}", k.key, k.section, k.doc);
    if let Some(flag) = &k.flag {
        md.push_str(&format!("\n\npodman flag: `{flag}`"));
    }
    md.push_str(&format!("\n\nSince podman {}.", k.since));
    if k.repeat {
        md.push_str(" May be repeated; an empty value resets the list.");
    }
    if let Some(values) = &k.values {
        md.push_str("\n\nValues:");
        for v in values {
            match v.since {
                Some(since) => md.push_str(&format!(
                    "\n- `{}` (since podman {since}): {}",
                    v.value, v.doc
                )),
                None => md.push_str(&format!("\n- `{}`: {}", v.value, v.doc)),
            }
        }
    }
    if let Some(ex) = &k.example {
        md.push_str(&format!("\n\nExample:\n```\n{ex}\n```"));
    }
    if let Some(d) = &k.deprecated {
        md.push_str(&format!("\n\n**Deprecated**: {d}"));
    }
    md
}

/// The values offered for `k` when podman `release` is the target.
fn value_choices(k: &KeyDef, release: Version) -> Vec<String> {
    if k.kind == "bool" {
        return vec!["true".into(), "false".into()];
    }
    k.values_in(release).map(|v| v.value.clone()).collect()
}

/// Whether the typed characters appear in `name` in order, ignoring case
/// (the loosest filter an editor applies, so the list stays complete for
/// further typing).
fn fuzzy(typed: &str, name: &str) -> bool {
    let mut it = name.chars().map(|c| c.to_ascii_lowercase());
    typed
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .all(|t| it.any(|c| c == t))
}

fn keys(s: &Server, section: &str, present: &[&str], typed: &str) -> Vec<CompletionItem> {
    let table = schema::table();
    if table.section(section).is_some() {
        return table
            .keys(section)
            .iter()
            .filter(|k| k.accepted_in(s.settings.podman_version))
            .filter(|k| fuzzy(typed, &k.key))
            .map(|k| {
                let choices = value_choices(k, s.settings.podman_version);
                let (insert, format) = if s.caps.snippets {
                    let snippet = if choices.is_empty() {
                        format!("{}=$0", k.key)
                    } else {
                        format!("{}=${{1|{}|}}", k.key, choices.join(","))
                    };
                    (snippet, InsertTextFormat::SNIPPET)
                } else {
                    (format!("{}=", k.key), InsertTextFormat::PLAIN_TEXT)
                };
                let already = !k.repeat && present.contains(&k.key.as_str());
                let mut detail = format!("since podman {}", k.since);
                if let Some(f) = &k.flag {
                    detail.push_str(&format!(" · {f}"));
                }
                if already {
                    detail.push_str(" · already set");
                }
                let deprecated = k.deprecated.is_some();
                // Unused keys first, then keys already set (a later value
                // wins), deprecated ones last.
                let rank = if deprecated {
                    3
                } else if already {
                    2
                } else {
                    1
                };
                CompletionItem {
                    label: k.key.clone(),
                    kind: Some(CompletionItemKind::PROPERTY),
                    detail: Some(detail),
                    // The doc comes with completionItem/resolve: it keeps
                    // the list small while typing.
                    data: Some(serde_json::Value::String(format!(
                        "{}/{}",
                        k.section, k.key
                    ))),
                    tags: deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
                    sort_text: Some(format!("{rank}{}", k.key)),
                    insert_text_format: Some(format),
                    // The key being typed is a plain word, which every
                    // client replaces by itself; an insert text instead of
                    // an edit with its range halves the size of the reply
                    // for the full list.
                    insert_text: Some(insert),
                    ..Default::default()
                }
            })
            .collect();
    }
    let Some(directives) = schema::systemd_directives(section) else {
        return Vec::new();
    };
    let mut names: Vec<(&String, &String)> =
        directives.iter().filter(|(n, _)| fuzzy(typed, n)).collect();
    names.sort();
    names
        .into_iter()
        .map(|(name, shape)| CompletionItem {
            label: name.clone(),
            kind: Some(CompletionItemKind::PROPERTY),
            detail: Some(format!("systemd [{section}] · {shape}")),
            insert_text: Some(format!("{name}=")),
            ..Default::default()
        })
        .collect()
}

fn specifier_items(range: Range) -> Vec<CompletionItem> {
    specifiers::SPECIFIERS
        .iter()
        .enumerate()
        .map(|(i, (c, d))| CompletionItem {
            label: format!("%{c}"),
            kind: Some(CompletionItemKind::CONSTANT),
            detail: Some(d.to_string()),
            sort_text: Some(format!("{i:02}")),
            filter_text: Some(format!("%{c}")),
            text_edit: edit(range, format!("%{c}")),
            ..Default::default()
        })
        .collect()
}

/// systemd keys whose values are unit names.
const UNIT_LIST_KEYS: &[&str] = &[
    "After",
    "Before",
    "Requires",
    "Wants",
    "BindsTo",
    "PartOf",
    "Requisite",
    "Upholds",
    "Conflicts",
    "OnFailure",
    "OnSuccess",
    "PropagatesReloadTo",
    "ReloadPropagatedFrom",
    "PropagatesStopTo",
    "StopPropagatedFrom",
    "JoinsNamespaceOf",
    "WantedBy",
    "RequiredBy",
    "UpheldBy",
    "Also",
];

const TARGETS: &[&str] = &[
    "default.target",
    "multi-user.target",
    "network-online.target",
    "network.target",
    "local-fs.target",
    "remote-fs.target",
    "sockets.target",
    "timers.target",
    "time-sync.target",
];

/// Most items taken from the workspace in one reply; past it the list says
/// `isIncomplete` and the client asks again as the user types.
pub const MAX_WORKSPACE_ITEMS: usize = 100;

/// Items plus whether some candidates were left out.
struct Items {
    items: Vec<CompletionItem>,
    incomplete: bool,
}

impl From<Vec<CompletionItem>> for Items {
    fn from(items: Vec<CompletionItem>) -> Items {
        Items {
            items,
            incomplete: false,
        }
    }
}

/// Takes at most [`MAX_WORKSPACE_ITEMS`] of `names` (already filtered by
/// what was typed, in order); says whether there were more.
fn capped<T>(names: impl Iterator<Item = T>) -> (Vec<T>, bool) {
    let mut v: Vec<T> = names.take(MAX_WORKSPACE_ITEMS + 1).collect();
    let more = v.len() > MAX_WORKSPACE_ITEMS;
    v.truncate(MAX_WORKSPACE_ITEMS);
    (v, more)
}

/// Whether `name` starts with `typed`, ignoring ASCII case (the filter the
/// workspace index applies, used for the fixed lists next to it).
fn starts_with_ci(name: &str, typed: &str) -> bool {
    name.len() >= typed.len()
        && name.is_char_boundary(typed.len())
        && name[..typed.len()].eq_ignore_ascii_case(typed)
}

fn values(
    s: &Server,
    path: &Path,
    section: &str,
    key: &str,
    value: &str,
    value_start: usize,
    range: &dyn Fn(Span) -> Range,
) -> Items {
    let cursor = value_start + value.len();
    let whole = range(Span::new(value_start, cursor));
    let simple = |label: &str, doc: Option<&str>, r: Range| CompletionItem {
        label: label.to_string(),
        kind: Some(CompletionItemKind::VALUE),
        documentation: doc.map(|d| markdown(d.to_string())),
        filter_text: Some(label.to_string()),
        text_edit: edit(r, label.to_string()),
        ..Default::default()
    };
    let target = s.settings.podman_version;
    let table = schema::table();
    // Units of a type the target knows (`.build` came in 5.2).
    let known = |kind: UnitKind| {
        table
            .section(kind.section())
            .is_none_or(|d| d.since <= target)
    };
    if matches!(section, "Unit" | "Install") && UNIT_LIST_KEYS.contains(&key) {
        // Space-separated list: complete the current word.
        let word_start = value
            .rfind(char::is_whitespace)
            .map_or(value_start, |i| value_start + i + 1);
        let typed = &value[word_start - value_start..];
        let r = range(Span::new(word_start, cursor));
        let (services, incomplete) = capped(s.names.services(typed, usize::MAX));
        let mut items: Vec<CompletionItem> = services
            .into_iter()
            .map(|(service, unit)| CompletionItem {
                detail: Some(format!("generated from {unit}")),
                kind: Some(CompletionItemKind::MODULE),
                ..simple(service, None, r)
            })
            .collect();
        items.extend(
            TARGETS
                .iter()
                .filter(|t| starts_with_ci(t, typed))
                .map(|t| simple(t, None, r)),
        );
        return Items { items, incomplete };
    }
    let Some(k) = table.get(section, key) else {
        return Vec::new().into();
    };
    if k.values.is_some() {
        return k
            .values_in(target)
            .map(|v| simple(&v.value, Some(&v.doc), whole))
            .collect::<Vec<_>>()
            .into();
    }
    // Unit names of these kinds that start with what was typed, merged in
    // name order, capped.
    let units = |kinds: &[UnitKind], suffix: &str| -> Items {
        let mut names: Vec<&str> = kinds
            .iter()
            .filter(|k| known(**k))
            .flat_map(|k| s.names.units(*k, value, MAX_WORKSPACE_ITEMS + 1))
            .collect();
        names.sort_by_cached_key(|n| (n.to_lowercase(), n.to_string()));
        let (names, incomplete) = capped(names.into_iter());
        let items = names
            .into_iter()
            .map(|n| CompletionItem {
                kind: Some(CompletionItemKind::FILE),
                detail: Some("workspace unit".into()),
                text_edit: edit(whole, format!("{n}{suffix}")),
                ..simple(n, None, whole)
            })
            .collect();
        Items { items, incomplete }
    };
    match k.kind.as_str() {
        "bool" => ["true", "false"]
            .iter()
            .map(|v| simple(v, None, whole))
            .collect::<Vec<_>>()
            .into(),
        "userns" => USERNS
            .iter()
            .map(|(v, d)| simple(v, Some(d), whole))
            .collect::<Vec<_>>()
            .into(),
        "network" if !value.contains(':') => {
            let mut found = units(&[UnitKind::Network], "");
            let modes = NETWORK_MODES
                .iter()
                .filter(|(v, _)| starts_with_ci(v, value))
                .map(|(v, d)| simple(v, Some(d), whole));
            found.items.splice(0..0, modes);
            found
        }
        "volume" if !value.contains(':') => units(&[UnitKind::Volume], ":"),
        "pod" => units(&[UnitKind::Pod], ""),
        "image" => units(&[UnitKind::Image, UnitKind::Build], ""),
        "path" if section == "Kube" && key == "Yaml" => yaml_files(s, path, value, whole),
        _ => Vec::new().into(),
    }
}

/// `Yaml=` in a `.kube` unit: the YAML files of the search directories,
/// relative to the unit's folder when they are under it, else by full path.
fn yaml_files(s: &Server, unit: &Path, typed: &str, whole: Range) -> Items {
    let Some(dir) = unit.parent().and_then(Path::to_str) else {
        return Vec::new().into();
    };
    let (prefix, strip) = if typed.starts_with('/') {
        (typed.to_string(), 0)
    } else {
        let base = format!("{}/", dir.trim_end_matches('/'));
        (format!("{base}{typed}"), base.len())
    };
    let (paths, incomplete) = capped(s.names.yaml(&prefix, usize::MAX));
    let items = paths
        .into_iter()
        .filter_map(|p| p.get(strip..))
        .map(|shown| CompletionItem {
            label: shown.to_string(),
            kind: Some(CompletionItemKind::FILE),
            detail: Some("workspace YAML".into()),
            filter_text: Some(shown.to_string()),
            text_edit: edit(whole, shown.to_string()),
            ..Default::default()
        })
        .collect();
    Items { items, incomplete }
}

const USERNS: &[(&str, &str)] = &[
    ("auto", "podman picks a free range of IDs for the container"),
    ("host", "run in the host's user namespace (no mapping)"),
    (
        "keep-id",
        "map the current user to the same ID inside the container",
    ),
    ("nomap", "do not map the current user into the container"),
    ("ns:", "join the user namespace at the given path"),
    ("private", "a new user namespace"),
];

const NETWORK_MODES: &[(&str, &str)] = &[
    ("host", "use the host's network stack"),
    ("none", "no network, only loopback"),
    ("private", "a new network namespace"),
    ("pasta", "user-mode networking with pasta"),
    ("slirp4netns", "user-mode networking with slirp4netns"),
];

/// `completionItem/resolve`: adds the documentation of a key item.
pub fn resolve(mut item: CompletionItem) -> CompletionItem {
    if item.documentation.is_some() {
        return item;
    }
    let found = item.data.as_ref().and_then(|d| {
        let (section, key) = d.as_str()?.split_once('/')?;
        schema::table().get(section, key)
    });
    if let Some(k) = found {
        item.documentation = Some(markdown(key_doc(k)));
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Context {
        let at = text.find('|').unwrap();
        let t = text.replace('|', "");
        context(&t, &syntax::parse(&t), at)
    }

    #[test]
    fn fuzzy_is_an_in_order_case_insensitive_subsequence() {
        assert!(fuzzy("", "Image"));
        assert!(fuzzy("pp", "PublishPort"));
        assert!(fuzzy("PUBP", "PublishPort"));
        assert!(!fuzzy("tp", "PublishPort"));
        assert!(!fuzzy("é", "Image"));
    }

    #[test]
    fn contexts() {
        assert_eq!(ctx("[Cont|"), Context::Header(Span::new(0, 5)));
        assert!(
            matches!(ctx("[Container]\nPub|"), Context::Key { section: Some(s), word } if s == "Container" && word == Span::new(12, 15))
        );
        assert!(
            matches!(ctx("[Container]\nPull=ne|"), Context::Value { key, value, .. } if key == "Pull" && value == "ne")
        );
        assert_eq!(ctx("[Container]\n# Pu|"), Context::None);
        assert_eq!(
            ctx("[Container]\nExec=a b|"),
            Context::Value {
                section: Some("Container".into()),
                key: "Exec".into(),
                value: "a b".into(),
                value_start: 17
            }
        );
    }
}
