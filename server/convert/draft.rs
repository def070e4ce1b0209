//! The unit a conversion writes: sections, keys and comments, and the
//! encoding of values so that podman's generator (and then systemd) reads
//! back exactly the words that went in.
//!
//! A value crosses two readers. Quadlet reads the unit file and, depending
//! on the key, takes the value as it is ([`Mode::Plain`]), splits it as a
//! list ([`Mode::List`]: quotes group, backslashes are literal) or splits it
//! like a command line ([`Mode::Args`]: quotes group, C escapes). Then
//! systemd reads the generated `ExecStart=`, where `%` starts a specifier
//! and `$` a variable: both are doubled. A value none of this can carry is
//! an [`Unencodable`] error; callers then fall back to `PodmanArgs=`, which
//! carries any word but the empty one.

use crate::model::split;
use crate::workspace::UnitKind;
use std::fmt;

/// How podman's generator reads a key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The value as written (right-trimmed, one pair of `"` removed).
    Plain,
    /// A list, split at blanks; quotes group, backslashes are literal.
    List,
    /// Words split like a command line: quotes group, C escapes decode.
    Args,
    /// A `[Unit]`, `[Service]` or `[Install]` directive: systemd reads it.
    Systemd,
}

/// The reading mode of a key of `section`.
pub fn mode_of(section: &str, key: &str) -> Mode {
    if matches!(section, "Unit" | "Service" | "Install") {
        return Mode::Systemd;
    }
    match key {
        "Exec" | "PodmanArgs" | "GlobalArgs" | "Mask" | "Unmask" | "EnvironmentFile" | "Secret"
        | "Mount" | "ReloadCmd" => Mode::Args,
        "Environment" | "Label" | "Annotation" | "BuildArg" => Mode::Args,
        "Options" if section == "Network" => Mode::Args,
        "AddCapability" | "DropCapability" | "AddDevice" | "Sysctl" | "LogOpt" | "RemapUid"
        | "RemapGid" | "UIDMap" | "GIDMap" | "Yaml" | "ConfigMap" => Mode::List,
        "AutoUpdate" if section == "Kube" => Mode::List,
        _ => Mode::Plain,
    }
}

/// Whether the key's value ends up on a command line systemd runs, where
/// `$` must be doubled. Keys that only name things for Quadlet do not.
fn reaches_exec(section: &str, key: &str) -> bool {
    match mode_of(section, key) {
        Mode::Systemd => key.starts_with("Exec"),
        _ => !matches!(
            key,
            "ServiceName" | "Pod" | "StartWithPod" | "Yaml" | "SetWorkingDirectory"
        ),
    }
}

/// A value that no spelling of the key carries (an empty word, a newline
/// in a plain value, surrounding blanks or quotes...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}= cannot carry {value:?}: {why}")]
pub struct Unencodable {
    pub key: String,
    pub value: String,
    pub why: &'static str,
}

/// `%` → `%%`: systemd reads `%` as the start of a specifier.
pub fn escape_specifiers(s: &str) -> String {
    s.replace('%', "%%")
}

/// `$` → `$$`: systemd substitutes `$VAR` and `${VAR}` on command lines.
pub fn escape_dollars(s: &str) -> String {
    s.replace('$', "$$")
}

/// The reverse of what systemd does to a command line word: `%%` → `%`,
/// `$$` → `$` (for tests and the round trip; other specifiers are left).
pub fn unescape_exec_word(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if (c == '%' || c == '$') && it.peek() == Some(&c) {
            it.next();
        }
        out.push(c);
    }
    out
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// One plain value: it must survive the parser (no control character, no
/// surrounding blanks, no final backslash that would continue the line) and
/// podman's quote trimming.
fn encode_plain(key: &str, v: &str) -> Result<String, Unencodable> {
    let err = |why| Unencodable {
        key: key.to_string(),
        value: v.to_string(),
        why,
    };
    if v.is_empty() {
        return Err(err("an empty value resets the key"));
    }
    if has_control(v) {
        return Err(err("a control character"));
    }
    if v.trim() != v {
        return Err(err("leading or trailing blanks are trimmed"));
    }
    if v.ends_with('\\') {
        return Err(err("a final backslash continues the line"));
    }
    if v.starts_with('"') || v.ends_with('"') {
        return Err(err("podman strips the surrounding quotes"));
    }
    Ok(v.to_string())
}

