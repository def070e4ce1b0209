//! Small helpers shared by the rules.

use super::default_severity;
use crate::diag::{Diagnostic, Edit};
use crate::syntax::{Document, Entry, Span};

/// A diagnostic with the code's default severity.
pub fn diag(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, default_severity(code), span, message)
}

/// Edit distance with adjacent transpositions (optimal string alignment),
/// on chars, lower-cased.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate: a case-insensitive exact match first, then the
/// smallest edit distance (1 for words up to 4 letters, 2 up to 9, else 3).
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    let limit = match word.chars().count() {
        0..=4 => 1,
        5..=9 => 2,
        _ => 3,
    };
    for c in candidates {
        if c.eq_ignore_ascii_case(word) {
            return Some(c);
        }
        let d = distance(word, c);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The span of a whole entry's lines, including the final newline, so that
/// deleting it leaves no blank line.
pub fn entry_line_span(doc: &Document, text: &str, e: &Entry) -> Span {
    let start = doc
        .line_at(e.span.start)
        .and_then(|l| doc.lines.get(l))
        .map_or(e.span.start, |l| l.span.start);
    let last = doc
        .line_at(e.span.end)
        .and_then(|l| doc.lines.get(l))
        .map_or(e.span.end, |l| l.span.end);
    let end = if text.as_bytes().get(last) == Some(&b'\n') {
        last + 1
    } else {
        last
    };
    Span::new(start, end)
}

/// An edit deleting an entry.
pub fn delete_entry(doc: &Document, text: &str, e: &Entry) -> Edit {
    Edit {
        span: entry_line_span(doc, text, e),
        new_text: String::new(),
    }
}

/// An edit that adds `line` (without newline) to a section of a document:
/// after the section's last entry, or as a new section at the end.
pub fn insert_into_section(doc: &Document, text: &str, section: &str, line: &str) -> Edit {
    if let Some(sec) = doc.section(section) {
        let after = sec
            .entries
            .iter()
            .filter_map(|&i| doc.entries.get(i))
            .map(|e| entry_line_span(doc, text, e).end)
            .max()
            .or_else(|| {
                sec.headers
                    .last()
                    .and_then(|&h| doc.headers.get(h))
                    .map(|h| line_end_after(text, h.span.end))
            });
        if let Some(at) = after {
            let needs_nl = at > 0 && text.as_bytes().get(at - 1) != Some(&b'\n');
            let new_text = if needs_nl {
                format!("\n{line}\n")
            } else {
                format!("{line}\n")
            };
            return Edit {
                span: Span::empty(at),
                new_text,
            };
        }
    }
    let at = text.len();
    let sep = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Edit {
        span: Span::empty(at),
        new_text: format!("{sep}[{section}]\n{line}\n"),
    }
}

fn line_end_after(text: &str, offset: usize) -> usize {
    match text.get(offset..).and_then(|t| t.find('\n')) {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

/// Where to point at a section of a document: its first header, or the
/// start of the file.
pub fn section_anchor(doc: &Document, section: &str) -> Span {
    doc.section(section)
        .and_then(|s| s.headers.first())
        .and_then(|&h| doc.headers.get(h))
        .map_or_else(
            || {
                doc.lines
                    .first()
                    .map_or(Span::empty(0), |l| Span::new(l.span.start, l.span.start))
            },
            |h| h.span,
        )
}

/// The value as podman's `Lookup` sees it: right-trimmed, one pair of
/// surrounding double quotes removed.
pub fn looked_up(v: &str) -> &str {
    crate::model::unquote_pair(v.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_prefers_case_insensitive() {
        let c = ["PublishPort", "Pull", "Image"];
        assert_eq!(
            closest("publishport", c.iter().copied()),
            Some("PublishPort")
        );
        assert_eq!(closest("Imag", c.iter().copied()), Some("Image"));
        assert_eq!(closest("Zzzzzzzz", c.iter().copied()), None);
        assert_eq!(closest("Imgae", c.iter().copied()), Some("Image"));
        assert_eq!(closest("Foo", ["Pod"].iter().copied()), None);
    }

    #[test]
    fn insertion_goes_after_last_entry() {
        let text = "[Container]\nImage=a\n\n[Service]\nRestart=always\n";
        let doc = crate::syntax::parse(text);
        let e = insert_into_section(&doc, text, "Container", "Pull=never");
        let out = crate::diag::apply_edits(text, &[e]);
        assert_eq!(
            out,
            "[Container]\nImage=a\nPull=never\n\n[Service]\nRestart=always\n"
        );
        let e = insert_into_section(&doc, text, "Install", "WantedBy=default.target");
        let out = crate::diag::apply_edits(text, &[e]);
        assert!(out.ends_with("Restart=always\n\n[Install]\nWantedBy=default.target\n"));
    }
}
