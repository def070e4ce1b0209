//! The generator's mutable unit model. It keeps what podman's unit model
//! keeps (groups in first-seen order, comments before a group header apart
//! from the lines inside it, key order) so that the text it writes is
//! byte-for-byte what podman writes. It is built from the lossless parse in
//! [`crate::syntax`].

use crate::model::split::{self, SplitError};
use crate::schema::Version;
use crate::syntax::{self, Dialect, LineKind};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct ULine {
    pub key: String,
    /// The value lookups see (for a comment, its text).
    pub value: String,
    pub comment: bool,
    /// The text written back when it differs from `value`: before podman
    /// 5.4 a continued value keeps its backslash-newlines in the unit model
    /// (lookups remove them).
    pub raw: Option<String>,
}

impl ULine {
    fn entry(key: &str, value: &str) -> ULine {
        ULine {
            key: key.to_string(),
            value: value.to_string(),
            comment: false,
            raw: None,
        }
    }

    fn comment(text: &str) -> ULine {
        ULine {
            key: String::new(),
            value: text.to_string(),
            comment: true,
            raw: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    /// Comment lines written before the `[name]` header.
    pub comments: Vec<ULine>,
    pub lines: Vec<ULine>,
}

impl Group {
    fn new(name: &str) -> Self {
        Group {
            name: name.to_string(),
            comments: Vec::new(),
            lines: Vec::new(),
        }
    }

    fn find_last_mut(&mut self, key: &str) -> Option<&mut ULine> {
        self.lines
            .iter_mut()
            .rev()
            .find(|l| !l.comment && l.key == key)
    }
}

/// How podman's unit model reads and writes values, where that changed
/// between releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// What `Lookup` strips from a value's ends.
    pub quotes: Quotes,
    /// `LookupAllKeyVal` keeps a word without `=` (`--env K`); before 5.6 it
    /// is dropped.
    pub bare_keys: bool,
    /// Exec-style splitting decodes `\NNN` as podman did before 5.4.
    pub octal_v4: bool,
    /// A space inside a quoted output word is written as a plain space
    /// (before 5.5; later `\x20`).
    pub raw_space: bool,
}

/// `Lookup`'s quote handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quotes {
    /// Before 5.0: none (only trailing blanks are trimmed).
    Keep,
    /// 5.0 to 5.7: every leading and trailing `"`.
    TrimAll,
    /// 5.8: one matched pair.
    Pair,
}

impl Rules {
    pub fn for_release(v: Version) -> Rules {
        let at_least = |major: u16, minor: u16| v >= Version { major, minor };
        Rules {
            quotes: if at_least(5, 8) {
                Quotes::Pair
            } else if at_least(5, 0) {
                Quotes::TrimAll
            } else {
                Quotes::Keep
            },
            bare_keys: at_least(5, 6),
            octal_v4: !at_least(5, 4),
            raw_space: !at_least(5, 5),
        }
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules::for_release(Version::DEFAULT)
    }
}

#[derive(Debug, Clone, Default)]
pub struct UnitFile {
    /// The release rules values are read and written by.
    pub rules: Rules,
    pub groups: Vec<Group>,
    /// The file name (`web.container`, or the service name once generated).
    pub filename: String,
    /// The full path of the source file (empty for a generated unit).
    pub path: String,
}

