//! Target 1: the unit parser, under both dialects. It must never panic and
//! must be lossless: the physical lines tile the input exactly, and every
//! span the document holds points inside the line it came from.

use quadlet_ls::syntax::{parse_with, Dialect, Document, LineKind, Span};

pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for dialect in [Dialect::Current, Dialect::V4] {
        let doc = parse_with(&text, dialect);
        check_lossless(&text, &doc);
    }
}

fn inside(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.start <= inner.end && inner.end <= outer.end
}

fn on_boundaries(text: &str, s: Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

/// Panics (so the fuzzer reports it) when the document does not account for
/// every byte of `text` exactly once.
pub fn check_lossless(text: &str, doc: &Document) {
    // podman drops one final newline, then splits on '\n': the lines, joined
    // with '\n', are the text without that newline, byte for byte.
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut pos = 0;
    for (i, l) in doc.lines.iter().enumerate() {
        assert_eq!(
            l.span.start, pos,
            "line {i} does not start where the previous one ended"
        );
        assert!(l.span.end <= body.len(), "line {i} runs past the text");
        assert!(on_boundaries(text, l.span), "line {i} splits a character");
        assert!(
            !l.span.slice(text).contains('\n'),
            "line {i} holds a newline"
        );
        assert!(
            inside(l.span, l.trimmed),
            "line {i}: trimmed part outside the line"
        );
        pos = l.span.end;
        if i + 1 < doc.lines.len() {
            assert_eq!(
                body.as_bytes().get(pos),
                Some(&b'\n'),
                "line {i} not ended by a newline"
            );
            pos += 1;
        }
    }
    assert_eq!(
        pos,
        body.len(),
        "the lines do not reach the end of the text"
    );
    let rebuilt: Vec<&str> = doc.lines.iter().map(|l| l.span.slice(text)).collect();
    assert_eq!(
        rebuilt.join("\n"),
        body,
        "the lines do not rebuild the text"
    );

    let line_of = |offset: usize| doc.line_at(offset).map(|i| doc.lines[i].span);
    for (i, l) in doc.lines.iter().enumerate() {
        match l.kind {
            LineKind::Blank => {}
            LineKind::Comment(c) => {
                let c = doc.comments.get(c).expect("comment index");
                assert!(inside(l.span, c.span), "comment outside its line");
            }
            LineKind::Header(h) => {
                let h = doc.headers.get(h).expect("header index");
                assert!(
                    on_boundaries(text, h.span),
                    "header span splits a character"
                );
                assert!(
                    inside(h.span, h.name_span),
                    "header name outside the header"
                );
                // A header continued over several lines covers all of them.
                assert!(
                    h.span.start <= l.span.end && l.span.start <= h.span.end,
                    "header line {i} outside its header"
                );
                if inside(l.span, h.span) {
                    assert_eq!(h.name_span.slice(text), h.name, "header name");
                }
                assert!(h.section < doc.sections.len(), "header section index");
            }
            LineKind::Entry(e) | LineKind::Continuation(e) => {
                assert!(e < doc.entries.len(), "line {i}: entry index");
            }
            LineKind::Error(e) => assert!(e < doc.errors.len(), "line {i}: error index"),
        }
    }
    for (ei, e) in doc.entries.iter().enumerate() {
        for s in [e.key_span, e.value_span, e.span] {
            assert!(on_boundaries(text, s), "entry span splits a character");
        }
        assert!(inside(e.span, e.key_span), "key outside its entry");
        let mut logical = 0;
        let mut joined = String::new();
        for p in &e.pieces {
            assert_eq!(p.logical, logical, "pieces out of order");
            assert!(on_boundaries(text, p.doc), "piece splits a character");
            let line = line_of(p.doc.start).expect("piece on no line");
            assert!(inside(line, p.doc), "piece runs over its line");
            joined.push_str(p.doc.slice(text));
            logical += p.doc.len();
        }
        assert!(
            joined.starts_with(&e.key),
            "pieces do not start with the key"
        );
        assert_eq!(
            joined.get(e.value_offset..),
            Some(e.value.as_str()),
            "pieces do not end with the value"
        );
        if let Some(s) = e.section {
            assert!(
                doc.sections[s].entries.contains(&ei),
                "entry missing from its section"
            );
        }
    }
    for err in &doc.errors {
        assert!(
            on_boundaries(text, err.span),
            "{:?} error at {:?} splits a character",
            err.kind,
            err.span
        );
        assert!(
            err.line >= 1 && err.line <= doc.lines.len().max(1),
            "error line number"
        );
    }
}
