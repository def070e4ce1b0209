//! `podman-args-has-key`: a flag in `PodmanArgs=` that has its own key in
//! the target release. The key is checked (lint, completion, hover, the
//! release gate) where `PodmanArgs=` is passed blind; the fix moves the
//! flag to its key the way `quadlet-ls convert` writes it.

use super::util::{diag, entry_line_span};
use super::FileCtx;
use crate::convert::{self, draft, grammar};
use crate::diag::{Diagnostic, Edit, Safety};
use crate::model::split;
use crate::schema::{self, Version};
use crate::syntax::{Entry, Span};

pub(super) fn check(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    let section = cx.kind.section();
    let Some(cmd) = grammar::subcommand_of_section(section) else {
        return;
    };
    for e in cx.doc.section_entries(section) {
        if e.key == "PodmanArgs" {
            entry(cx, section, cmd, e, out);
        }
    }
}

fn entry(
    cx: &FileCtx,
    section: &str,
    cmd: grammar::Subcommand,
    e: &Entry,
    out: &mut Vec<Diagnostic>,
) {
    let release = cx.opts.podman_version;
    let Ok(raw) = split::split_exec(&e.value) else {
        return;
    };
    // What the flags mean once systemd has read `%%` and `$$`.
    let words: Vec<String> = raw.iter().map(|w| draft::unescape_exec_word(w)).collect();
    let Ok((opts, _)) = grammar::parse_flags(cmd, &words) else {
        return;
    };
    for o in &opts {
        let Some(lines) = convert::keys_of_flag(cmd, o, release) else {
            continue;
        };
        // A key that keeps one value and is set already: moving the flag
        // would change which value counts.
        if lines
            .iter()
            .any(|(k, _)| !repeats(section, k, release) && cx.doc.last(section, k).is_some())
        {
            continue;
        }
        let shown = o.words.join(" ");
        let keys = lines
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let span = word_span(cx.text, e, &o.words).unwrap_or(e.value_span);
        let mut d = diag(
            "podman-args-has-key",
            span,
            format!("`{shown}` in PodmanArgs= has its own key in podman {release}: {keys}"),
        );
        if let Some(new_text) = moved(&words, &o.words, &lines) {
            d = d.with_fix_of(
                Safety::Safe,
                format!("Move `{shown}` to {keys}"),
                vec![Edit {
                    span: entry_line_span(cx.doc, cx.text, e),
                    new_text,
                }],
            );
        }
        out.push(d);
    }
}

/// Whether every value of the key counts in `release`.
fn repeats(section: &str, key: &str, release: Version) -> bool {
    if key == "Ulimit" && release < (Version { major: 5, minor: 0 }) {
        return false;
    }
    schema::table().get(section, key).is_some_and(|k| k.repeat)
}

/// The entry's replacement: the key lines, then `PodmanArgs=` with the
/// other words (none when the flag was alone). `None` when the flag's
/// words are not found in a row (a combined `-dm 1g`).
fn moved(words: &[String], flag: &[String], lines: &[(String, String)]) -> Option<String> {
    let at =
        (0..=words.len().checked_sub(flag.len())?).find(|&i| words[i..i + flag.len()] == *flag)?;
    let rest: Vec<&str> = words[..at]
        .iter()
        .chain(&words[at + flag.len()..])
        .map(String::as_str)
        .collect();
    let mut text = String::new();
    for (k, v) in lines {
        text.push_str(&format!("{k}={v}\n"));
    }
    if !rest.is_empty() {
        let v = draft::encode("Container", "PodmanArgs", &rest).ok()?;
        text.push_str(&format!("PodmanArgs={v}\n"));
    }
    Some(text)
}

/// The span of the flag's words in the entry's value, when they are
/// written there as they are (unquoted, on one line).
fn word_span(text: &str, e: &Entry, words: &[String]) -> Option<Span> {
    let value = text.get(e.value_span.start..e.value_span.end)?;
    let first = words.first()?;
    let mut from = 0;
    while let Some(i) = value[from..].find(first.as_str()) {
        let start = from + i;
        let before_ok = start == 0 || value[..start].ends_with([' ', '\t']);
        if before_ok {
            let mut end = start + first.len();
            for w in &words[1..] {
                let rest = &value[end..];
                let skip = rest.len() - rest.trim_start().len();
                if !rest[skip..].starts_with(w.as_str()) {
                    return Some(Span::new(
                        e.value_span.start + start,
                        e.value_span.start + start + first.len(),
                    ));
                }
                end += skip + w.len();
            }
            return Some(Span::new(
                e.value_span.start + start,
                e.value_span.start + end,
            ));
        }
        from = start + first.len();
    }
    None
}
