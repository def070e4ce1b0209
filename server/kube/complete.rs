//! Completion and hover in Kubernetes YAML.
//!
//! Both work from the text around the cursor rather than from a parse tree,
//! so that they keep working while the document is mid-edit and does not
//! parse: the path of keys to the cursor is read from indentation and list
//! dashes, walking up from the cursor's line (block style, which is what
//! Kubernetes YAML is written in). No state is needed between calls.

use super::schema::{self, short_name, types_of, At, Bundle};
use super::{Completion, Hover};
use crate::syntax::Span;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Item,
}

/// One physical line, read as block YAML.
#[derive(Debug, Clone)]
struct LineInfo<'t> {
    /// Columns of `- ` markers.
    dashes: Vec<usize>,
    /// Column where the key (or content) starts after the dashes.
    col: usize,
    /// The key, if the content is `key:`.
    key: Option<&'t str>,
    /// Byte range of the key in the document.
    key_span: Span,
    /// Whether something follows `key:` on the line.
    has_value: bool,
    /// Blank or comment-only.
    blank: bool,
}

fn read_line(text: &str, start: usize) -> LineInfo<'_> {
    let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    let line = &text[start..end];
    let line = line.strip_suffix('\r').unwrap_or(line);
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut dashes = Vec::new();
    loop {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'-' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            dashes.push(i);
            i += 1;
            continue;
        }
        break;
    }
    let rest = &line[i..];
    let blank = rest.is_empty() || rest.starts_with('#');
    let (key, key_span, has_value) = match key_of(rest) {
        Some((k, after)) => {
            let after = after.trim_start();
            let has_value = !after.is_empty() && !after.starts_with('#');
            (
                Some(k),
                Span::new(start + i, start + i + k.len()),
                has_value,
            )
        }
        None => (None, Span::empty(start + i), !rest.is_empty()),
    };
    let blank = blank && key.is_none() && dashes.is_empty();
    LineInfo {
        dashes,
        col: i,
        key: key.map(unquote),
        key_span,
        has_value,
        blank,
    }
}

/// `key: rest` or `key:` → (key, rest).
fn key_of(s: &str) -> Option<(&str, &str)> {
    if s.starts_with('#') || s.starts_with('{') || s.starts_with('[') {
        return None;
    }
    let bytes = s.as_bytes();
    let mut quote = None;
    for (i, &c) in bytes.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == b'"' || c == b'\'') && i == 0 => quote = Some(c),
            None if c == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') => {
                return Some((&s[..i], &s[i + 1..]));
            }
            None if c == b'#' && i > 0 && bytes[i - 1] == b' ' => return None,
            None => {}
        }
    }
    None
}

fn unquote(k: &str) -> &str {
    k.strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| k.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(k)
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |p| p + 1)
}

/// Start offsets of the lines before `start`, nearest first, stopping at a
/// document separator.
fn lines_above(text: &str, start: usize) -> impl Iterator<Item = usize> + '_ {
    let mut cur = start;
    std::iter::from_fn(move || {
        if cur == 0 {
            return None;
        }
        let prev = line_start(text, cur - 1);
        let line = &text[prev..cur - 1];
        if line.starts_with("---") || line.starts_with("...") {
            cur = 0;
            return None;
        }
        cur = prev;
        Some(prev)
    })
}

