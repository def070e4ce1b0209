//! A YAML tree with byte spans, built from `saphyr_parser`'s event stream.
//!
//! The tree is an arena of nodes. Aliases stay references to the anchored
//! node (never copied), so an alias bomb costs no memory here; the expanded
//! size of every node is counted as it completes, and a document whose
//! aliases would expand past [`ALIAS_BUDGET`] nodes is flagged. Nesting depth
//! is checked on the event stream, before anything deeper is built, so that
//! no later recursive pass can overflow the stack.

use crate::syntax::Span;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;

/// Deepest nesting accepted. Kubernetes objects need about 15 levels;
/// saphyr's scanner itself stops flow nesting at 255.
pub const MAX_DEPTH: usize = 128;
/// Extra nodes that aliases may add to one document when expanded.
pub const ALIAS_BUDGET: u64 = 100_000;
/// Files larger than this are not parsed (Kubernetes objects are limited to
/// about 1.5 MB by the API server's storage).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Nodes one file may hold.
pub const MAX_NODES: usize = 400_000;

pub type NodeId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

#[derive(Debug, Clone)]
pub enum NodeKind<'a> {
    Scalar {
        value: Cow<'a, str>,
        style: Style,
        /// The suffix of a core-schema tag (`str`, `int`, ...), if any.
        tag: Option<String>,
    },
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    /// An alias to an anchored node; `None` when the anchor is unknown or
    /// still open (a recursive alias).
    Alias(Option<NodeId>),
}

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    pub span: Span,
    /// Node count once aliases are expanded (saturating).
    pub expanded: u64,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub root: Option<NodeId>,
    pub span: Span,
    /// The document was cut short (syntax error, depth or size limit).
    pub incomplete: bool,
    /// Aliases in this document expand past the budget.
    pub alias_bomb: bool,
}

/// Why parsing stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Yaml<'a> {
    pub nodes: Vec<Node<'a>>,
    pub docs: Vec<Doc>,
    pub errors: Vec<YamlError>,
}

/// Converts saphyr's char indices to byte offsets.
struct CharMap<'a> {
    text: &'a str,
    ascii: bool,
    /// Byte offset of every `STEP`th char.
    checkpoints: Vec<usize>,
}

const STEP: usize = 256;

impl<'a> CharMap<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            for (i, (b, _)) in text.char_indices().enumerate() {
                if i % STEP == 0 {
                    checkpoints.push(b);
                }
            }
        }
        CharMap {
            text,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let Some(&start) = self.checkpoints.get(char_index / STEP) else {
            return self.text.len();
        };
        let rest = self.text.get(start..).unwrap_or("");
        match rest.char_indices().nth(char_index % STEP) {
            Some((b, _)) => start + b,
            None => self.text.len(),
        }
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        let a = self.byte(s.start.index());
        let b = self.byte(s.end.index());
        Span::new(a, b.max(a))
    }
}

enum Open {
    Seq(NodeId),
    /// A mapping and, when a key has been read, that key.
    Map(NodeId, Option<NodeId>),
}

