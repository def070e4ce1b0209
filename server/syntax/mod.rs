//! Lossless unit-file parser.
//!
//! It follows the rules of podman's unit parser (which differ from
//! systemd's in places, see `schemas/README.md`): by default those of
//! podman 5.4 and later, or, with [`Dialect::V4`], those of the parser podman
//! used before 5.4 (see [`parse_with`]). It never fails: every
//! problem becomes a [`SyntaxError`] and parsing goes on with the next line,
//! so later stages always get a document to work on.
//!
//! Every byte of the input is covered by exactly one [`Line`]; each line has a
//! [`LineKind`] and a byte range. Logical entries (keys with their values,
//! joined over `\` continuations) keep the byte ranges of all their pieces.

mod span;

pub use span::Span;

/// One physical line of the input (without its `\n`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The whole line, without the trailing `\n` (a `\r` is kept).
    pub span: Span,
    /// The line with surrounding whitespace trimmed, as podman sees it.
    pub trimmed: Span,
    pub kind: LineKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Empty after trimming.
    Blank,
    /// `#` or `;` comment. The index is into [`Document::comments`].
    Comment(usize),
    /// `[Name]`. The index is into [`Document::headers`].
    Header(usize),
    /// The first line of an entry. The index is into [`Document::entries`].
    Entry(usize),
    /// A later line of an entry joined by `\` continuation.
    Continuation(usize),
    /// A line podman rejects. The index is into [`Document::errors`].
    Error(usize),
}

/// A section header occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    /// `[Name]` including the brackets.
    pub span: Span,
    /// `Name` without the brackets.
    pub name_span: Span,
    /// Index into [`Document::sections`] (headers with the same name merge).
    pub section: usize,
}

/// A `Key=Value` entry, possibly spread over several physical lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key, right-trimmed.
    pub key: String,
    /// The value, left-trimmed, with continuation pieces joined without a
    /// separator (podman's rule).
    pub value: String,
    pub key_span: Span,
    /// From the first to the last byte of the value. Empty values get an
    /// empty span just after the `=`.
    pub value_span: Span,
    /// From the first byte of the key to the last byte of the value.
    pub span: Span,
    /// The trimmed text pieces that make up the logical line, in order, each
    /// with its byte offset in the logical line and its range in the document.
    pub pieces: Vec<Piece>,
    /// Offset of the value inside the logical line.
    pub value_offset: usize,
    /// Index into [`Document::sections`], or `None` for a key before any
    /// section (which is an error).
    pub section: Option<usize>,
}

/// A piece of a logical line: `len` bytes starting at `logical` in the joined
/// line come from `doc` in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub logical: usize,
    pub doc: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// True for comment lines inside a `\` continuation, which podman drops.
    pub in_continuation: bool,
}

/// A merged section: all headers with the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    /// Indices into [`Document::headers`], in file order.
    pub headers: Vec<usize>,
    /// Indices into [`Document::entries`], in file order.
    pub entries: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The file starts with a UTF-8 byte-order mark, which podman does not strip.
    ByteOrderMark,
    /// A line that is neither a comment, a section header nor a key.
    NotKeyValue,
    /// `[]` or a name with `[`, `]` or a control character.
    InvalidSectionName,
    /// A key before the first section header.
    KeyBeforeSection,
    /// A `\` continuation still pending at the end of the file behind
    /// comments: podman silently drops its text.
    LostContinuation,
    /// A key that starts with a blank ([`Dialect::V4`] only: its last line
    /// is not trimmed when the file does not end with a newline).
    InvalidKeyName,
    /// A continuation podman's pre-5.4 parser never gets past: it loops
    /// forever ([`Dialect::V4`] only).
    ParserLoop,
}

/// Which podman release's line rules a file is parsed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Dialect {
    /// podman 5.4 and later: `#` and `;` start a comment; a line ending in
    /// `\` is joined with the next one without a separator, comment lines
    /// inside a continuation are dropped.
    #[default]
    Current,
    /// podman 4.4 to 5.3: `#` and `:` start a comment (`;` does not). Only a
    /// `Key=Value` line continues; the following lines are taken as they
    /// are (their indentation stays in the value, a comment line becomes
    /// part of it); a continued line that is indented or has blanks after
    /// its `\`, or is followed by a blank line, makes podman loop forever;
    /// and the last line of a file without a final newline is not trimmed.
    V4,
}

impl Dialect {
    /// The dialect of a podman release (`major`, `minor`).
    pub fn for_release(major: u16, minor: u16) -> Dialect {
        if (major, minor) < (5, 4) {
            Dialect::V4
        } else {
            Dialect::Current
        }
    }