/// The path of keys leading to a node whose content starts at column `col`
/// on the line at `start` (with the given dashes on that line).
fn path_to(text: &str, start: usize, col: usize, dashes: &[usize]) -> Vec<PathSeg> {
    enum Want {
        /// Inside a mapping whose keys sit at this column.
        Map(usize),
        /// Inside a sequence whose dashes sit at this column.
        Seq(usize),
    }
    let mut rev = Vec::new();
    let items = |rev: &mut Vec<PathSeg>, ds: &[usize]| -> Want {
        for _ in ds {
            rev.push(PathSeg::Item);
        }
        Want::Seq(ds.first().copied().unwrap_or(0))
    };
    let mut want = if dashes.is_empty() {
        Want::Map(col)
    } else {
        items(&mut rev, dashes)
    };
    for ls in lines_above(text, start).take(20_000) {
        if matches!(want, Want::Map(0)) {
            break;
        }
        let li = read_line(text, ls);
        if li.blank {
            continue;
        }
        match want {
            Want::Map(c) => {
                if li.col > c {
                    continue;
                }
                if li.col == c {
                    if !li.dashes.is_empty() {
                        want = items(&mut rev, &li.dashes);
                    }
                    continue;
                }
                if li.key.is_none() && !li.has_value && !li.dashes.is_empty() {
                    // a dash alone on its line opens the item we are in
                    want = items(&mut rev, &li.dashes);
                    continue;
                }
            }
            Want::Seq(d) => {
                if let Some(i) = li.dashes.iter().position(|&x| x == d) {
                    if i > 0 {
                        want = items(&mut rev, &li.dashes[..i]);
                    }
                    continue;
                }
                if li.col > d || li.dashes.first().is_some_and(|&x| x > d) {
                    continue;
                }
            }
        }
        // A candidate parent: `key:` with nothing after it.
        let Some(k) = li.key else { continue };
        if li.has_value {
            continue;
        }
        rev.push(PathSeg::Key(k.to_string()));
        want = if li.dashes.is_empty() {
            Want::Map(li.col)
        } else {
            items(&mut rev, &li.dashes)
        };
    }
    rev.reverse();
    rev
}

/// The `kind` and `apiVersion` of the document around `offset`.
fn doc_kind(text: &str, offset: usize) -> Option<usize> {
    // Find the document's bounds.
    let mut start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if pos > offset {
            break;
        }
        if line.starts_with("---") {
            start = pos + line.len();
        }
        pos += line.len();
    }
    let mut kind = None;
    let mut api = None;
    let mut p = start;
    for line in text[start..].split_inclusive('\n') {
        if line.starts_with("---") && p > start {
            break;
        }
        if let Some(v) = line.strip_prefix("kind:") {
            kind = Some(
                v.split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\'']),
            );
        } else if let Some(v) = line.strip_prefix("apiVersion:") {
            api = Some(
                v.split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\'']),
            );
        }
        p += line.len();
    }
    let kind = kind?;
    schema::kind_index(api.unwrap_or(""), kind)
        .or_else(|| schema::KINDS.iter().position(|&(_, k)| k == kind))
}

fn walk<'s>(b: &'s Bundle, mut at: At<'s>, path: &[PathSeg]) -> Option<At<'s>> {
    for s in path {
        at = match s {
            PathSeg::Key(k) => b.property(at, k)?,
            PathSeg::Item => b.items(at)?,
        };
    }
    Some(at)
}

fn type_label(b: &Bundle, at: At<'_>) -> String {
    let types = types_of(at.schema);
    let mut t = match types.as_slice() {
        [] => "any".to_string(),
        ts => ts.join(" | "),
    };
    if types == ["array"] {
        if let Some(item) = b.items(at) {
            let inner = item
                .def
                .map(short_name)
                .map(str::to_string)
                .unwrap_or_else(|| types_of(item.schema).join(" | "));
            t = format!("list of {inner}");
        }
    } else if let Some(d) = at.def {
        if types == ["object"] {
            t = short_name(d).to_string();
        }
    }
    t
}

/// The values a key takes, as completions.
fn value_items(b: &Bundle, parent: At<'_>, key: &str, at: At<'_>) -> Vec<Completion> {
    enum_values(b, parent, key, at)
        .into_iter()
        .map(|v| Completion {
            label: v,
            detail: Some(key.to_string()),
            documentation: None,
            insert_text: None,
        })
        .collect()
}

