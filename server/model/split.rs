//! systemd-style word splitting and quoting, with the exact behaviour of
//! podman 5.8's unit parser (which ports systemd's `extract_first_word`).
//!
//! Two splitting modes matter for Quadlet:
//! * [`split_exec`] — `Exec=`, `PodmanArgs=`, `GlobalArgs=`, `Mount=`, … :
//!   quotes group and are removed, C escapes are decoded, unbalanced quotes
//!   and a trailing backslash are tolerated, an unknown escape is an error.
//! * [`split_strv`] — `AddCapability=`, `Yaml=`, `[Unit]` dependencies, … :
//!   quotes group and are removed, backslashes are ordinary characters,
//!   unbalanced quotes are an error.
//!
//! [`escape_words`] quotes an argv back into one `Exec*=` value the way
//! podman writes it.
//!
//! One podman quirk is kept on purpose: an empty quoted word (`""`) ends the
//! split, so `a "" b` yields only `a`.

use std::fmt;

/// Why a value could not be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A backslash followed by something that is not a known escape.
    #[error("unsupported escape char")]
    UnsupportedEscape,
    /// A quote that is never closed (only in the strict mode).
    #[error("unbalanced quotes")]
    UnbalancedQuotes,
    /// A backslash at the very end (only in the strict mode).
    #[error("unbalanced escape")]
    UnbalancedEscape,
}

#[derive(Clone, Copy)]
struct Flags {
    relax: bool,
    cunescape: bool,
    unquote: bool,
    retain_escape: bool,
    /// Octal escapes as podman decoded them before 5.4 (see
    /// [`split_exec_v4`]).
    octal_v4: bool,
}

const EXEC: Flags = Flags {
    relax: true,
    cunescape: true,
    unquote: true,
    retain_escape: false,
    octal_v4: false,
};

const STRV: Flags = Flags {
    relax: false,
    cunescape: false,
    unquote: true,
    retain_escape: true,
    octal_v4: false,
};