/// Parses every document of `text`. Never panics; stops at the first syntax
/// error or limit, keeping what was built.
pub fn parse(text: &str) -> Yaml<'_> {
    let mut y = Yaml::default();
    if text.len() > MAX_BYTES {
        y.errors.push(YamlError {
            code: "yaml-too-large",
            span: Span::new(0, 0),
            message: format!(
                "file is {} bytes; files over {} bytes are not checked",
                text.len(),
                MAX_BYTES
            ),
        });
        return y;
    }
    let map = CharMap::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    // anchor id -> node
    let mut anchors: Vec<(usize, NodeId)> = Vec::new();
    let mut alias_extra: u64 = 0;
    while let Some(next) = parser.next_event() {
        let (event, sspan) = match next {
            Ok(e) => e,
            Err(e) => {
                let at = map.byte(e.marker().index());
                let (code, message) = if e.info().contains("recursion limit") {
                    (
                        "yaml-too-deep",
                        format!("nesting deeper than {MAX_DEPTH} levels; the file is not checked"),
                    )
                } else {
                    ("yaml-syntax", e.info().to_string())
                };
                y.errors.push(YamlError {
                    code,
                    span: Span::new(at, next_char_end(text, at)),
                    message,
                });
                close_incomplete(&mut y, &mut stack);
                break;
            }
        };
        let span = map.span(&sspan);
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                anchors.clear();
                alias_extra = 0;
                y.docs.push(Doc {
                    root: None,
                    span,
                    incomplete: false,
                    alias_bomb: false,
                });
            }
            Event::DocumentEnd => {
                if let Some(d) = y.docs.last_mut() {
                    d.span = d.span.cover(span);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                let tag = tag.and_then(|t| {
                    if t.is_yaml_core_schema() {
                        Some(t.suffix.clone())
                    } else {
                        None
                    }
                });
                let id = y.nodes.len();
                let span = if style == Style::Quoted {
                    match quoted_end(text, span.start) {
                        Some(e) if e <= span.end => Span::new(span.start, e),
                        _ => span,
                    }
                } else {
                    span
                };
                y.nodes.push(Node {
                    kind: NodeKind::Scalar { value, style, tag },
                    span,
                    expanded: 1,
                });
                if anchor > 0 {
                    anchors.push((anchor, id));
                }
                attach(&mut y, &mut stack, id);
            }
            Event::Alias(anchor) => {
                let target = anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == anchor)
                    .map(|(_, n)| *n);
                // An anchor whose collection is still open is recursive.
                let open = target.is_some_and(|t| {
                    stack.iter().any(|o| match o {
                        Open::Seq(n) | Open::Map(n, _) => *n == t,
                    })
                });
                let target = if open { None } else { target };
                let size = target
                    .and_then(|t| y.nodes.get(t))
                    .map_or(1, |n| n.expanded);
                alias_extra = alias_extra.saturating_add(size);
                let id = y.nodes.len();
                y.nodes.push(Node {
                    kind: NodeKind::Alias(target),
                    span,
                    expanded: size,
                });
                if open {
                    y.errors.push(YamlError {
                        code: "yaml-alias-bomb",
                        span,
                        message: "alias refers to a node that contains it (a recursive alias)"
                            .into(),
                    });
                    if let Some(d) = y.docs.last_mut() {
                        d.alias_bomb = true;
                    }
                } else if alias_extra > ALIAS_BUDGET {
                    let already = y.docs.last().is_some_and(|d| d.alias_bomb);
                    if !already {
                        y.errors.push(YamlError {
                            code: "yaml-alias-bomb",
                            span,
                            message: format!(
                                "aliases in this document expand to more than {ALIAS_BUDGET} nodes; \
                                 it is not checked"
                            ),
                        });
                    }
                    if let Some(d) = y.docs.last_mut() {
                        d.alias_bomb = true;
                    }
                }
                attach(&mut y, &mut stack, id);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    y.errors.push(YamlError {
                        code: "yaml-too-deep",
                        span: Span::new(span.start, next_char_end(text, span.start)),
                        message: format!(
                            "nesting deeper than {MAX_DEPTH} levels; the file is not checked"
                        ),
                    });
                    close_incomplete(&mut y, &mut stack);
                    break;
                }
                let id = y.nodes.len();
                let is_seq = matches!(event, Event::SequenceStart(..));
                y.nodes.push(Node {
                    kind: if is_seq {
                        NodeKind::Seq(Vec::new())
                    } else {
                        NodeKind::Map(Vec::new())
                    },
                    span,
                    expanded: 1,
                });
                if anchor > 0 {
                    anchors.push((anchor, id));
                }
                stack.push(if is_seq {
                    Open::Seq(id)
                } else {
                    Open::Map(id, None)
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else { continue };
                let id = match open {
                    Open::Seq(n) | Open::Map(n, _) => n,
                };
                let closing = matches!(text.as_bytes().get(span.start), Some(b']' | b'}'))
                    .then_some(span.start + 1);
                finish(&mut y, id, closing);
                attach(&mut y, &mut stack, id);
            }
        }
        if y.nodes.len() > MAX_NODES {
            y.errors.push(YamlError {
                code: "yaml-too-large",
                span: Span::new(span.start, span.end),
                message: format!("more than {MAX_NODES} YAML nodes; the file is not checked"),
            });
            close_incomplete(&mut y, &mut stack);
            break;
        }
    }
    y
}