fn enum_values(b: &Bundle, parent: At<'_>, key: &str, at: At<'_>) -> Vec<String> {
    if let Some(def) = parent.def {
        if let Some(v) = schema::rules().enum_values(def, key) {
            return v.iter().filter(|s| !s.is_empty()).cloned().collect();
        }
    }
    let from_schema = |s: &Value| -> Vec<String> {
        s.get("enum")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut v = from_schema(at.schema);
    if v.is_empty() {
        if let Some(i) = b.items(at) {
            v = from_schema(i.schema);
        }
    }
    if v.is_empty() && types_of(at.schema) == ["boolean"] {
        v = vec!["true".into(), "false".into()];
    }
    v
}

pub fn completions(text: &str, offset: usize) -> Vec<Completion> {
    let Some(offset) = clamp(text, offset) else {
        return Vec::new();
    };
    let start = line_start(text, offset);
    let li = read_line(text, start);
    let before = &text[start..offset];
    let b = schema::bundle();
    // Value position: the cursor is after `key:` on its line.
    if let Some(k) = li.key {
        if li.key_span.end < offset {
            let path = path_to(text, start, li.col, &li.dashes);
            if path.is_empty() && li.dashes.is_empty() {
                return root_values(k);
            }
            let Some(index) = doc_kind(text, offset) else {
                return Vec::new();
            };
            let Some(parent) = b.kind_root(index).and_then(|r| walk(b, r, &path)) else {
                return Vec::new();
            };
            let Some(at) = b.property(parent, k) else {
                return Vec::new();
            };
            return value_items(b, parent, k, at);
        }
    }
    // Key position: the column is where the typed word starts.
    let typed_start = before.rfind([' ', '-']).map_or(0, |p| p + 1);
    let col = typed_start;
    let mut dashes = li.dashes.clone();
    dashes.retain(|&d| d < col);
    let path = path_to(text, start, col, &dashes);
    let Some(index) = doc_kind(text, offset) else {
        if path.is_empty() {
            return root_keys_without_kind();
        }
        return Vec::new();
    };
    let Some(at) = b.kind_root(index).and_then(|r| walk(b, r, &path)) else {
        return Vec::new();
    };
    // An item of a list of plain values (`accessModes:` / `- |`): offer the
    // values the list takes.
    if let [.., PathSeg::Key(k), PathSeg::Item] = path.as_slice() {
        if types_of(at.schema) != ["object"] {
            let parent_path = &path[..path.len() - 2];
            let Some(parent) = b.kind_root(index).and_then(|r| walk(b, r, parent_path)) else {
                return Vec::new();
            };
            let Some(list) = b.property(parent, k) else {
                return Vec::new();
            };
            return value_items(b, parent, k, list);
        }
    }
    let present = sibling_keys(text, start, col);
    let mut out = Vec::new();
    for name in b.property_names(at) {
        if present.iter().any(|p| p == name) {
            continue;
        }
        if path.is_empty() && name == "status" {
            continue;
        }
        let Some(child) = b.property(at, name) else {
            continue;
        };
        let types = types_of(child.schema);
        let insert = if types == ["object"] || types == ["array"] {
            format!("{name}:\n")
        } else {
            format!("{name}: ")
        };
        out.push(Completion {
            label: name.to_string(),
            detail: Some(type_label(b, child)),
            documentation: child.description.map(str::to_string),
            insert_text: Some(insert),
        });
    }
    out
}

fn root_keys_without_kind() -> Vec<Completion> {
    ["apiVersion", "kind", "metadata", "spec"]
        .iter()
        .map(|k| Completion {
            label: k.to_string(),
            detail: None,
            documentation: None,
            insert_text: Some(format!("{k}: ")),
        })
        .collect()
}

fn root_values(key: &str) -> Vec<Completion> {
    let mut out: Vec<Completion> = Vec::new();
    for (api, kind) in schema::KINDS {
        let label = match key {
            "kind" => kind,
            "apiVersion" => api,
            _ => return Vec::new(),
        };
        if out.iter().any(|c| c.label == label) {
            continue;
        }
        out.push(Completion {
            label: label.to_string(),
            detail: Some(format!("{api} {kind}")),
            documentation: None,
            insert_text: None,
        });
    }
    out
}

/// Keys already present in the mapping whose keys start at `col`, around
/// the line at `start`.
fn sibling_keys(text: &str, start: usize, col: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut scan = |ls: usize| -> bool {
        let li = read_line(text, ls);
        if li.blank {
            return true;
        }
        if li.col < col && li.dashes.iter().all(|&d| d < col) {
            // A line at our column with a dash starts a new item.
            return false;
        }
        if li.col == col {
            if let Some(k) = li.key {
                out.push(k.to_string());
            }
            if li.dashes.last().is_some_and(|&d| d + 2 == col) {
                return false;
            }
        }
        true
    };
    for ls in lines_above(text, start).take(2000) {
        if !scan(ls) {
            break;
        }
    }
    let mut p = text[start..].find('\n').map(|e| start + e + 1);
    let mut n = 0;
    while let Some(ls) = p {
        if ls >= text.len() || n > 2000 {
            break;
        }
        let line = &text[ls..];
        if line.starts_with("---") {
            break;
        }
        let li = read_line(text, ls);
        if !li.dashes.is_empty() && li.dashes.last().is_some_and(|&d| d + 2 == col) {
            break;
        }
        if !scan(ls) {
            break;
        }
        p = text[ls..].find('\n').map(|e| ls + e + 1);
        n += 1;
    }
    out
}

pub fn hover(text: &str, offset: usize) -> Option<Hover> {
    let offset = clamp(text, offset)?;
    let start = line_start(text, offset);
    let li = read_line(text, start);
    let key = li.key?;
    if !li.key_span.touches(offset) && offset < li.key_span.start {
        return None;
    }
    let path = path_to(text, start, li.col, &li.dashes);
    let b = schema::bundle();
    let index = doc_kind(text, offset)?;
    let parent = b.kind_root(index).and_then(|r| walk(b, r, &path))?;
    let at = b.property(parent, key)?;
    let mut md = format!("**{key}**: `{}`", type_label(b, at));
    if let Some(d) = parent.def {
        md.push_str(&format!(" (in {})", short_name(d)));
    }
    md.push_str("\n\n");
    if let Some(d) = at.description {
        md.push_str(d);
        md.push_str("\n\n");
    }
    let values = enum_values(b, parent, key, at);
    if !values.is_empty() && types_of(at.schema) != ["boolean"] {
        md.push_str(&format!("Allowed: {}\n\n", values.join(", ")));
    }
    if let Some(def) = parent.def {
        if let Some(o) = schema::rules().podman_enum(def, key) {
            let extra: Vec<&str> = o
                .values
                .iter()
                .filter(|v| !values.contains(v))
                .map(String::as_str)
                .collect();
            if !extra.is_empty() {
                md.push_str(&format!("podman also accepts: {}\n\n", extra.join(", ")));
            }
            if o.case_insensitive {
                md.push_str("podman ignores the case of the value\n\n");
            }
        }
        for r in &schema::rules().podman.fields {
            if r.definition == def && r.field == key {
                if let Some(c) = &r.context {
                    let last = path.iter().rev().find_map(|s| match s {
                        PathSeg::Key(k) => Some(k.as_str()),
                        PathSeg::Item => None,
                    });
                    if last != Some(c.as_str()) {
                        continue;
                    }
                }
                md.push_str(&format!("podman: {}\n\n", r.message));
            }
        }
    }
    md.push_str(&format!("Kubernetes {} schema", b.version));
    Some(Hover {
        markdown: md,
        span: li.key_span,
    })
}

fn clamp(text: &str, offset: usize) -> Option<usize> {
    if text.len() > super::yaml::MAX_BYTES {
        return None;
    }
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    Some(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<PathSeg> {
        let offset = text.find('|').unwrap();
        let t = text.replace('|', "");
        let start = line_start(&t, offset);
        let li = read_line(&t, start);
        path_to(&t, start, li.col, &li.dashes)
    }

    #[test]
    fn paths_from_indentation() {
        use PathSeg::*;
        let k = |s: &str| Key(s.to_string());
        assert_eq!(
            path("spec:\n  containers:\n  - name: a\n    im|age: x\n"),
            vec![k("spec"), k("containers"), Item]
        );
        assert_eq!(
            path(
                "spec:\n  containers:\n    - name: a\n      ports:\n        - contai|nerPort: 80\n"
            ),
            vec![k("spec"), k("containers"), Item, k("ports"), Item]
        );
        assert_eq!(path("metadata:\n  na|me: x\n"), vec![k("metadata")]);
        assert_eq!(path("kin|d: Pod\n"), vec![]);
    }
}