    fn is_comment(self, line: &str) -> bool {
        let mark = match self {
            Dialect::Current => ';',
            Dialect::V4 => ':',
        };
        line.is_empty() || line.starts_with('#') || line.starts_with(mark)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    /// 1-based line number, as podman reports it.
    pub line: usize,
    pub message: String,
}

/// The result of parsing one unit file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub lines: Vec<Line>,
    pub headers: Vec<Header>,
    pub entries: Vec<Entry>,
    pub comments: Vec<Comment>,
    pub sections: Vec<Section>,
    pub errors: Vec<SyntaxError>,
    /// The rules the document was parsed by.
    pub dialect: Dialect,
}

impl Document {
    /// The merged section with this exact name.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The entries of a section, in order.
    pub fn section_entries<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Entry> + 'a {
        let entries = &self.entries;
        self.section(name)
            .into_iter()
            .flat_map(move |s| s.entries.iter().map(move |&i| &entries[i]))
    }

    /// All entries with this key in this section, in order.
    pub fn all<'a, 'k>(
        &'a self,
        section: &str,
        key: &'k str,
    ) -> impl Iterator<Item = &'a Entry> + use<'a, 'k> {
        self.section_entries(section).filter(move |e| e.key == key)
    }

    /// The last entry with this key in this section.
    pub fn last<'a>(&'a self, section: &str, key: &str) -> Option<&'a Entry> {
        self.all(section, key).last()
    }

    /// The index of the physical line containing `offset`.
    pub fn line_at(&self, offset: usize) -> Option<usize> {
        let i = self.lines.partition_point(|l| l.span.end < offset);
        (i < self.lines.len()).then_some(i)
    }

    /// The section whose body contains `offset`: the name of the closest
    /// header above it. `None` before the first header.
    pub fn section_at(&self, offset: usize) -> Option<&str> {
        let line = self.line_at(offset)?;
        self.lines[..=line].iter().rev().find_map(|l| match l.kind {
            LineKind::Header(h) => Some(self.headers[h].name.as_str()),
            _ => None,
        })
    }

    /// The entry whose range (key through value, all pieces) contains
    /// `offset`, end inclusive.
    pub fn entry_at(&self, offset: usize) -> Option<usize> {
        let line = self.line_at(offset)?;
        match self.lines[line].kind {
            LineKind::Entry(e) | LineKind::Continuation(e) => Some(e),
            _ => None,
        }
    }
}

impl Entry {
    /// Maps a byte offset inside the logical line to a document offset.
    /// Offsets past the end map to the end of the last piece.
    pub fn logical_to_doc(&self, logical: usize) -> usize {
        logical_to_doc(&self.pieces, self.span.end, logical)
    }

    /// Maps a byte range inside the value to a document range. On a
    /// single-line value this is an exact shift; across continuation lines it
    /// covers the pieces in between.
    pub fn value_range(&self, start: usize, end: usize) -> Span {
        let s = self.logical_to_doc(self.value_offset + start);
        let e = if end > start {
            self.logical_to_doc(self.value_offset + end - 1) + 1
        } else {
            s
        };
        Span::new(s, e.max(s))
    }

    /// Whether the entry spans more than one physical line.
    pub fn is_continued(&self) -> bool {
        self.pieces.len() > 1
    }

    /// Maps a document offset inside the entry back to an offset inside the
    /// value, if it falls on the value.
    pub fn doc_to_value(&self, offset: usize) -> Option<usize> {
        for p in &self.pieces {
            if offset >= p.doc.start && offset <= p.doc.end {
                let logical = p.logical + (offset - p.doc.start);
                return logical.checked_sub(self.value_offset);
            }
        }
        None
    }
}

/// Maps a byte offset inside a logical line made of `pieces` to a document
/// offset; offsets past the end map to the end of the last piece (or to
/// `end` when there is none).
fn logical_to_doc(pieces: &[Piece], end: usize, logical: usize) -> usize {
    let mut last = end;
    for p in pieces {
        if logical < p.logical + p.doc.len() {
            return p.doc.start + logical.saturating_sub(p.logical);
        }
        last = p.doc.end;
    }
    last
}

fn is_group(line: &str) -> bool {
    if !line.starts_with('[') {
        return false;
    }
    match line.find(']') {
        Some(end) => line[end + 1..].bytes().all(|b| b == b' ' || b == b'\t'),
        None => false,
    }
}

fn is_key_value(line: &str) -> bool {
    matches!(line.find('='), Some(p) if p > 0)
}

fn group_name_valid(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c == '[' || c == ']' || c.is_control())
}