fn next_char_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.get(at..)
        .and_then(|r| r.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

/// Computes a finished collection's span and expanded size.
fn finish(y: &mut Yaml<'_>, id: NodeId, closing: Option<usize>) {
    let (last_end, size) = match y.nodes.get(id).map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => {
            let e = items
                .last()
                .and_then(|&c| y.nodes.get(c))
                .map(|n| n.span.end);
            let s = items
                .iter()
                .filter_map(|&c| y.nodes.get(c))
                .fold(1u64, |a, n| a.saturating_add(n.expanded));
            (e, s)
        }
        Some(NodeKind::Map(pairs)) => {
            let e = pairs
                .last()
                .and_then(|&(_, v)| y.nodes.get(v))
                .map(|n| n.span.end);
            let s = pairs.iter().fold(1u64, |a, &(k, v)| {
                let k = y.nodes.get(k).map_or(0, |n| n.expanded);
                let v = y.nodes.get(v).map_or(0, |n| n.expanded);
                a.saturating_add(k).saturating_add(v)
            });
            (e, s)
        }
        _ => (None, 1),
    };
    if let Some(n) = y.nodes.get_mut(id) {
        // Flow collections end with their closing bracket; block ones end
        // where their last child does (the end event sits further on).
        let mut e = last_end.unwrap_or(n.span.end);
        if let Some(c) = closing {
            e = e.max(c);
        }
        n.span = Span::new(n.span.start, e.max(n.span.start));
        n.expanded = size;
    }
}

