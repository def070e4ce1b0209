//! Syntax errors from the parser.

use super::util::diag;
use super::FileCtx;
use crate::diag::{Diagnostic, Edit};
use crate::syntax::{Span, SyntaxErrorKind};

pub(super) fn check(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    for e in &cx.doc.errors {
        let d = match e.kind {
            SyntaxErrorKind::LostContinuation => diag("lost-continuation", e.span, &e.message),
            SyntaxErrorKind::ByteOrderMark => diag("syntax", e.span, &e.message).with_safe_fix(
                "Remove the byte-order mark",
                vec![Edit {
                    span: Span::new(0, 3),
                    new_text: String::new(),
                }],
            ),
            SyntaxErrorKind::NotKeyValue => {
                let text = e.span.slice(cx.text);
                let mut d = diag("syntax", e.span, &e.message);
                // `[Container] # comment`: move the comment to its own line.
                if text.starts_with('[') {
                    if let Some(close) = text.find(']') {
                        let rest = text[close + 1..].trim_start();
                        if rest.starts_with('#') || rest.starts_with(';') {
                            d = d.with_safe_fix(
                                "Put the comment on its own line",
                                vec![Edit {
                                    span: e.span,
                                    new_text: format!("{rest}\n{}", &text[..=close]),
                                }],
                            );
                        }
                    }
                }
                d
            }
            SyntaxErrorKind::InvalidSectionName
            | SyntaxErrorKind::KeyBeforeSection
            | SyntaxErrorKind::InvalidKeyName
            | SyntaxErrorKind::ParserLoop => diag("syntax", e.span, &e.message),
        };
        out.push(d);
    }
}