/// Parses a unit file by the current rules. Never fails.
pub fn parse(text: &str) -> Document {
    parse_with(text, Dialect::Current)
}

/// Parses a unit file by a release's rules. Never fails.
pub fn parse_with(text: &str, dialect: Dialect) -> Document {
    let mut p = Parser::new(text);
    p.doc.dialect = dialect;
    match dialect {
        Dialect::Current => p.run(),
        Dialect::V4 => p.run_v4(),
    }
}

struct Parser<'a> {
    text: &'a str,
    doc: Document,
    current: Option<usize>,
}

/// The physical lines of a text: `(line, trimmed)` spans, after podman drops
/// one final newline.
fn physical_lines(text: &str) -> Vec<(Span, Span)> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut physical: Vec<(Span, Span)> = Vec::new();
    let mut start = 0usize;
    for part in body.split('\n') {
        let span = Span::new(start, start + part.len());
        let lead = part.len() - part.trim_start().len();
        let trimmed_len = part.trim().len();
        let trimmed = if trimmed_len == 0 {
            Span::new(
                span.start + lead.min(part.len()),
                span.start + lead.min(part.len()),
            )
        } else {
            Span::new(span.start + lead, span.start + lead + trimmed_len)
        };
        physical.push((span, trimmed));
        start += part.len() + 1;
    }
    physical
}