/// A unit file podman refuses to load, with podman's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl UnitFile {
    fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }

    fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    fn ensure_group(&mut self, name: &str) -> &mut Group {
        let i = match self.group_index(name) {
            Some(i) => i,
            None => {
                self.groups.push(Group::new(name));
                self.groups.len() - 1
            }
        };
        &mut self.groups[i]
    }

    /// Builds the model from a parsed document, failing where podman's parser
    /// fails (with its message).
    pub fn from_document(
        text: &str,
        doc: &syntax::Document,
        filename: &str,
        path: &str,
    ) -> Result<UnitFile, ParseError> {
        let mut f = UnitFile {
            rules: Rules::default(),
            groups: Vec::new(),
            filename: filename.to_string(),
            path: path.to_string(),
        };
        if let Some(first) = doc.lines.first() {
            if text.starts_with('\u{feff}') {
                // podman does not strip the mark, so the first line is seen
                // with it.
                let raw = text.get(first.span.start..first.span.end).unwrap_or("");
                let line = raw.trim();
                return Err(ParseError(match line.find('=') {
                    Some(p) if p > 0 => "key file does not start with a group".to_string(),
                    _ => not_kv(1, line),
                }));
            }
        }
        let mut current: Option<usize> = None;
        let mut pending: Option<Vec<ULine>> = None;
        // Whether a `\` continuation is open (comment lines are dropped).
        let mut in_cont = false;
        let nlines = doc.lines.len();
        let mut i = 0usize;
        while i < nlines {
            let line = &doc.lines[i];
            let trimmed = text.get(line.trimmed.start..line.trimmed.end).unwrap_or("");
            match line.kind {
                LineKind::Blank | LineKind::Comment(_) => {
                    // A lone `\` is an empty continuation piece: podman
                    // forgets it, except on the last line where it becomes
                    // an empty comment line.
                    let lone = trimmed == "\\";
                    let text_of = if lone { "" } else { trimmed };
                    if !in_cont && (!lone || i + 1 == nlines) {
                        pending
                            .get_or_insert_with(Vec::new)
                            .push(ULine::comment(text_of));
                    }
                }
                LineKind::Header(h) => {
                    in_cont = false;
                    let name = doc.headers.get(h).map(|h| h.name.as_str()).unwrap_or("");
                    let gi = match f.group_index(name) {
                        Some(g) => g,
                        None => {
                            f.groups.push(Group::new(name));
                            f.groups.len() - 1
                        }
                    };
                    current = Some(gi);
                    if let Some(mut p) = pending.take() {
                        if p.first().is_some_and(|l| l.value.is_empty()) {
                            p.remove(0);
                        }
                        f.groups[gi].comments.extend(p);
                    }
                }
                LineKind::Entry(e) => {
                    let Some(entry) = doc.entries.get(e) else {
                        i += 1;
                        continue;
                    };
                    let Some(gi) = current else {
                        return Err(ParseError("key file does not start with a group".into()));
                    };
                    in_cont = trimmed.ends_with('\\') && i + 1 != nlines;
                    if let Some(p) = pending.take() {
                        f.groups[gi].lines.extend(p);
                    }
                    let mut line = ULine::entry(&entry.key, "");
                    if doc.dialect == Dialect::V4 && entry.is_continued() {
                        let raw = go_value_raw(text, entry);
                        line.value = raw.replace("\\\n", "");
                        line.raw = Some(raw);
                    } else {
                        line.value = go_value(text, entry);
                    }
                    f.groups[gi].lines.push(line);
                }
                LineKind::Continuation(_) => {
                    in_cont = trimmed.ends_with('\\') && i + 1 != nlines;
                }
                LineKind::Error(e) => {
                    let kind = doc.errors.get(e).map(|x| x.kind);
                    match kind {
                        Some(syntax::SyntaxErrorKind::LostContinuation) => {
                            // podman silently drops the pending text.
                            in_cont = true;
                        }
                        Some(syntax::SyntaxErrorKind::InvalidSectionName) => {
                            let logical = joined(text, doc, i, e);
                            let end = logical.find(']').unwrap_or(logical.len());
                            let name = logical.get(1..end).unwrap_or("");
                            return Err(ParseError(format!("invalid group name: {name}")));
                        }
                        Some(syntax::SyntaxErrorKind::InvalidKeyName) => {
                            let key = trimmed.split('=').next().unwrap_or("").trim_end();
                            return Err(ParseError(format!("invalid key name: {key}")));
                        }
                        Some(syntax::SyntaxErrorKind::ParserLoop) => {
                            return Err(ParseError(format!(
                                "line {}: podman before 5.4 loops forever on this continuation (an indented first line, blanks after the `\\`, or a blank line after it), so the generator never finishes",
                                i + 1
                            )));
                        }
                        _ if doc.dialect == Dialect::V4 => {
                            // One physical line, reported as it is.
                            return Err(ParseError(not_kv(i + 1, trimmed)));
                        }
                        _ => {
                            let logical = joined(text, doc, i, e);
                            let nr = last_line_of(doc, i, e) + 1;
                            return Err(ParseError(not_kv(nr, &logical)));
                        }
                    }
                }
            }
            i += 1;
        }
        let gi = match current {
            Some(g) => g,
            None => {
                f.groups.push(Group::new(""));
                f.groups.len() - 1
            }
        };
        if let Some(p) = pending.take() {
            f.groups[gi].lines.extend(p);
        }
        Ok(f)
    }

    /// Parses a text (convenience for tests).
    pub fn parse(text: &str, filename: &str, path: &str) -> Result<UnitFile, ParseError> {
        let doc = syntax::parse(text);
        Self::from_document(text, &doc, filename, path)
    }

    /// Appends another file's groups (podman's drop-in merge).
    pub fn merge(&mut self, other: &UnitFile) {
        for g in &other.groups {
            let dst = self.ensure_group(&g.name);
            dst.comments.extend(g.comments.iter().cloned());
            dst.lines.extend(g.lines.iter().cloned());
        }
    }

    pub fn has_group(&self, name: &str) -> bool {
        self.group(name).is_some()
    }

    /// Renames a group; merges into an existing group of the new name.
    pub fn rename_group(&mut self, from: &str, to: &str) {
        let Some(i) = self.group_index(from) else {
            return;
        };
        match self.group_index(to) {
            None => self.groups[i].name = to.to_string(),
            Some(j) if j != i => {
                let g = self.groups.remove(i);
                let j = if j > i { j - 1 } else { j };
                self.groups[j].comments.extend(g.comments);
                self.groups[j].lines.extend(g.lines);
            }
            Some(_) => {}
        }
    }

    /// Keys of a group in first-seen order.
    pub fn list_keys(&self, group: &str) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        if let Some(g) = self.group(group) {
            for l in &g.lines {
                if !l.comment && !v.contains(&l.key.as_str()) {
                    v.push(&l.key);
                }
            }
        }
        v
    }

    /// The raw last value.
    pub fn lookup_last(&self, group: &str, key: &str) -> Option<&str> {
        self.group(group)?
            .lines
            .iter()
            .rev()
            .find(|l| !l.comment && l.key == key)
            .map(|l| l.value.as_str())
    }

    pub fn has_key(&self, group: &str, key: &str) -> bool {
        self.lookup_last(group, key).is_some()
    }

    /// podman's `Lookup`: last value, right-trimmed, one pair of `"` removed.
    pub fn lookup(&self, group: &str, key: &str) -> Option<String> {
        let v = self.lookup_last(group, key)?.trim_end();
        let v = match self.rules.quotes {
            Quotes::Keep => v,
            Quotes::TrimAll => v.trim_matches('"'),
            Quotes::Pair if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') => {
                &v[1..v.len() - 1]
            }
            Quotes::Pair => v,
        };
        Some(v.to_string())
    }

    fn split_exec(&self, v: &str) -> Result<Vec<String>, SplitError> {
        if self.rules.octal_v4 {
            split::split_exec_v4(v)
        } else {
            split::split_exec(v)
        }
    }

    /// `Lookup` with an empty value treated as absent.
    pub fn lookup_nonempty(&self, group: &str, key: &str) -> Option<String> {
        self.lookup(group, key).filter(|v| !v.is_empty())
    }

    pub fn lookup_bool(&self, group: &str, key: &str) -> Option<bool> {
        self.lookup(group, key)
            .map(|v| crate::model::parse_bool(&v))
    }

    pub fn lookup_bool_or(&self, group: &str, key: &str, default: bool) -> bool {
        self.lookup_bool(group, key).unwrap_or(default)
    }

    /// podman's `LookupUint32` (strtol-like; invalid or out of range →
    /// default).
    pub fn lookup_u32(&self, group: &str, key: &str, default: u32) -> u32 {
        let Some(v) = self.lookup(group, key) else {
            return default;
        };
        match convert_number(&v) {
            Some(n) if (0..=u32::MAX as i64).contains(&n) => n as u32,
            _ => default,
        }
    }

    /// podman's `LookupAll`: every value, an empty one resets the list.
    pub fn lookup_all(&self, group: &str, key: &str) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(g) = self.group(group) {
            for l in &g.lines {
                if !l.comment && l.key == key {
                    if l.value.is_empty() {
                        v.clear();
                    } else {
                        v.push(l.value.clone());
                    }
                }
            }
        }
        v
    }

    /// podman's `LookupAllStrv`: list splitting; a value that fails to
    /// split contributes nothing.
    pub fn lookup_all_strv(&self, group: &str, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.lookup_all(group, key) {
            if let Ok(words) = split::split_strv(&v) {
                out.extend(words);
            }
        }
        out
    }

    /// podman's `LookupAllArgs`: exec splitting; a value that fails to split
    /// is dropped silently.
    pub fn lookup_all_args(&self, group: &str, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.lookup_all(group, key) {
            if let Ok(words) = self.split_exec(&v) {
                out.extend(words);
            }
        }
        out
    }

    /// podman's `LookupLastArgs`.
    pub fn lookup_last_args(
        &self,
        group: &str,
        key: &str,
    ) -> Result<Option<Vec<String>>, SplitError> {
        match self.lookup_last(group, key) {
            None => Ok(None),
            Some(v) => self.split_exec(v).map(Some),
        }
    }

    /// podman's `LookupAllKeyVal`: `K=V` words, later keys win; returns the
    /// map (sorted by key) and the split errors.
    #[allow(clippy::type_complexity)]
    pub fn lookup_all_key_val(
        &self,
        group: &str,
        key: &str,
    ) -> (BTreeMap<String, Option<String>>, Vec<SplitError>) {
        let mut map = BTreeMap::new();
        let mut errs = Vec::new();
        for v in self.lookup_all(group, key) {
            match self.split_exec(&v) {
                Ok(words) => {
                    for w in words {
                        match w.split_once('=') {
                            Some((k, val)) => map.insert(k.to_string(), Some(val.to_string())),
                            None if self.rules.bare_keys => map.insert(w, None),
                            None => None,
                        };
                    }
                }
                Err(e) => errs.push(e),
            }
        }
        (map, errs)
    }

    pub fn add(&mut self, group: &str, key: &str, value: &str) {
        self.ensure_group(group)
            .lines
            .push(ULine::entry(key, value));
    }

    /// Replaces the last value of a key, or adds it.
    pub fn set(&mut self, group: &str, key: &str, value: &str) {
        let g = self.ensure_group(group);
        match g.find_last_mut(key) {
            Some(l) => {
                l.value = value.to_string();
                l.raw = None;
            }
            None => g.lines.push(ULine::entry(key, value)),
        }
    }

    pub fn unset(&mut self, group: &str, key: &str) {
        if let Some(i) = self.group_index(group) {
            self.groups[i].lines.retain(|l| l.comment || l.key != key);
        }
    }

    /// Adds a value, quoting it as one word when needed.
    pub fn add_escaped(&mut self, group: &str, key: &str, value: &str) {
        let v = split::escape_word(value);
        self.add(group, key, &v);
    }

    pub fn add_cmdline(&mut self, group: &str, key: &str, args: &[String]) {
        let v = split::escape_words_with(args, self.rules.raw_space);
        self.add(group, key, &v);
    }

    pub fn prepend_line(&mut self, group: &str, key: &str, value: &str) {
        let g = if group.is_empty() && !self.groups.is_empty() {
            &mut self.groups[0]
        } else {
            self.ensure_group(group)
        };
        g.lines.insert(0, ULine::entry(key, value));
    }

    /// The text podman writes for this unit.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (i, g) in self.groups.iter().enumerate() {
            if i != 0 {
                out.push('\n');
            }
            for c in &g.comments {
                out.push_str(&c.value);
                out.push('\n');
            }
            if g.name.is_empty() {
                continue;
            }
            out.push('[');
            out.push_str(&g.name);
            out.push_str("]\n");
            for l in &g.lines {
                if !l.comment {
                    out.push_str(&l.key);
                    out.push('=');
                }
                out.push_str(l.raw.as_deref().unwrap_or(&l.value));
                out.push('\n');
            }
        }
        out
    }

    /// `(base, instance, is_template_or_instance)` from the file name.
    pub fn template_parts(&self) -> (String, String, bool) {
        let base = match self.filename.rfind('.') {
            Some(p) => &self.filename[..p],
            None => self.filename.as_str(),
        };
        match base.split_once('@') {
            Some((a, b)) => (a.to_string(), b.to_string(), true),
            None => (base.to_string(), String::new(), false),
        }
    }
}