/// List words: bare, or quoted when they hold blanks or quotes; checked by
/// splitting them back.
fn encode_list(key: &str, words: &[&str]) -> Result<String, Unencodable> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let err = |why| Unencodable {
            key: key.to_string(),
            value: w.to_string(),
            why,
        };
        if w.is_empty() {
            return Err(err("an empty list word"));
        }
        if has_control(w) {
            return Err(err("a control character"));
        }
        let needs = w
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\'');
        let enc = if !needs {
            w.to_string()
        } else if !w.contains('"') {
            format!("\"{w}\"")
        } else if !w.contains('\'') {
            format!("'{w}'")
        } else {
            return Err(err("both kinds of quotes in one list word"));
        };
        if split::split_strv(&enc).ok().as_deref() != Some(std::slice::from_ref(&w.to_string())) {
            return Err(err("the list splitter does not give it back"));
        }
        out.push(enc);
    }
    Ok(out.join(" "))
}

/// Command-line words, quoted as podman quotes them (spaces kept as
/// spaces); checked by splitting them back.
pub fn encode_args(key: &str, words: &[&str]) -> Result<String, Unencodable> {
    for w in words {
        if w.is_empty() {
            return Err(Unencodable {
                key: key.to_string(),
                value: String::new(),
                why: "an empty word ends podman's split",
            });
        }
    }
    let enc = split::escape_words_with(words, true);
    let back = split::split_exec(&enc).unwrap_or_default();
    if back.iter().map(String::as_str).ne(words.iter().copied()) {
        return Err(Unencodable {
            key: key.to_string(),
            value: words.join(" "),
            why: "the command-line splitter does not give it back",
        });
    }
    Ok(enc)
}