fn is_sep(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

fn hex(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

fn oct(c: u8) -> Option<u32> {
    (c as char).to_digit(8)
}

/// Decodes one escape sequence; `p` starts just after the backslash.
/// Returns the number of bytes consumed and the character.
fn cunescape_one(p: &[u8], octal_v4: bool) -> Option<(usize, char)> {
    let first = *p.first()?;
    if octal_v4 {
        // Before 5.4 the digits `0` to `6` matched empty switch cases: a NUL
        // and one character consumed; `7` read its own digit three times
        // (0777 > 255: an error).
        match first {
            b'0'..=b'6' => return Some((1, '\0')),
            b'7' => return None,
            _ => {}
        }
    }
    let simple = match first {
        b'a' => Some('\u{7}'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'v' => Some('\u{b}'),
        b'\\' => Some('\\'),
        b'"' => Some('"'),
        b'\'' => Some('\''),
        b's' => Some(' '),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((1, c));
    }
    let code_point = |digits: &[u8]| -> Option<u32> {
        digits
            .iter()
            .try_fold(0u32, |acc, &d| Some((acc << 4) | hex(d)?))
    };
    match first {
        b'x' => {
            let v = code_point(p.get(1..3)?)?;
            if v == 0 {
                return None;
            }
            Some((3, char::from_u32(v)?))
        }
        b'u' => {
            let v = code_point(p.get(1..5)?)?;
            if v == 0 {
                return None;
            }
            // A surrogate cannot be stored; Go writes the replacement char.
            Some((5, char::from_u32(v).unwrap_or('\u{fffd}')))
        }
        b'U' => {
            let v = code_point(p.get(1..9)?)?;
            if v == 0 || v > 0x10ffff {
                return None;
            }
            Some((9, char::from_u32(v).unwrap_or('\u{fffd}')))
        }
        b'0'..=b'7' => {
            let d = p.get(0..3)?;
            let a = oct(d[0])?;
            let b = oct(d[1])?;
            let c = oct(d[2])?;
            let v = (a << 6) | (b << 3) | c;
            if v == 0 || v > 255 {
                return None;
            }
            Some((3, char::from_u32(v)?))
        }
        _ => None,
    }
}

/// Extracts the first word of `input`. Returns the word and the rest, or
/// `None` when there is no further word.
fn extract_first_word(input: &[u8], flags: Flags) -> Result<Option<(Vec<u8>, usize)>, SplitError> {
    let end = input.len();
    let at = |p: usize| -> u8 {
        if p < end {
            input[p]
        } else {
            0
        }
    };
    let mut out: Vec<u8> = Vec::new();
    let mut p = 0usize;
    // Skip leading separators.
    while p < end && is_sep(input[p]) {
        p += 1;
    }
    if p >= end || input[p] == 0 {
        return Ok(None);
    }
    let mut quote: u8 = 0;
    let mut backslash = false;
    let mut c = at(p);
    loop {
        if backslash {
            if c == 0 {
                if flags.relax {
                    p = end;
                    break;
                }
                return Err(SplitError::UnbalancedEscape);
            }
            if flags.cunescape {
                match cunescape_one(&input[p..], flags.octal_v4) {
                    Some((n, ch)) => {
                        p += n - 1;
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    None => return Err(SplitError::UnsupportedEscape),
                }
            } else {
                out.push(c);
            }
            backslash = false;
            p += 1;
            c = at(p);
        } else if quote != 0 {
            loop {
                if c == 0 {
                    if flags.relax {
                        p = end;
                        return Ok(finish(out, input, p));
                    }
                    return Err(SplitError::UnbalancedQuotes);
                }
                if c == quote {
                    quote = 0;
                    if flags.unquote {
                        break;
                    }
                } else if c == b'\\' && !flags.retain_escape {
                    backslash = true;
                    break;
                }
                out.push(c);
                if quote == 0 {
                    break;
                }
                p += 1;
                c = at(p);
            }
            p += 1;
            c = at(p);
        } else {
            loop {
                if c == 0 {
                    p = end;
                    return Ok(finish(out, input, p));
                }
                if (c == b'\'' || c == b'"') && flags.unquote {
                    quote = c;
                    break;
                }
                if c == b'\\' && !flags.retain_escape {
                    backslash = true;
                    break;
                }
                if is_sep(c) {
                    while p < end && is_sep(input[p]) {
                        p += 1;
                    }
                    if p >= end || input[p] == 0 {
                        p = end;
                    }
                    return Ok(finish(out, input, p));
                }
                out.push(c);
                p += 1;
                c = at(p);
            }
            p += 1;
            c = at(p);
        }
    }
    Ok(finish(out, input, p))
}

fn finish(out: Vec<u8>, _input: &[u8], p: usize) -> Option<(Vec<u8>, usize)> {
    if out.is_empty() {
        None
    } else {
        Some((out, p))
    }
}

fn split(s: &str, flags: Flags) -> Result<Vec<String>, SplitError> {
    let mut rest = s.as_bytes();
    let mut words = Vec::new();
    while let Some((w, used)) = extract_first_word(rest, flags)? {
        words.push(String::from_utf8_lossy(&w).into_owned());
        rest = rest.get(used..).unwrap_or(&[]);
    }
    Ok(words)
}

/// Exec-style splitting (systemd's RELAX|UNQUOTE|CUNESCAPE).
pub fn split_exec(s: &str) -> Result<Vec<String>, SplitError> {
    split(s, EXEC)
}

/// Exec-style splitting by podman's rules before 5.4, where `\NNN` octal
/// escapes were mis-decoded.
pub fn split_exec_v4(s: &str) -> Result<Vec<String>, SplitError> {
    split(
        s,
        Flags {
            octal_v4: true,
            ..EXEC
        },
    )
}

/// List-style splitting (systemd's `config_parse_strv`: UNQUOTE and
/// backslashes kept literally). A value that fails yields no words.
pub fn split_strv(s: &str) -> Result<Vec<String>, SplitError> {
    split(s, STRV)
}

fn char_needs_escape(c: char, is_path: bool) -> bool {
    if (c as u32) > 128 {
        return false;
    }
    c.is_whitespace()
        || c.is_control()
        || (is_path && (c == '-' || c == '/'))
        || c == '"'
        || c == '\''
        || c == '\\'
}

/// Whether a word must be quoted in an `Exec*=` line.
pub fn word_needs_escape(word: &str) -> bool {
    word.chars().any(|c| char_needs_escape(c, false))
}

fn escape_into(out: &mut String, word: &str, is_path: bool) {
    escape_into_with(out, word, is_path, false);
}

/// `raw_space`: write a space inside a quoted word as a plain space, as
/// podman did before 5.5 (5.5 writes `\x20`).
fn escape_into_with(out: &mut String, word: &str, is_path: bool, raw_space: bool) {
    use fmt::Write;
    for (i, c) in word.chars().enumerate() {
        if !char_needs_escape(c, is_path) {
            out.push(c);
            continue;
        }
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\\' => out.push_str("\\\\"),
            ' ' if raw_space => out.push(' '),
            ' ' => out.push_str("\\x20"),
            '"' => out.push_str("\\\""),
            '\'' => out.push('\''),
            '/' => {
                if is_path && i != 0 {
                    out.push('-');
                }
            }
            _ => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
        }
    }
}

/// One word as podman writes it: bare, or in double quotes with escapes.
pub fn escape_word(word: &str) -> String {
    if word_needs_escape(word) {
        let mut s = String::with_capacity(word.len() + 2);
        s.push('"');
        escape_into(&mut s, word, false);
        s.push('"');
        s
    } else {
        word.to_string()
    }
}

/// An argv joined into one `Exec*=` value, quoted as podman quotes it.
pub fn escape_words<S: AsRef<str>>(words: &[S]) -> String {
    escape_words_with(words, false)
}

/// [`escape_words`], with `raw_space` as podman before 5.5 wrote a space
/// inside a quoted word (a plain space instead of `\x20`).
pub fn escape_words_with<S: AsRef<str>>(words: &[S], raw_space: bool) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i != 0 {
            out.push(' ');
        }
        let w = w.as_ref();
        if word_needs_escape(w) {
            out.push('"');
            escape_into_with(&mut out, w, false, raw_space);
            out.push('"');
        } else {
            out.push_str(w);
        }
    }
    out
}

/// systemd path escaping as podman does it (used for nothing in the
/// generator's output today, kept for unit names derived from paths).
pub fn path_escape(path: &str) -> String {
    let mut s = String::new();
    escape_into(&mut s, path, true);
    s
}

/// POSIX-shell quoting of one word, for showing a command to a human
/// (`quadlet-ls preview --format command`).
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%^".contains(&b));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(s: &str) -> Vec<String> {
        split_exec(s).unwrap()
    }

    #[test]
    fn exec_split_basics() {
        assert_eq!(ex("a b  c"), ["a", "b", "c"]);
        assert_eq!(ex("  a\t\"b c\"d 'e f'"), ["a", "b cd", "e f"]);
        assert_eq!(ex("a\\x20b \\n"), ["a b", "\n"]);
        assert_eq!(ex("a \"\" b"), ["a"]);
        assert_eq!(ex("\"unterminated x"), ["unterminated x"]);
        assert_eq!(ex("tail\\"), ["tail"]);
        assert_eq!(ex(""), Vec::<String>::new());
        assert_eq!(ex("\\101\\u00e9"), ["Aé"]);
        assert_eq!(split_exec("a\\qb"), Err(SplitError::UnsupportedEscape));
        assert_eq!(split_exec("\\x00"), Err(SplitError::UnsupportedEscape));
    }

    #[test]
    fn strv_split_keeps_backslashes() {
        assert_eq!(split_strv("a\\b 'c d'").unwrap(), ["a\\b", "c d"]);
        assert_eq!(split_strv("'open"), Err(SplitError::UnbalancedQuotes));
    }

    #[test]
    fn escaping_matches_podman() {
        assert_eq!(
            escape_words(&["a", "b c", "d\"e", "x'y", "\t"]),
            "a \"b\\x20c\" \"d\\\"e\" \"x'y\" \"\\t\""
        );
        assert_eq!(escape_word("\u{1}"), "\"\\x01\"");
        assert_eq!(escape_word("é"), "é");
        assert_eq!(escape_word(""), "");
        assert_eq!(path_escape("/a b/c-d"), "a\\x20b-c\\x2dd");
        assert_eq!(escape_words_with(&["b c", "\t"], true), "\"b c\" \"\\t\"");
    }

    #[test]
    fn octal_escapes_before_5_4() {
        assert_eq!(split_exec("a\\101").unwrap(), ["aA"]);
        // \1 gave a NUL and left the other digits as they were.
        assert_eq!(split_exec_v4("a\\101").unwrap(), ["a\u{0}01"]);
        assert!(split_exec_v4("a\\777").is_err());
        assert_eq!(split_exec_v4("\\x41").unwrap(), ["A"]);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("abc"), "abc");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