/// The value as podman reads it: podman skips only ASCII blanks after the
/// `=` (it tests single bytes), so a leading no-break or ideographic space
/// stays part of the value.
fn go_value(text: &str, entry: &syntax::Entry) -> String {
    const BLANKS: [char; 6] = [' ', '\t', '\n', '\u{b}', '\u{c}', '\r'];
    if let [only] = entry.pieces.as_slice() {
        let line = text.get(only.doc.start..only.doc.end).unwrap_or("");
        if let Some(eq) = line.find('=') {
            return line[eq + 1..].trim_start_matches(BLANKS).to_string();
        }
    }
    let mut joined = String::new();
    for p in &entry.pieces {
        joined.push_str(text.get(p.doc.start..p.doc.end).unwrap_or(""));
    }
    match joined.find('=') {
        Some(eq) => joined[eq + 1..].trim_start_matches(BLANKS).to_string(),
        None => entry.value.clone(),
    }
}

/// The raw value of a continued entry by podman 4's rules: the text after
/// the `=` with its leading blanks skipped, backslash-newlines included.
fn go_value_raw(text: &str, entry: &syntax::Entry) -> String {
    const BLANKS: [char; 6] = [' ', '\t', '\n', '\u{b}', '\u{c}', '\r'];
    let line = text.get(entry.span.start..entry.span.end).unwrap_or("");
    match line.find('=') {
        Some(eq) => line[eq + 1..].trim_start_matches(BLANKS).to_string(),
        None => entry.value.clone(),
    }
}

