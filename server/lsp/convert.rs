//! Conversions at the protocol edge: URIs <-> paths, byte spans <-> ranges.

use crate::line_index::{Encoding, LineCol, LineIndex};
use crate::syntax::Span;
use lsp_types::{Position, Range, Uri};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The local path of a `file:` URI (percent-decoded). Other schemes give
/// `None`: the server only works on files it can place.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let bytes = percent_decode(rest)?;
    let s = String::from_utf8(bytes).ok()?;
    Some(PathBuf::from(s))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = b.get(i + 1..i + 3)?;
            let h = std::str::from_utf8(h).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// A `file:` URI for an absolute path, percent-encoding what must be.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let s = path.to_str()?;
    let mut out = String::from("file://");
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

/// A byte span to a protocol range.
pub fn range(text: &str, index: &LineIndex, span: Span, enc: Encoding) -> Range {
    Range {
        start: position(text, index, span.start, enc),
        end: position(text, index, span.end, enc),
    }
}

pub fn position(text: &str, index: &LineIndex, offset: usize, enc: Encoding) -> Position {
    let lc = index.position(text, offset, enc);
    Position {
        line: lc.line,
        character: lc.col,
    }
}

/// A protocol position to a byte offset (clamped to the text).
pub fn offset(text: &str, index: &LineIndex, pos: Position, enc: Encoding) -> usize {
    index.offset(
        text,
        LineCol {
            line: pos.line,
            col: pos.character,
        },
        enc,
    )
}

/// A protocol range to a byte span (clamped, start <= end).
pub fn span(text: &str, index: &LineIndex, r: Range, enc: Encoding) -> Span {
    let a = offset(text, index, r.start, enc);
    let b = offset(text, index, r.end, enc);
    Span::new(a.min(b), a.max(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_round_trip_with_spaces_and_unicode() {
        let p = Path::new("/tmp/a b/é.container");
        let u = path_to_uri(p).unwrap();
        assert_eq!(u.as_str(), "file:///tmp/a%20b/%C3%A9.container");
        assert_eq!(uri_to_path(&u).unwrap(), p);
        let u = Uri::from_str("untitled:Untitled-1").unwrap();
        assert!(uri_to_path(&u).is_none());
    }
}
