//! Document symbols (sections with their keys) and folding ranges (sections,
//! comment blocks, continued values).

use super::{convert, Server};
use crate::syntax::{self, LineKind, Span};
use crate::workspace::{classify, FileRole};
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, FoldingRange, FoldingRangeKind,
    FoldingRangeParams, SymbolKind,
};

/// One block: a header line and the lines up to the last non-blank line
/// before the next header. Returns (header index, first line, last line).
fn blocks(doc: &syntax::Document) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (i, l) in doc.lines.iter().enumerate() {
        match l.kind {
            LineKind::Header(h) => out.push((h, i, i)),
            LineKind::Blank => {}
            _ => {
                if let Some(b) = out.last_mut() {
                    b.2 = i;
                }
            }
        }
    }
    out
}

fn is_unit_like(path: &std::path::Path) -> bool {
    matches!(classify(path), FileRole::Unit(_) | FileRole::DropIn { .. })
}

#[allow(deprecated)]
pub fn document_symbols(s: &Server, p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let (path, doc) = s.text(&p.text_document.uri)?;
    if !is_unit_like(&path) {
        return None;
    }
    let text = &doc.text;
    let range = |sp: Span| convert::range(text, &doc.index, sp, s.enc);
    let parsed = syntax::parse(text);
    let mut out = Vec::new();
    for (h, first, last) in blocks(&parsed) {
        let (Some(header), Some(fl), Some(ll)) = (
            parsed.headers.get(h),
            parsed.lines.get(first),
            parsed.lines.get(last),
        ) else {
            continue;
        };
        let children: Vec<DocumentSymbol> = parsed.lines[first..=last]
            .iter()
            .filter_map(|l| match l.kind {
                LineKind::Entry(e) => parsed.entries.get(e),
                _ => None,
            })
            .map(|e| DocumentSymbol {
                name: if e.key.is_empty() {
                    "?".into()
                } else {
                    e.key.clone()
                },
                detail: (!e.value.is_empty()).then(|| e.value.chars().take(80).collect()),
                kind: SymbolKind::PROPERTY,
                tags: None,
                deprecated: None,
                range: range(e.span),
                selection_range: range(e.key_span),
                children: None,
            })
            .collect();
        out.push(DocumentSymbol {
            name: header.name.clone(),
            detail: None,
            kind: SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            range: range(Span::new(fl.span.start, ll.span.end)),
            selection_range: range(header.name_span),
            children: Some(children),
        });
    }
    Some(DocumentSymbolResponse::Nested(out))
}

pub fn folding_ranges(s: &Server, p: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let (path, doc) = s.text(&p.text_document.uri)?;
    if !is_unit_like(&path) {
        return None;
    }
    let text = &doc.text;
    let parsed = syntax::parse(text);
    let line_of = |off: usize| convert::position(text, &doc.index, off, s.enc).line;
    let fold = |a: usize, b: usize, kind: Option<FoldingRangeKind>| {
        let (sl, el) = (line_of(a), line_of(b));
        (el > sl).then_some(FoldingRange {
            start_line: sl,
            start_character: None,
            end_line: el,
            end_character: None,
            kind,
            collapsed_text: None,
        })
    };
    let mut out = Vec::new();
    for (_, first, last) in blocks(&parsed) {
        if let (Some(a), Some(b)) = (parsed.lines.get(first), parsed.lines.get(last)) {
            out.extend(fold(
                a.span.start,
                b.span.end,
                Some(FoldingRangeKind::Region),
            ));
        }
    }
    // Runs of comment lines.
    let mut run: Option<(usize, usize)> = None;
    for l in &parsed.lines {
        if matches!(l.kind, LineKind::Comment(_)) {
            run = Some(run.map_or((l.span.start, l.span.end), |(a, _)| (a, l.span.end)));
        } else if let Some((a, b)) = run.take() {
            out.extend(fold(a, b, Some(FoldingRangeKind::Comment)));
        }
    }
    if let Some((a, b)) = run {
        out.extend(fold(a, b, Some(FoldingRangeKind::Comment)));
    }
    for e in parsed.entries.iter().filter(|e| e.is_continued()) {
        out.extend(fold(e.span.start, e.span.end, None));
    }
    out.sort_by_key(|f| (f.start_line, f.end_line));
    Some(out)
}