/// A logical line being assembled from continuation pieces.
#[derive(Default)]
struct Pending {
    joined: String,
    pieces: Vec<Piece>,
    lines: Vec<usize>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            doc: Document::default(),
            current: None,
        }
    }

    fn run(mut self) -> Document {
        let text = self.text;
        // podman drops exactly one trailing newline, then splits on '\n'.
        let mut physical = physical_lines(text);
        self.byte_order_mark(&mut physical);

        let count = physical.len();
        let mut pending = Pending::default();
        for (nr, &(span, trimmed)) in physical.iter().enumerate() {
            let line_idx = self.doc.lines.len();
            let s = &text[trimmed.start..trimmed.end];
            self.doc.lines.push(Line {
                span,
                trimmed,
                kind: LineKind::Blank,
            });
            if self.doc.dialect.is_comment(s) {
                let in_cont = !pending.joined.is_empty();
                if s.is_empty() {
                    // stays Blank
                } else {
                    let c = self.doc.comments.len();
                    self.doc.comments.push(Comment {
                        span: trimmed,
                        in_continuation: in_cont,
                    });
                    self.doc.lines[line_idx].kind = LineKind::Comment(c);
                }
                continue;
            }
            let (piece_text, piece_span) = match s.strip_suffix('\\') {
                Some(head) => (head, Span::new(trimmed.start, trimmed.start + head.len())),
                None => (s, trimmed),
            };
            pending.pieces.push(Piece {
                logical: pending.joined.len(),
                doc: piece_span,
            });
            pending.joined.push_str(piece_text);
            pending.lines.push(line_idx);
            if s.ends_with('\\') && nr != count - 1 {
                if pending.joined.is_empty() {
                    // podman only tracks a continuation by its text: an empty
                    // piece is forgotten.
                    pending = Pending::default();
                }
                continue;
            }
            let logical = std::mem::take(&mut pending);
            self.logical_line(logical, nr + 1);
        }
        if !pending.joined.is_empty() {
            let first = pending.pieces[0].doc.start;
            let last = pending.pieces.last().map_or(first, |p| p.doc.end);
            let line = pending.lines.first().map_or(0, |&l| l + 1);
            let e = self.error(
                SyntaxErrorKind::LostContinuation,
                Span::new(first, last),
                line,
                "this line ends in a `\\` continuation, but only comments follow it: podman drops its text".into(),
            );
            for &l in &pending.lines {
                self.doc.lines[l].kind = LineKind::Error(e);
            }
        }
        self.doc
    }

    /// Reports a leading byte-order mark and parses line 1 as if it were
    /// absent.
    fn byte_order_mark(&mut self, physical: &mut [(Span, Span)]) {
        let text = self.text;
        if !text.starts_with('\u{feff}') {
            return;
        }
        self.error(
            SyntaxErrorKind::ByteOrderMark,
            Span::new(0, 3),
            1,
            "the file starts with a UTF-8 byte-order mark, which podman rejects".into(),
        );
        if let Some((span, trimmed)) = physical.first_mut() {
            let rest = &text[3..span.end];
            let lead = rest.len() - rest.trim_start().len();
            let len = rest.trim().len();
            *trimmed = Span::new(3 + lead, 3 + lead + len);
        }
    }

    /// The pre-5.4 parser ([`Dialect::V4`]). podman read a line up to its
    /// newline and trimmed it; a `Key=Value` line ending in `\\` was then
    /// extended by searching for the next newline from the trimmed line's
    /// length on, and re-trimming everything from the logical line's start.
    /// That only advances when the text read so far had nothing to trim;
    /// otherwise the same line is read again forever. The logical value is
    /// the raw text with each backslash-newline removed.
    fn run_v4(mut self) -> Document {
        let text = self.text;
        let bytes = text.as_bytes();
        let n = text.len();
        let mut physical = physical_lines(text);
        if !text.ends_with('\n') {
            // The last line is returned as it is, untrimmed.
            if let Some((span, trimmed)) = physical.last_mut() {
                *trimmed = *span;
            }
        }
        self.byte_order_mark(&mut physical);
        for &(span, trimmed) in &physical {
            self.doc.lines.push(Line {
                span,
                trimmed,
                kind: LineKind::Blank,
            });
        }
        let count = physical.len();
        let newline_from = |at: usize| {
            bytes
                .get(at..)
                .and_then(|r| r.iter().position(|&b| b == b'\n'))
        };
        let mut first = 0usize;
        let mut pos = 0usize;
        while first < count && pos < n {
            let (span0, trimmed0) = physical[first];
            let orig = span0.start;
            // The first read: up to the newline, trimmed (untrimmed at EOF).
            let mut next = match newline_from(orig) {
                Some(i) => orig + i + 1,
                None => n,
            };
            let mut line = trimmed0;
            let mut used = 1usize;
            let mut looped = false;
            if is_key_value(line.slice(text)) {
                while next < n && line.slice(text).ends_with('\\') {
                    let after = orig + line.len() + 1;
                    let (l2, n2) = match newline_from(after) {
                        Some(i) => {
                            let raw = &text[orig..after + i];
                            let lead = raw.len() - raw.trim_start().len();
                            let len = raw.trim().len();
                            (Span::new(orig + lead, orig + lead + len), after + i + 1)
                        }
                        None => (Span::new(orig, n), n),
                    };
                    if l2 == line && n2 == next {
                        looped = true;
                        break;
                    }
                    line = l2;
                    next = n2;
                    used += 1;
                }
            }
            let lines: Vec<usize> = (first..(first + used).min(count)).collect();
            let single = line.slice(text);
            if used == 1 && Dialect::V4.is_comment(single) {
                if !single.is_empty() {
                    let c = self.doc.comments.len();
                    self.doc.comments.push(Comment {
                        span: line,
                        in_continuation: false,
                    });
                    self.doc.lines[first].kind = LineKind::Comment(c);
                }
            } else if looped {
                let e = self.error(
                    SyntaxErrorKind::ParserLoop,
                    Span::new(line.start, physical[lines[lines.len() - 1]].0.end),
                    first + 1,
                    "podman before 5.4 never gets past this continuation: the line is indented, has blanks after its `\\`, or is followed by a blank line".into(),
                );
                self.mark(&lines, LineKind::Error(e));
            } else {
                let mut p = Pending::default();
                for (k, &l) in lines.iter().enumerate() {
                    let (span, trimmed) = physical[l];
                    let last = k + 1 == lines.len();
                    // The first piece starts where the trimmed line does, the
                    // others keep their indentation; every piece but the last
                    // loses its trailing backslash.
                    let start = if k == 0 { trimmed.start } else { span.start };
                    let end = if last {
                        line.end.max(start)
                    } else {
                        trimmed.end.saturating_sub(1).max(start)
                    };
                    p.pieces.push(Piece {
                        logical: p.joined.len(),
                        doc: Span::new(start, end),
                    });
                    p.joined.push_str(&text[start..end]);
                    p.lines.push(l);
                }
                if !p.lines.is_empty() {
                    self.logical_line(p, first + 1);
                }
            }
            first += used;
            pos = next;
        }
        self.doc
    }

    fn error(&mut self, kind: SyntaxErrorKind, span: Span, line: usize, message: String) -> usize {
        self.doc.errors.push(SyntaxError {
            kind,
            span,
            line,
            message,
        });
        self.doc.errors.len() - 1
    }

    fn logical_line(&mut self, p: Pending, line_nr: usize) {
        let text = p.joined.as_str();
        let whole = Span::new(
            p.pieces.first().map_or(0, |x| x.doc.start),
            p.pieces.last().map_or(0, |x| x.doc.end),
        );
        let first_line = p.lines[0];
        if self.doc.dialect.is_comment(text) {
            // An empty logical line (a lone `\` on the last line).
            return;
        }
        if is_group(text) {
            let end = text.find(']').unwrap_or(text.len());
            let name = &text[1..end];
            // The brackets and the name may be spread over continuation
            // lines: map the logical offsets through the pieces.
            let at = |logical: usize| logical_to_doc(&p.pieces, whole.end, logical);
            let name_end = if end > 1 { at(end - 1) + 1 } else { at(1) };
            let name_span = Span::new(at(1).min(name_end), name_end);
            // Blank continuation lines after the `]` belong to the header
            // too: its span reaches the end of the last one.
            let close = at(end) + 1;
            let last_piece = p.pieces.last().map_or(close, |x| x.doc.start);
            let header_end = if last_piece > close { whole.end } else { close };
            let header_span = Span::new(whole.start, header_end);
            if !group_name_valid(name) {
                self.reject(
                    SyntaxErrorKind::InvalidSectionName,
                    header_span,
                    line_nr,
                    format!("invalid section name `{name}`"),
                    &p.lines,
                );
                return;
            }
            let section = match self.doc.sections.iter().position(|s| s.name == name) {
                Some(i) => i,
                None => {
                    self.doc.sections.push(Section {
                        name: name.to_string(),
                        headers: vec![],
                        entries: vec![],
                    });
                    self.doc.sections.len() - 1
                }
            };
            let h = self.doc.headers.len();
            self.doc.headers.push(Header {
                name: name.to_string(),
                span: header_span,
                name_span,
                section,
            });
            self.doc.sections[section].headers.push(h);
            self.current = Some(section);
            self.mark(&p.lines, LineKind::Header(h));
            return;
        }
        if is_key_value(text) {
            let eq = text.find('=').unwrap_or(0);
            let key = text[..eq].trim_end();
            // Before 5.4 only the first line's blanks after `=` are skipped
            // (the continuation lines are raw text).
            let head = match self.doc.dialect {
                Dialect::V4 => p.pieces.first().map_or(text.len(), |x| x.doc.len()),
                Dialect::Current => text.len(),
            };
            let after = &text[eq + 1..head.max(eq + 1)];
            let value_offset = eq + 1 + (after.len() - after.trim_start().len());
            let value = &text[value_offset..];
            if self.current.is_some() && key.starts_with(' ') {
                self.reject(
                    SyntaxErrorKind::InvalidKeyName,
                    whole,
                    line_nr,
                    format!("the key `{key}` starts with a blank"),
                    &p.lines,
                );
                return;
            }
            let mut entry = Entry {
                key: key.to_string(),
                value: value.to_string(),
                key_span: Span::default(),
                value_span: Span::default(),
                span: whole,
                pieces: p.pieces.clone(),
                value_offset,
                section: self.current,
            };
            entry.key_span = Span::new(
                whole.start,
                entry.logical_to_doc(key.len().saturating_sub(1)) + usize::from(!key.is_empty()),
            );
            entry.value_span = if value.is_empty() {
                let at = entry.logical_to_doc(eq) + 1;
                Span::new(at, at)
            } else {
                entry.value_range(0, value.len())
            };
            let idx = self.doc.entries.len();
            self.doc.entries.push(entry);
            match self.current {
                Some(s) => self.doc.sections[s].entries.push(idx),
                None => {
                    let span = self.doc.entries[idx].key_span;
                    self.error(
                        SyntaxErrorKind::KeyBeforeSection,
                        span,
                        line_nr,
                        format!("`{key}=` comes before any [Section] header"),
                    );
                }
            }
            self.doc.lines[first_line].kind = LineKind::Entry(idx);
            for &l in &p.lines[1..] {
                self.doc.lines[l].kind = LineKind::Continuation(idx);
            }
            return;
        }
        let message = if text.starts_with('[') && text.contains(']') {
            "a section header must stand alone on its line (comments go on their own line)"
                .to_string()
        } else if text.starts_with('=') {
            "this line has no key before its `=`".to_string()
        } else {
            "this line is not a `Key=Value` pair, a [Section] header or a comment".to_string()
        };
        self.reject(
            SyntaxErrorKind::NotKeyValue,
            whole,
            line_nr,
            message,
            &p.lines,
        );
    }

    /// Records an error and marks its lines.
    fn reject(
        &mut self,
        kind: SyntaxErrorKind,
        span: Span,
        line: usize,
        message: String,
        lines: &[usize],
    ) {
        let e = self.error(kind, span, line, message);
        self.mark(lines, LineKind::Error(e));
    }

    fn mark(&mut self, lines: &[usize], kind: LineKind) {
        for &l in lines {
            self.doc.lines[l].kind = kind;
        }
    }
}

#[cfg(test)]
mod tests;
