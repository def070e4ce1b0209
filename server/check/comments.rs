//! Inline comments: podman's and systemd's unit parsers know only whole-line
//! comments, so ` # text` or ` ; text` after a value is part of the value.

use super::util::diag;
use super::FileCtx;
use crate::diag::{Diagnostic, Edit, Safety};
use crate::syntax::{Entry, Span};

/// Where an inline comment starts in a value (left-trimmed, as in
/// [`Entry::value`]): the offset of the blanks before its `#` or `;`, or 0
/// when the whole value is a comment. A `#` or `;` inside a quoted word does
/// not count, nor (with `exec`, for systemd's `Exec*=` command lines) a lone
/// `;` word, which separates commands.
pub(crate) fn inline_comment(value: &str, exec: bool) -> Option<usize> {
    let b = value.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                let word_start = i == 0 || matches!(b[i - 1], b' ' | b'\t');
                if word_start && (c == b'"' || c == b'\'') {
                    quote = Some(c);
                } else if word_start && (c == b'#' || c == b';') {
                    let lone_semicolon =
                        c == b';' && matches!(b.get(i + 1), None | Some(b' ' | b'\t'));
                    if !(exec && lone_semicolon) {
                        let mut s = i;
                        while s > 0 && matches!(b[s - 1], b' ' | b'\t') {
                            s -= 1;
                        }
                        return Some(s);
                    }
                } else if c == b'\\' {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    None
}

/// Whether the value of `e` (in section `section`) holds an inline comment.
pub(crate) fn has_inline_comment(section: &str, e: &Entry) -> bool {
    inline_comment(&e.value, is_exec(section, &e.key)).is_some()
}

fn is_exec(section: &str, key: &str) -> bool {
    section == "Service" && key.starts_with("Exec")
}

pub(super) fn check(cx: &FileCtx, section: &str, e: &Entry, out: &mut Vec<Diagnostic>) {
    let Some(start) = inline_comment(&e.value, is_exec(section, &e.key)) else {
        return;
    };
    let value = e.value.trim_end();
    let hash = start + value[start..].len() - value[start..].trim_start().len();
    let comment = &value[hash..];
    let kept = &value[..start];
    let msg = if kept.is_empty() {
        format!(
            "{}= holds only a comment: unit files have no inline comments, so the value is `{comment}`",
            e.key
        )
    } else {
        format!(
            "inline comment: unit files have no inline comments, so `{comment}` is part of the {}= value",
            e.key
        )
    };
    let span = e.value_range(hash, value.len());
    let mut d = diag("inline-comment", span, msg);
    if let Some(edits) = move_above(cx, e, start, value.len(), comment) {
        let safety = if kept.trim().is_empty() {
            Safety::Unsafe
        } else {
            Safety::Safe
        };
        d = d.with_fix_of(safety, "Move the comment to its own line above", edits);
    }
    out.push(d);
}

/// Edits that cut `start..end` of the value and put `comment` on a line of
/// its own above the entry, with the entry's indentation and line ending.
/// `None` when the comment does not sit on the entry's last line.
fn move_above(
    cx: &FileCtx,
    e: &Entry,
    start: usize,
    end: usize,
    comment: &str,
) -> Option<Vec<Edit>> {
    let last = e.pieces.last()?;
    let cut = e.value_range(start, end);
    if start == end || cut.start < last.doc.start {
        return None;
    }
    let line = cx.doc.lines.get(cx.doc.line_at(e.key_span.start)?)?;
    let indent = cx.text.get(line.span.start..e.key_span.start)?;
    if !indent.bytes().all(|b| b == b' ' || b == b'\t') {
        return None;
    }
    let eol = if cx.text[line.span.start..line.span.end].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    // Keep `Key=` when the whole value goes: cut from the first byte of the
    // value (after `=` and blanks), never the `=` itself.
    let cut = Span::new(cut.start.max(e.value_span.start), cut.end);
    Some(vec![
        Edit {
            span: Span::empty(line.span.start),
            new_text: format!("{indent}{comment}{eol}"),
        },
        Edit {
            span: cut,
            new_text: String::new(),
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::inline_comment;

    #[test]
    fn finds_comments_outside_quotes() {
        assert_eq!(inline_comment("8080:80 # web", false), Some(7));
        assert_eq!(inline_comment("app\t; user", false), Some(3));
        assert_eq!(inline_comment("# (Mandatory) The image", false), Some(0));
        assert_eq!(inline_comment("a#b", false), None);
        assert_eq!(inline_comment("http://x/#frag", false), None);
        assert_eq!(inline_comment("sh -c \"echo # hi\"", false), None);
        assert_eq!(inline_comment("sh -c 'a ; b'", false), None);
        assert_eq!(inline_comment("/bin/a ; /bin/b", true), None);
        assert_eq!(inline_comment("/bin/a ;note", true), Some(6));
        assert_eq!(inline_comment("/bin/a ; /bin/b", false), Some(6));
        assert_eq!(inline_comment("a \\# b", false), None);
    }
}