/// The end of a quoted scalar starting at `start` (just past the closing
/// quote). saphyr's span runs on to the next token.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let q = *b.get(start)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let mut i = start + 1;
    while i < b.len() {
        let c = b[i];
        if q == b'"' && c == b'\\' {
            i += 2;
            continue;
        }
        if c == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// Hangs a finished node on its parent, or makes it the document's root.
fn attach(y: &mut Yaml<'_>, stack: &mut [Open], id: NodeId) {
    match stack.last_mut() {
        None => {
            if let Some(d) = y.docs.last_mut() {
                if d.root.is_none() {
                    d.root = Some(id);
                }
                if let Some(n) = y.nodes.get(id) {
                    d.span = d.span.cover(n.span);
                }
            }
        }
        Some(Open::Seq(p)) => {
            let p = *p;
            if let Some(Node {
                kind: NodeKind::Seq(items),
                ..
            }) = y.nodes.get_mut(p)
            {
                items.push(id);
            }
        }
        Some(Open::Map(p, key)) => match key.take() {
            None => *key = Some(id),
            Some(k) => {
                let p = *p;
                if let Some(Node {
                    kind: NodeKind::Map(pairs),
                    ..
                }) = y.nodes.get_mut(p)
                {
                    pairs.push((k, id));
                }
            }
        },
    }
}

/// After an early stop: closes open collections so the partial tree stays
/// usable (for completion), and marks the document incomplete.
fn close_incomplete(y: &mut Yaml<'_>, stack: &mut Vec<Open>) {
    while let Some(open) = stack.pop() {
        let id = match open {
            Open::Seq(n) => n,
            Open::Map(n, key) => {
                // A key without its value yet: give it an empty value so the
                // key is still visible.
                if let Some(k) = key {
                    let at = y.nodes.get(k).map_or(0, |n| n.span.end);
                    let v = y.nodes.len();
                    y.nodes.push(Node {
                        kind: NodeKind::Scalar {
                            value: Cow::Borrowed(""),
                            style: Style::Plain,
                            tag: None,
                        },
                        span: Span::empty(at),
                        expanded: 1,
                    });
                    if let Some(Node {
                        kind: NodeKind::Map(pairs),
                        ..
                    }) = y.nodes.get_mut(n)
                    {
                        pairs.push((k, v));
                    }
                }
                n
            }
        };
        finish(y, id, None);
        attach(y, stack, id);
    }
    if let Some(d) = y.docs.last_mut() {
        d.incomplete = true;
    }
}

impl<'a> Yaml<'a> {
    pub fn node(&self, id: NodeId) -> Option<&Node<'a>> {
        self.nodes.get(id)
    }

    /// Follows aliases (bounded) to the node they stand for.
    pub fn resolve(&self, mut id: NodeId) -> Option<NodeId> {
        for _ in 0..64 {
            match self.nodes.get(id)?.kind {
                NodeKind::Alias(Some(t)) => id = t,
                NodeKind::Alias(None) => return None,
                _ => return Some(id),
            }
        }
        None
    }

    /// The text of a scalar node (aliases followed).
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.nodes.get(self.resolve(id)?)?.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The pairs of a mapping node (aliases followed).
    pub fn pairs(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match self
            .resolve(id)
            .and_then(|i| self.nodes.get(i))
            .map(|n| &n.kind)
        {
            Some(NodeKind::Map(p)) => p,
            _ => &[],
        }
    }

    /// The items of a sequence node (aliases followed).
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self
            .resolve(id)
            .and_then(|i| self.nodes.get(i))
            .map(|n| &n.kind)
        {
            Some(NodeKind::Seq(p)) => p,
            _ => &[],
        }
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(
            self.resolve(id)
                .and_then(|i| self.nodes.get(i))
                .map(|n| &n.kind),
            Some(NodeKind::Map(_))
        )
    }

    /// The value for `key` in a mapping (the last one if repeated), with the
    /// key node.
    pub fn get(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        self.pairs(map)
            .iter()
            .rev()
            .find(|&&(k, _)| self.scalar(k) == Some(key))
            .copied()
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.nodes.get(id).map_or(Span::default(), |n| n.span)
    }
}