fn not_kv(nr: usize, line: &str) -> String {
    format!("file contains line {nr}: \u{201c}{line}\u{201d} which is not a key-value pair, group, or comment")
}

/// The joined logical text of the error lines starting at physical line `i`.
fn joined(text: &str, doc: &syntax::Document, i: usize, e: usize) -> String {
    let mut s = String::new();
    let n = doc.lines.len();
    let mut j = i;
    while j < n {
        let l = &doc.lines[j];
        let t = text.get(l.trimmed.start..l.trimmed.end).unwrap_or("");
        match l.kind {
            LineKind::Error(x) if x == e => {
                let cont = t.ends_with('\\');
                s.push_str(t.strip_suffix('\\').unwrap_or(t));
                if !cont || j + 1 == n {
                    break;
                }
            }
            LineKind::Blank | LineKind::Comment(_) => {}
            _ => break,
        }
        j += 1;
    }
    s
}

fn last_line_of(doc: &syntax::Document, i: usize, e: usize) -> usize {
    let mut last = i;
    for (j, l) in doc.lines.iter().enumerate().skip(i) {
        match l.kind {
            LineKind::Error(x) if x == e => last = j,
            LineKind::Blank | LineKind::Comment(_) => {}
            _ => break,
        }
    }
    last
}

/// strtol-like number parsing as podman does it (`0x` hex, leading-0 octal,
/// sign).
fn convert_number(v: &str) -> Option<i64> {
    let (neg, body) = if let Some(r) = v.strip_prefix('+') {
        (false, r)
    } else if let Some(r) = v.strip_prefix('-') {
        (true, r)
    } else {
        (false, v)
    };
    let n = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if body.starts_with('0') {
        i64::from_str_radix(body, 8).ok()?
    } else {
        body.parse::<i64>().ok()?
    };
    // podman multiplies by -11 for negatives (a typo); any negative is
    // rejected by the callers anyway.
    Some(if neg { n.saturating_mul(-11) } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_comments_and_merges_groups() {
        let text = "# head\n\n[Unit]\nA=1\n# in unit\n\n[Container]\nImage=x\n[Unit]\nB=2\n";
        let f = UnitFile::parse(text, "a.container", "/a.container").unwrap();
        // Comments before a header belong to that group; one blank line
        // right after them is absorbed (podman re-adds one between groups);
        // the second [Unit] merges into the first.
        assert_eq!(
            f.to_text(),
            "# head\n\n[Unit]\nA=1\nB=2\n\n# in unit\n\n[Container]\nImage=x\n"
        );
    }

    #[test]
    fn continuation_drops_inner_comments() {
        let text = "[Container]\nExec=a \\\n# c\n  b\n";
        let f = UnitFile::parse(text, "a.container", "/a").unwrap();
        assert_eq!(f.lookup("Container", "Exec").as_deref(), Some("a b"));
        assert_eq!(f.to_text(), "[Container]\nExec=a b\n");
    }

    #[test]
    fn errors_use_podman_messages() {
        let e = UnitFile::parse("[A]\nfoo\n", "a.container", "/a").unwrap_err();
        assert_eq!(
            e.0,
            "file contains line 2: \u{201c}foo\u{201d} which is not a key-value pair, group, or comment"
        );
        let e = UnitFile::parse("K=v\n", "a.container", "/a").unwrap_err();
        assert_eq!(e.0, "key file does not start with a group");
    }
}