/// The value of `section`/`key` that reads back as `words` (one word for
/// plain keys), with `%` (and, where the value reaches a command line, `$`)
/// doubled.
pub fn encode(section: &str, key: &str, words: &[&str]) -> Result<String, Unencodable> {
    let raw = match mode_of(section, key) {
        Mode::Plain | Mode::Systemd => {
            let one = words.join(" ");
            if mode_of(section, key) == Mode::Systemd {
                if has_control(&one) || one.trim() != one || one.ends_with('\\') {
                    return Err(Unencodable {
                        key: key.to_string(),
                        value: one,
                        why: "control characters, surrounding blanks or a final backslash",
                    });
                }
                one
            } else {
                encode_plain(key, &one)?
            }
        }
        Mode::List => encode_list(key, words)?,
        Mode::Args => encode_args(key, words)?,
    };
    let raw = escape_specifiers(&raw);
    Ok(if reaches_exec(section, key) {
        escape_dollars(&raw)
    } else {
        raw
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Comment(String),
    Entry(String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Section {
    name: String,
    lines: Vec<Line>,
}

/// A unit being written. Sections come out in a fixed order: `[Unit]`, the
/// unit's own section, `[Service]`, `[Install]`, then any other in the
/// order first used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub kind: UnitKind,
    /// The file name without the extension.
    pub name: String,
    /// Comment lines at the top of the file.
    header: Vec<String>,
    sections: Vec<Section>,
}

impl Draft {
    pub fn new(kind: UnitKind, name: impl Into<String>) -> Self {
        Draft {
            kind,
            name: name.into(),
            header: Vec::new(),
            sections: Vec::new(),
        }
    }

    /// `NAME.EXT`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.name, self.kind.ext())
    }

    /// The unit's own section (`Container`, `Pod`, ...).
    pub fn main_section(&self) -> &'static str {
        self.kind.section()
    }

    fn section_mut(&mut self, name: &str) -> &mut Section {
        let i = match self.sections.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                self.sections.push(Section {
                    name: name.to_string(),
                    lines: Vec::new(),
                });
                self.sections.len() - 1
            }
        };
        &mut self.sections[i]
    }

    /// A comment line (or several, one per line of `text`) at the top.
    pub fn header_comment(&mut self, text: &str) {
        self.header.extend(text.lines().map(str::to_string));
    }

    /// A comment line (or several) in `section`, before what comes next.
    pub fn comment(&mut self, section: &str, text: &str) {
        let s = self.section_mut(section);
        s.lines
            .extend(text.lines().map(|l| Line::Comment(l.to_string())));
    }

    /// An entry whose value is already in unit-file syntax.
    pub fn raw(&mut self, section: &str, key: &str, value: &str) {
        self.section_mut(section)
            .lines
            .push(Line::Entry(key.to_string(), value.to_string()));
    }

    /// An entry that reads back as `value` (see [`encode`]).
    pub fn value(&mut self, section: &str, key: &str, value: &str) -> Result<(), Unencodable> {
        let v = encode(section, key, &[value])?;
        self.raw(section, key, &v);
        Ok(())
    }

    /// An entry that reads back as `words` (list and command-line keys).
    pub fn words<S: AsRef<str>>(
        &mut self,
        section: &str,
        key: &str,
        words: &[S],
    ) -> Result<(), Unencodable> {
        let w: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
        let v = encode(section, key, &w)?;
        self.raw(section, key, &v);
        Ok(())
    }

    /// Removes every `key` entry of `section` (conv-files: an old unit's
    /// setting replaces the converter's default).
    pub fn remove(&mut self, section: &str, key: &str) {
        if let Some(s) = self.sections.iter_mut().find(|s| s.name == section) {
            s.lines
                .retain(|l| !matches!(l, Line::Entry(k, _) if k == key));
        }
    }

    /// Whether `section` has `key`.
    pub fn has(&self, section: &str, key: &str) -> bool {
        self.get(section, key).is_some()
    }

    /// The last raw value of `section`/`key`.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        let s = self.sections.iter().find(|s| s.name == section)?;
        s.lines.iter().rev().find_map(|l| match l {
            Line::Entry(k, v) if k == key => Some(v.as_str()),
            _ => None,
        })
    }

    /// Whether the draft has nothing but comments in `section` (or no such
    /// section).
    pub fn section_is_empty(&self, section: &str) -> bool {
        self.sections
            .iter()
            .find(|s| s.name == section)
            .is_none_or(|s| !s.lines.iter().any(|l| matches!(l, Line::Entry(..))))
    }

    fn rank(&self, name: &str) -> usize {
        if name == "Unit" {
            0
        } else if name == self.kind.section() {
            1
        } else if name == "Service" {
            2
        } else if name == "Install" {
            3
        } else {
            4
        }
    }

    /// The file text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for h in &self.header {
            push_comment(&mut out, h);
        }
        let mut order: Vec<&Section> = self.sections.iter().collect();
        // A stable sort keeps first-use order among the other sections.
        order.sort_by_key(|s| self.rank(&s.name));
        // The unit's own section is written even when empty.
        let own = self.kind.section();
        let mut wrote_own = false;
        let mut first = self.header.is_empty();
        let mut write_section = |out: &mut String, name: &str, lines: &[Line]| {
            if !first {
                out.push('\n');
            }
            first = false;
            out.push('[');
            out.push_str(name);
            out.push_str("]\n");
            for l in lines {
                match l {
                    Line::Comment(c) => push_comment(out, c),
                    Line::Entry(k, v) => {
                        out.push_str(k);
                        out.push('=');
                        out.push_str(v);
                        out.push('\n');
                    }
                }
            }
        };
        for s in order {
            if s.name == own {
                wrote_own = true;
            } else if !wrote_own && self.rank(&s.name) > 1 {
                write_section(&mut out, own, &[]);
                wrote_own = true;
            }
            write_section(&mut out, &s.name, &s.lines);
        }
        if !wrote_own {
            write_section(&mut out, own, &[]);
        }
        out
    }
}