/// The comments of a parsed text, as byte ranges from `#` to the end of the
/// line. saphyr's event stream drops comments, so they are found afterwards:
/// a `#` at the start of a line or after a blank that lies outside every
/// scalar (quoted and block scalars included) starts a comment. Comments
/// after a syntax error or a limit are still found, since the check stops
/// only at scalars that were read.
pub fn comments(text: &str, y: &Yaml<'_>) -> Vec<Span> {
    let mut scalars: Vec<Span> = y
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Scalar { .. }))
        .map(|n| n.span)
        .filter(|s| !s.is_empty())
        .collect();
    scalars.sort();
    let inside = |at: usize| -> bool {
        // the last scalar starting at or before `at`
        let i = scalars.partition_point(|s| s.start <= at);
        i > 0 && scalars.get(i - 1).is_some_and(|s| at < s.end)
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#'
            && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r'))
            && !inside(i)
        {
            let end = text[i..].find('\n').map_or(text.len(), |e| i + e);
            let end = if end > i && bytes.get(end - 1) == Some(&b'\r') {
                end - 1
            } else {
                end
            };
            out.push(Span::new(i, end));
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

/// A scalar's type under the YAML 1.2 core schema (what podman's first
/// decoding pass, yaml.v3, resolves).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

pub fn resolve_scalar(value: &str, style: Style, tag: Option<&str>) -> Scalar {
    match tag {
        Some("str") | Some("binary") | Some("timestamp") => return Scalar::Str,
        Some("int") => {
            return parse_int(value).map_or(Scalar::Str, Scalar::Int);
        }
        Some("float") => {
            return parse_float(value).map_or(Scalar::Str, Scalar::Float);
        }
        Some("bool") => return parse_bool(value).map_or(Scalar::Str, Scalar::Bool),
        Some("null") => return Scalar::Null,
        _ => {}
    }
    if style != Style::Plain {
        return Scalar::Str;
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        _ => {}
    }
    if let Some(b) = parse_bool(value) {
        return Scalar::Bool(b);
    }
    if let Some(i) = parse_int(value) {
        return Scalar::Int(i);
    }
    if let Some(f) = parse_float(value) {
        return Scalar::Float(f);
    }
    Scalar::Str
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn parse_int(v: &str) -> Option<i64> {
    let (neg, digits) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    let n = if let Some(h) = digits.strip_prefix("0x") {
        if h.is_empty() || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = digits.strip_prefix("0o") {
        if o.is_empty() || !o.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return None;
        }
        i64::from_str_radix(o, 8).ok()?
    } else {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok()?
    };
    Some(if neg { -n } else { n })
}

fn parse_float(v: &str) -> Option<f64> {
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    match body {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if v.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        _ => {}
    }
    if matches!(v, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    // digits, optional fraction, optional exponent; at least one digit
    let b = body.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    v.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bytes_with_multibyte_text() {
        let t = "a: \"é\"\nbé: ünï\n";
        let y = parse(t);
        let root = y.docs[0].root.unwrap();
        let (k, v) = y.get(root, "bé").unwrap();
        assert_eq!(y.span(k).slice(t), "bé");
        assert_eq!(y.span(v).slice(t), "ünï");
    }

    #[test]
    fn quoted_scalars_and_flow_collections_end_at_their_last_character() {
        let t = "a: x   # c\nb: \"q\\\" # x\"   # d\nc: ['it''s' , 1 ]  # e\n";
        let y = parse(t);
        let spans: Vec<&str> = y.nodes.iter().skip(1).map(|n| n.span.slice(t)).collect();
        assert_eq!(
            spans,
            vec![
                "a",
                "x",
                "b",
                "\"q\\\" # x\"",
                "c",
                "['it''s' , 1 ]",
                "'it''s'",
                "1"
            ]
        );
        let c: Vec<&str> = comments(t, &y).iter().map(|s| s.slice(t)).collect();
        assert_eq!(c, vec!["# c", "# d", "# e"]);
    }

    #[test]
    fn comments_outside_scalars() {
        let t = "# top\na: 'x # not' # yes\nb: |\n  # inside block\nc: d#no\n  # indented\n";
        let y = parse(t);
        let c: Vec<&str> = comments(t, &y).iter().map(|s| s.slice(t)).collect();
        assert_eq!(c, vec!["# top", "# yes", "# indented"]);
    }

    #[test]
    fn spans_far_into_multibyte_text() {
        // past many checkpoints of the char-to-byte map
        let mut t = String::new();
        for i in 0..700 {
            t.push_str(&format!("k{i}: \"ü€𝄞 {i}\"\n"));
        }
        let y = parse(&t);
        let root = y.docs[0].root.unwrap();
        let (k, v) = y.get(root, "k699").unwrap();
        assert_eq!(y.span(k).slice(&t), "k699");
        assert_eq!(y.span(v).slice(&t), "\"ü€𝄞 699\"");
    }

    #[test]
    fn core_schema() {
        assert_eq!(resolve_scalar("80", Style::Plain, None), Scalar::Int(80));
        assert_eq!(resolve_scalar("80", Style::Quoted, None), Scalar::Str);
        assert_eq!(resolve_scalar("yes", Style::Plain, None), Scalar::Str);
        assert_eq!(resolve_scalar("~", Style::Plain, None), Scalar::Null);
        assert_eq!(
            resolve_scalar("1.5", Style::Plain, None),
            Scalar::Float(1.5)
        );
        assert_eq!(resolve_scalar("0x1F", Style::Plain, None), Scalar::Int(31));
        assert_eq!(resolve_scalar("1.2.3", Style::Plain, None), Scalar::Str);
        assert_eq!(resolve_scalar(".", Style::Plain, None), Scalar::Str);
    }
}
