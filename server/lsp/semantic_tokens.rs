//! Semantic tokens: section names, keys, values, comments and specifiers.
//! Legend (standard token types so themes colour them): section →
//! `namespace`, key → `property`, value → `string`, comment → `comment`,
//! specifier → `macro`.

use super::{convert, specifiers, Server};
use crate::syntax::{self, LineKind, Span};
use crate::workspace::{classify, FileRole};
use lsp_types::{
    SemanticToken, SemanticTokens, SemanticTokensParams, SemanticTokensRangeParams,
    SemanticTokensRangeResult, SemanticTokensResult,
};

pub const TOKEN_TYPES: [&str; 5] = ["namespace", "property", "string", "comment", "macro"];
const SECTION: u32 = 0;
const KEY: u32 = 1;
const VALUE: u32 = 2;
const COMMENT: u32 = 3;
const SPECIFIER: u32 = 4;

/// Token spans in document order; each lies on one line.
pub fn tokens(text: &str) -> Vec<(Span, u32)> {
    let doc = syntax::parse(text);
    let mut out = Vec::new();
    for l in &doc.lines {
        match l.kind {
            LineKind::Comment(_) => out.push((l.trimmed, COMMENT)),
            LineKind::Header(h) => {
                if let Some(h) = doc.headers.get(h) {
                    out.push((h.name_span, SECTION));
                }
            }
            LineKind::Entry(e) | LineKind::Continuation(e) => {
                let Some(entry) = doc.entries.get(e) else {
                    continue;
                };
                let is_first = matches!(l.kind, LineKind::Entry(_));
                if is_first && !entry.key_span.is_empty() {
                    out.push((entry.key_span, KEY));
                }
                // The value part of the pieces on this line.
                let vstart = entry.value_span.start;
                for p in entry.pieces.iter().filter(|p| l.span.touches(p.doc.start)) {
                    let start = p.doc.start.max(vstart);
                    if start >= p.doc.end {
                        continue;
                    }
                    value_tokens(text, Span::new(start, p.doc.end), &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

fn value_tokens(text: &str, span: Span, out: &mut Vec<(Span, u32)>) {
    let v = span.slice(text);
    let mut at = 0;
    for (i, c) in specifiers::find(v) {
        if i > at {
            out.push((Span::new(span.start + at, span.start + i), VALUE));
        }
        let end = i + 1 + c.len_utf8();
        out.push((Span::new(span.start + i, span.start + end), SPECIFIER));
        at = end;
    }
    if at < v.len() {
        out.push((Span::new(span.start + at, span.end), VALUE));
    }
}

fn encode(
    s: &Server,
    text: &str,
    index: &crate::line_index::LineIndex,
    toks: &[(Span, u32)],
) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(toks.len());
    let (mut pl, mut pc) = (0u32, 0u32);
    for &(sp, ty) in toks {
        let a = convert::position(text, index, sp.start, s.enc);
        let b = convert::position(text, index, sp.end, s.enc);
        // One line, non-empty, and after the previous token (the protocol
        // encodes deltas).
        if b.line != a.line
            || b.character <= a.character
            || a.line < pl
            || (a.line == pl && a.character < pc && !out.is_empty())
        {
            continue;
        }
        let dl = a.line - pl;
        let dc = if dl == 0 {
            a.character - pc
        } else {
            a.character
        };
        out.push(SemanticToken {
            delta_line: dl,
            delta_start: dc,
            length: b.character - a.character,
            token_type: ty,
            token_modifiers_bitset: 0,
        });
        pl = a.line;
        pc = a.character;
    }
    out
}

pub fn full(s: &Server, p: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let (path, doc) = s.text(&p.text_document.uri)?;
    if !matches!(classify(&path), FileRole::Unit(_) | FileRole::DropIn { .. }) {
        return None;
    }
    let toks = tokens(&doc.text);
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data: encode(s, &doc.text, &doc.index, &toks),
    }))
}

pub fn range(s: &Server, p: SemanticTokensRangeParams) -> Option<SemanticTokensRangeResult> {
    let (path, doc) = s.text(&p.text_document.uri)?;
    if !matches!(classify(&path), FileRole::Unit(_) | FileRole::DropIn { .. }) {
        return None;
    }
    let want = convert::span(&doc.text, &doc.index, p.range, s.enc);
    let toks: Vec<(Span, u32)> = tokens(&doc.text)
        .into_iter()
        .filter(|(sp, _)| sp.end >= want.start && sp.start <= want.end)
        .collect();
    Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
        result_id: None,
        data: encode(s, &doc.text, &doc.index, &toks),
    }))
}