fn push_comment(out: &mut String, c: &str) {
    if c.is_empty() {
        out.push_str("#\n");
    } else {
        out.push_str("# ");
        out.push_str(c);
        out.push('\n');
    }
}

impl fmt::Display for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_come_out_in_order_with_comments() {
        let mut d = Draft::new(UnitKind::Container, "web");
        d.header_comment("converted");
        d.value("Service", "Restart", "always").unwrap();
        d.value("Container", "Image", "nginx").unwrap();
        d.comment("Container", "--ipc: no key");
        d.words("Container", "PodmanArgs", &["--ipc", "host"])
            .unwrap();
        d.value("Unit", "Description", "web at 100%").unwrap();
        d.raw("Install", "WantedBy", "default.target");
        assert_eq!(
            d.to_text(),
            "# converted\n\n[Unit]\nDescription=web at 100%%\n\n[Container]\nImage=nginx\n\
             # --ipc: no key\nPodmanArgs=--ipc host\n\n[Service]\nRestart=always\n\n\
             [Install]\nWantedBy=default.target\n"
        );
        assert_eq!(d.file_name(), "web.container");
        assert!(d.has("Container", "Image"));
        assert_eq!(d.get("Container", "PodmanArgs"), Some("--ipc host"));
    }

    #[test]
    fn the_own_section_is_always_written() {
        let mut d = Draft::new(UnitKind::Volume, "data");
        d.raw("Install", "WantedBy", "default.target");
        assert_eq!(
            d.to_text(),
            "[Volume]\n\n[Install]\nWantedBy=default.target\n"
        );
        assert_eq!(Draft::new(UnitKind::Pod, "p").to_text(), "[Pod]\n");
    }

    #[test]
    fn values_are_escaped_for_podman_and_systemd() {
        let enc = |s, k, w: &[&str]| encode(s, k, w);
        assert_eq!(
            enc("Container", "Environment", &["DATE=%Y-%m-%d"]).unwrap(),
            "DATE=%%Y-%%m-%%d"
        );
        assert_eq!(
            enc(
                "Container",
                "Environment",
                &["GREETING=hello world", "A=$HOME"]
            )
            .unwrap(),
            "\"GREETING=hello world\" A=$$HOME"
        );
        assert_eq!(
            enc("Container", "Exec", &["sh", "-c", "echo \"hi\" 'x'"]).unwrap(),
            "sh -c \"echo \\\"hi\\\" 'x'\""
        );
        assert_eq!(
            enc("Container", "PublishPort", &["8080:80"]).unwrap(),
            "8080:80"
        );
        assert_eq!(
            enc("Container", "AddCapability", &["NET_ADMIN", "a b"]).unwrap(),
            "NET_ADMIN \"a b\""
        );
        assert_eq!(
            enc("Container", "Sysctl", &["x=\"y\""]).unwrap(),
            "'x=\"y\"'"
        );
        assert!(enc("Container", "HostName", &["\"q\""]).is_err());
        assert!(enc("Container", "HostName", &[" x"]).is_err());
        assert!(enc("Container", "HostName", &[""]).is_err());
        assert!(enc("Container", "HostName", &["a\nb"]).is_err());
        assert!(enc("Container", "Exec", &["a", ""]).is_err());
        assert!(enc("Container", "Sysctl", &["'\""]).is_err());
        // `$` stays single where it does not reach a command line.
        assert_eq!(enc("Unit", "Description", &["$5 %"]).unwrap(), "$5 %%");
        assert_eq!(enc("Service", "ExecStartPre", &["$5"]).unwrap(), "$$5");
    }

    #[test]
    fn encoded_words_read_back() {
        for w in ["a=b c", "x\\y", "tab\there", "q\"uo'te", "100%", "$x"] {
            let enc = encode("Container", "PodmanArgs", &["--env", w]).unwrap();
            let back: Vec<String> = split::split_exec(&enc)
                .unwrap()
                .iter()
                .map(|s| unescape_exec_word(s))
                .collect();
            assert_eq!(back, ["--env", w], "{enc}");
        }
        assert_eq!(unescape_exec_word("%%a$$b%c"), "%a$b%c");
    }
}
