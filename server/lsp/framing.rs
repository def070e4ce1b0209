//! The stdio framing, read by us in front of `lsp-server`: headers, a body,
//! and the JSON-RPC checks, over any [`BufRead`].
//!
//! [`FrameReader`] never fails and never panics. It yields
//! [`Frame::Message`] for each good message and [`Frame::Problem`] for each
//! thing wrong with the stream (a line for stderr, and the JSON-RPC error to
//! send back when there is one to send). It ends (`None`) at the end of the
//! input, including in the middle of a message.
//!
//! What it does with bad input:
//! - a body that is not JSON: a `-32700` reply with `id: null`;
//! - JSON that is not a JSON-RPC message: `-32600`, with the message's `id`
//!   when it has a readable one;
//! - headers other than `Content-Length` (`Content-Type` and the rest) are
//!   accepted and ignored; a charset other than UTF-8 is reported;
//! - a missing or non-numeric `Content-Length`, or one larger than the body
//!   that follows: the body is read as one JSON value (a body is one JSON
//!   value, so its end is found by tracking brackets and strings), and the
//!   next header is found where it starts;
//! - bytes between messages that are not a header are skipped up to the
//!   next `Content-Length:`;
//! - a body over the size limit is skipped without being stored, and
//!   answered `-32600`.
//!
//! Every call consumes input or returns `None`, so a loop over the reader
//! ends on any input.

use lsp_server::Message;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{self, BufRead};

/// The largest body accepted (64 MiB).
pub const MAX_MESSAGE: usize = 64 << 20;
/// The longest header line; a longer one is junk.
const MAX_HEADER_LINE: usize = 8 << 10;
/// What a message starts with (matched without regard to case).
const MARKER: &[u8] = b"content-length:";

/// One thing read from the stream.
#[derive(Debug)]
pub enum Frame {
    /// A well-formed JSON-RPC message.
    Message(Message),
    /// Something wrong with the stream; the reader goes on after it.
    Problem {
        /// What went wrong, for stderr.
        message: String,
        /// The JSON-RPC error response to send, if any.
        reply: Option<Value>,
    },
}

/// Reads frames from a byte stream. See the module documentation.
pub struct FrameReader<R> {
    inner: R,
    /// Bytes given back, read before `inner`.
    back: Vec<u8>,
    limit: usize,
    done: bool,
    queued: VecDeque<Frame>,
    /// Messages read so far (for the stderr lines).
    count: u64,
}

/// Where a body stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// At its `Content-Length`.
    Length,
    /// After one complete JSON value, before the length was reached.
    Value,
    /// At the start of the next message's header.
    Marker,
    /// At the end of the input.
    Eof,
}

impl<R: BufRead> FrameReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_MESSAGE)
    }

    /// A reader refusing bodies over `limit` bytes.
    pub fn with_limit(inner: R, limit: usize) -> Self {
        FrameReader {
            inner,
            back: Vec::new(),
            limit,
            done: false,
            queued: VecDeque::new(),
            count: 0,
        }
    }

    /// The next frame, or `None` at the end of the input.
    pub fn next_frame(&mut self) -> Option<Frame> {
        if let Some(f) = self.queued.pop_front() {
            return Some(f);
        }
        if self.done {
            return None;
        }
        self.read_message();
        let f = self.queued.pop_front();
        if f.is_none() {
            self.done = true;
        }
        f
    }

    /// The buffered bytes, reading more when none are left; empty at the
    /// end of the input (a read error counts as the end).
    fn peek(&mut self) -> &[u8] {
        if !self.back.is_empty() {
            return &self.back;
        }
        loop {
            match self.inner.fill_buf() {
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.queued
                        .push_back(problem(format!("read error: {e}"), None));
                    self.done = true;
                    return &[];
                }
            }
        }
        if self.done {
            return &[];
        }
        self.inner.fill_buf().unwrap_or(&[])
    }

    fn consume(&mut self, n: usize) {
        if !self.back.is_empty() {
            self.back.drain(..n.min(self.back.len()));
        } else {
            self.inner.consume(n);
        }
    }

    /// Reads one message (or one run of junk) and queues what it found.
    fn read_message(&mut self) {
        // Whitespace between messages is fine.
        loop {
            let chunk = self.peek();
            if chunk.is_empty() {
                return;
            }
            let n = chunk.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let all = n == chunk.len();
            self.consume(n);
            if !all {
                break;
            }
        }
        let first = self.count + 1;
        let mut length: Option<Result<u64, String>> = None;
        let mut lines = 0;
        loop {
            let (line, complete) = self.read_line();
            if !complete && line.is_empty() {
                if lines > 0 {
                    self.queued.push_back(problem(
                        format!("message {first}: the input ended in its headers"),
                        None,
                    ));
                }
                return;
            }
            if line.is_empty() {
                break;
            }
            lines += 1;
            match header(&line) {
                Some((name, value)) if complete => {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = Some(value.parse::<u64>().map_err(|_| value.to_string()));
                    } else if name.eq_ignore_ascii_case("content-type") {
                        if let Some(cs) = charset(value) {
                            self.queued.push_back(problem(
                                format!(
                                    "message {first}: charset `{cs}` in Content-Type; \
                                     reading the body as UTF-8"
                                ),
                                None,
                            ));
                        }
                    }
                }
                _ => {
                    self.skip_junk(&line, complete);
                    return;
                }
            }
        }
        self.count += 1;
        let n = self.count;
        let expected = match length {
            Some(Ok(len)) => Some(len),
            Some(Err(v)) => {
                self.queued.push_back(problem(
                    format!(
                        "message {n}: Content-Length `{v}` is not a number; \
                         reading the body as one JSON value"
                    ),
                    None,
                ));
                None
            }
            None => {
                self.queued.push_back(problem(
                    format!(
                        "message {n}: no Content-Length header; reading the body as one \
                         JSON value"
                    ),
                    None,
                ));
                None
            }
        };
        let too_big = expected.is_some_and(|e| e > self.limit as u64);
        let (body, len, end) = self.read_body(expected, !too_big);
        if end == End::Eof {
            let of = expected.map(|e| format!(" of {e}")).unwrap_or_default();
            self.queued.push_back(problem(
                format!("message {n}: the input ended after {len}{of} bytes of its body"),
                None,
            ));
            return;
        }
        if let Some(e) = expected {
            if end != End::Length {
                self.queued.push_back(problem(
                    format!(
                        "message {n}: Content-Length is {e} but the body is {len} bytes; \
                         reading those"
                    ),
                    None,
                ));
            }
        }
        let Some(body) = body else {
            let size = expected.unwrap_or(len as u64);
            self.queued.push_back(problem(
                format!(
                    "message {n}: {size} bytes is over the limit of {} bytes; skipped",
                    self.limit
                ),
                Some(error_reply(
                    Value::Null,
                    -32600,
                    &format!("message over the limit of {} bytes", self.limit),
                )),
            ));
            return;
        };
        let f = classify(&body);
        let f = match f {
            Frame::Problem { message, reply } => problem(format!("message {n}: {message}"), reply),
            m => m,
        };
        self.queued.push_back(f);
    }

    /// One header line without its line end, and whether it ended with a
    /// newline (false at the end of the input, or when it is too long).
    fn read_line(&mut self) -> (Vec<u8>, bool) {
        let mut line = Vec::new();
        loop {
            let chunk = self.peek();
            if chunk.is_empty() {
                return (line, false);
            }
            let room = MAX_HEADER_LINE + 2 - line.len();
            let take = chunk.len().min(room);
            match chunk[..take].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    line.extend_from_slice(&chunk[..i]);
                    self.consume(i + 1);
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    return (line, true);
                }
                None => {
                    line.extend_from_slice(&chunk[..take]);
                    self.consume(take);
                    if line.len() > MAX_HEADER_LINE {
                        return (line, false);
                    }
                }
            }
        }
    }

    /// Skips bytes that are not a header, starting with `seen` (already
    /// read, with its line end when `ended`), up to the next
    /// `Content-Length:` or the end of the input.
    fn skip_junk(&mut self, seen: &[u8], ended: bool) {
        let mut m = Matcher::default();
        // The first byte is junk whatever follows: skipping it is what
        // makes progress when the line starts with the marker.
        let mut skipped = 1.min(seen.len());
        let mut found = false;
        for &b in seen.iter().skip(skipped) {
            skipped += 1;
            if m.step(b) {
                found = true;
                break;
            }
        }
        if found {
            // Give back what follows the marker in `seen`.
            let rest = seen[skipped..].to_vec();
            let mut back = b"Content-Length:".to_vec();
            back.extend_from_slice(&rest);
            if ended {
                back.push(b'\n');
            }
            back.append(&mut self.back);
            self.back = back;
            skipped -= MARKER.len();
        } else {
            skipped += usize::from(ended);
            loop {
                let chunk = self.peek();
                if chunk.is_empty() {
                    break;
                }
                let mut used = chunk.len();
                for (i, &b) in chunk.iter().enumerate() {
                    if m.step(b) {
                        used = i + 1;
                        found = true;
                        break;
                    }
                }
                self.consume(used);
                skipped += used;
                if found {
                    let mut back = b"Content-Length:".to_vec();
                    back.append(&mut self.back);
                    self.back = back;
                    skipped -= MARKER.len();
                    break;
                }
            }
        }
        let next = if found {
            "up to the next Content-Length header"
        } else {
            "up to the end of the input"
        };
        self.queued.push_back(problem(
            format!("skipped {skipped} bytes that are not a message header, {next}"),
            None,
        ));
    }

    /// Reads a body: `expected` bytes when known, else one JSON value. The
    /// body is stored only when `store` and within the limit. Returns the
    /// stored bytes, the length read, and where it stopped.
    fn read_body(&mut self, expected: Option<u64>, store: bool) -> (Option<Vec<u8>>, usize, End) {
        let mut body: Option<Vec<u8>> = store.then(Vec::new);
        let mut len = 0usize;
        let mut scan = Scan::default();
        let limit = self.limit;
        loop {
            if expected == Some(len as u64) {
                return (body, len, End::Length);
            }
            let chunk = self.peek();
            if chunk.is_empty() {
                return (body, len, End::Eof);
            }
            let want = match expected {
                Some(e) => usize::try_from(e - len as u64)
                    .unwrap_or(usize::MAX)
                    .min(chunk.len()),
                None => chunk.len(),
            };
            let mut used = want;
            let mut stop = None;
            for (i, &b) in chunk[..want].iter().enumerate() {
                match scan.step(b) {
                    Step::Go => {}
                    Step::Before => {
                        used = i;
                        stop = Some(End::Value);
                        break;
                    }
                    Step::Marker => {
                        used = i + 1;
                        stop = Some(End::Marker);
                        break;
                    }
                }
            }
            let whole = used == chunk.len();
            if let Some(b) = &mut body {
                if b.len() + used > limit {
                    body = None;
                } else {
                    b.extend_from_slice(&chunk[..used]);
                }
            }
            self.consume(used);
            len += used;
            match stop {
                Some(End::Marker) => {
                    len -= MARKER.len().min(len);
                    if let Some(b) = &mut body {
                        b.truncate(len);
                    }
                    let mut back = b"Content-Length:".to_vec();
                    back.append(&mut self.back);
                    self.back = back;
                    return (body, len, End::Marker);
                }
                Some(end) => return (body, len, end),
                None => {}
            }
            // Everything buffered is read and the value is complete: the
            // rest of a too-large length is not coming.
            if whole && scan.complete && expected != Some(len as u64) {
                return (body, len, End::Value);
            }
        }
    }
}

impl<R: BufRead> Iterator for FrameReader<R> {
    type Item = Frame;
    fn next(&mut self) -> Option<Frame> {
        self.next_frame()
    }
}

/// Turns a body into a message, or the problem with it.
pub fn classify(body: &[u8]) -> Frame {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return problem(
                format!("the body is not JSON ({e}); answered -32700"),
                Some(error_reply(
                    Value::Null,
                    -32700,
                    &format!("parse error: {e}"),
                )),
            )
        }
    };
    // Only an id JSON-RPC allows is echoed (a string or an integer); a
    // fractional or huge number (`1e+27`) gets `null`.
    let id = match v.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(n)) if n.is_i64() || n.is_u64() => id.clone(),
        _ => Value::Null,
    };
    let invalid = |why: String| {
        problem(
            format!("not a JSON-RPC message: {why}; answered -32600"),
            Some(error_reply(
                id.clone(),
                -32600,
                &format!("invalid request: {why}"),
            )),
        )
    };
    let Some(obj) = v.as_object() else {
        return invalid("expected an object".into());
    };
    match obj.get("jsonrpc") {
        None => {}
        Some(Value::String(s)) if s == "2.0" => {}
        Some(other) => return invalid(format!("`jsonrpc` is {other}, expected \"2.0\"")),
    }
    match obj.get("id") {
        None | Some(Value::Null | Value::String(_)) => {}
        Some(Value::Number(n)) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {}
        Some(other) => return invalid(format!("unsupported id {other}")),
    }
    if let Some(m) = obj.get("method") {
        if !m.is_string() {
            return invalid("`method` is not a string".into());
        }
    }
    match serde_json::from_value::<Message>(v) {
        Ok(m) => Frame::Message(m),
        Err(e) => invalid(e.to_string()),
    }
}

/// A JSON-RPC error response.
pub fn error_reply(id: Value, code: i32, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// Writes one framed message.
pub fn write_frame(w: &mut impl io::Write, body: &str) -> io::Result<()> {
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(body.as_bytes())?;
    w.flush()
}

fn problem(message: String, reply: Option<Value>) -> Frame {
    Frame::Problem { message, reply }
}

/// `Name: value` with a token name.
fn header(line: &[u8]) -> Option<(&str, &str)> {
    let line = std::str::from_utf8(line).ok()?;
    let (name, value) = line.split_once(':')?;
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return None;
    }
    // `xContent-Length` is junk run into the next header.
    let lower = name.to_ascii_lowercase();
    if lower != "content-length" && lower.contains("content-length") {
        return None;
    }
    Some((name, value.trim()))
}

/// The charset of a Content-Type when it is not UTF-8.
fn charset(value: &str) -> Option<&str> {
    let cs = value
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))?
        .1
        .trim()
        .trim_matches('"');
    let utf8 = cs.eq_ignore_ascii_case("utf-8") || cs.eq_ignore_ascii_case("utf8");
    (!utf8).then_some(cs)
}

/// Finds [`MARKER`] in a byte stream, without regard to case.
#[derive(Default)]
struct Matcher(usize);

impl Matcher {
    fn step(&mut self, b: u8) -> bool {
        let b = b.to_ascii_lowercase();
        if b == MARKER[self.0] {
            self.0 += 1;
        } else {
            // No proper prefix of the marker repeats its first byte.
            self.0 = usize::from(b == MARKER[0]);
        }
        if self.0 == MARKER.len() {
            self.0 = 0;
            return true;
        }
        false
    }
}

enum Step {
    Go,
    /// The byte follows a complete value: the body ended before it.
    Before,
    /// The byte completes a header marker outside any string.
    Marker,
}

/// Tracks the shape of a JSON value byte by byte: enough to know where it
/// ends, not whether it is valid.
#[derive(Default)]
struct Scan {
    started: bool,
    /// Began with `{`, `[` or `"`: its end can be found.
    shaped: bool,
    depth: u64,
    in_str: bool,
    esc: bool,
    complete: bool,
    marker: Matcher,
}

impl Scan {
    fn step(&mut self, b: u8) -> Step {
        if self.complete {
            return if b.is_ascii_whitespace() {
                Step::Go
            } else {
                Step::Before
            };
        }
        if self.in_str {
            if self.esc {
                self.esc = false;
            } else if b == b'\\' {
                self.esc = true;
            } else if b == b'"' {
                self.in_str = false;
                self.complete = self.depth == 0;
            }
            return Step::Go;
        }
        if self.marker.step(b) {
            return Step::Marker;
        }
        if !self.started {
            if b.is_ascii_whitespace() {
                return Step::Go;
            }
            self.started = true;
            self.shaped = matches!(b, b'{' | b'[' | b'"');
        }
        if !self.shaped {
            return Step::Go;
        }
        match b {
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                self.complete = self.depth == 0;
            }
            b'"' => self.in_str = true,
            _ => {}
        }
        Step::Go
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        FrameReader::new(input).collect()
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#;

    /// A short description of each frame: `msg:METHOD`, `reply:CODE:ID`
    /// or `note`.
    fn kinds(fs: &[Frame]) -> Vec<String> {
        fs.iter()
            .map(|f| match f {
                Frame::Message(Message::Request(r)) => format!("msg:{}", r.method),
                Frame::Message(Message::Notification(n)) => format!("msg:{}", n.method),
                Frame::Message(Message::Response(r)) => format!("resp:{}", r.id),
                Frame::Problem { reply: Some(r), .. } => {
                    format!("reply:{}:{}", r["error"]["code"], r["id"])
                }
                Frame::Problem { .. } => "note".into(),
            })
            .collect()
    }

    #[test]
    fn good_messages_with_extra_headers() {
        let input = format!(
            "{}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nX-Other: 1\r\n{}",
            framed(PING),
            framed(PING)
        );
        assert_eq!(kinds(&frames(input.as_bytes())), ["msg:ping", "msg:ping"]);
    }

    #[test]
    fn header_case_and_bare_newlines() {
        let input = format!("content-length:{}\n\n{PING}", PING.len());
        assert_eq!(kinds(&frames(input.as_bytes())), ["msg:ping"]);
    }

    #[test]
    fn other_charset_is_reported() {
        let input = format!(
            "Content-Type: application/json; charset=latin1\r\n{}",
            framed(PING)
        );
        let fs = frames(input.as_bytes());
        assert_eq!(kinds(&fs), ["note", "msg:ping"]);
        assert!(matches!(&fs[0], Frame::Problem { message, .. } if message.contains("latin1")));
    }

    #[test]
    fn body_not_json_is_a_parse_error_with_null_id() {
        let input = format!("{}{}", framed("{not json"), framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["reply:-32700:null", "msg:ping"]
        );
    }

    #[test]
    fn json_but_not_json_rpc_is_an_invalid_request() {
        let cases = [
            (r#"[1,2]"#, "null"),
            (r#"42"#, "null"),
            (r#"{"jsonrpc":"1.0","id":3,"method":"x"}"#, "3"),
            (r#"{"jsonrpc":"2.0","id":"a","method":5}"#, "\"a\""),
            // not an id JSON-RPC allows: the reply says null
            (r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#, "null"),
            (r#"{"jsonrpc":"2.0","id":1e27,"method":"x"}"#, "null"),
            (
                r#"{"jsonrpc":"2.0","id":99999999999,"method":"x"}"#,
                "99999999999",
            ),
            (r#"{"jsonrpc":"2.0","id":4}"#, "4"),
            (r#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#, "null"),
        ];
        for (body, id) in cases {
            let input = format!("{}{}", framed(body), framed(PING));
            assert_eq!(
                kinds(&frames(input.as_bytes())),
                [format!("reply:-32600:{id}"), "msg:ping".into()],
                "{body}"
            );
        }
    }

    #[test]
    fn responses_and_notifications_pass() {
        let input = format!(
            "{}{}",
            framed(r#"{"jsonrpc":"2.0","id":"quadlet-ls/1","result":null}"#),
            framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
        );
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["resp:\"quadlet-ls/1\"", "msg:initialized"]
        );
    }

    #[test]
    fn missing_content_length_reads_one_value() {
        let input = format!("Content-Type: x\r\n\r\n{PING}{}", framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["note", "msg:ping", "msg:ping"]
        );
    }

    #[test]
    fn non_numeric_content_length() {
        for v in ["abc", "-1", "", "1e3", "99999999999999999999999"] {
            let input = format!("Content-Length: {v}\r\n\r\n{PING}{}", framed(PING));
            assert_eq!(
                kinds(&frames(input.as_bytes())),
                ["note", "msg:ping", "msg:ping"],
                "{v}"
            );
        }
    }

    #[test]
    fn content_length_larger_than_the_body() {
        // The next message follows at once.
        let input = format!("Content-Length: 500\r\n\r\n{PING}{}", framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["note", "msg:ping", "msg:ping"]
        );
        // Nothing follows: the value is complete when the input pauses.
        let input = format!("Content-Length: 500\r\n\r\n{PING}");
        assert_eq!(kinds(&frames(input.as_bytes())), ["note", "msg:ping"]);
        // A body that is not JSON, then the next header.
        let input = format!("Content-Length: 500\r\n\r\nhello{}", framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["note", "reply:-32700:null", "msg:ping"]
        );
    }

    #[test]
    fn content_length_smaller_than_the_body() {
        let input = format!("Content-Length: 10\r\n\r\n{PING}{}", framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["reply:-32700:null", "note", "msg:ping"]
        );
    }

    #[test]
    fn junk_between_messages_is_skipped() {
        let input = format!("hello there\r\n{}garbage{}", framed(PING), framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["note", "msg:ping", "note", "msg:ping"]
        );
        let long = "x".repeat(3 * MAX_HEADER_LINE);
        let input = format!("{long}{}", framed(PING));
        assert_eq!(kinds(&frames(input.as_bytes())), ["note", "msg:ping"]);
    }

    #[test]
    fn strings_hide_markers_and_brackets() {
        let body = r#"{"jsonrpc":"2.0","method":"n","params":{"t":"Content-Length: 3 } ] \" {"}}"#;
        let input = format!("Content-Length: 9999\r\n\r\n{body}{}", framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["note", "msg:n", "msg:ping"]
        );
    }

    #[test]
    fn over_the_limit_is_skipped_without_storing() {
        let big = format!(
            r#"{{"jsonrpc":"2.0","method":"n","params":"{}"}}"#,
            "a".repeat(200)
        );
        let input = format!("{}{}", framed(&big), framed(PING));
        let fs: Vec<Frame> = FrameReader::with_limit(input.as_bytes(), 100).collect();
        assert_eq!(kinds(&fs), ["reply:-32600:null", "msg:ping"]);
        // A declared size far beyond the input: skipped to the next header.
        let input = format!(
            "Content-Length: 18446744073709551615\r\n\r\n{PING}{}",
            framed(PING)
        );
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["note", "reply:-32600:null", "msg:ping"]
        );
    }

    #[test]
    fn eof_mid_message_ends() {
        for cut in [
            "Content-Length: 40\r\n".to_string(),
            "Content-Length: 40\r\n\r\n{\"jsonrpc\"".to_string(),
            "Content-Len".to_string(),
        ] {
            let input = format!("{}{cut}", framed(PING));
            let fs = frames(input.as_bytes());
            assert_eq!(kinds(&fs)[0], "msg:ping", "{cut:?}");
            assert!(fs.len() <= 2, "{cut:?}: {fs:?}");
        }
        assert!(frames(b"").is_empty());
        assert!(frames(b"\r\n \n").is_empty());
    }

    #[test]
    fn empty_body() {
        let input = format!("Content-Length: 0\r\n\r\n{}", framed(PING));
        assert_eq!(
            kinds(&frames(input.as_bytes())),
            ["reply:-32700:null", "msg:ping"]
        );
    }

    /// A reader that hands out one byte per `fill_buf`: every split point.
    struct Trickle<'a>(&'a [u8]);
    impl io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    impl BufRead for Trickle<'_> {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            Ok(&self.0[..self.0.len().min(1)])
        }
        fn consume(&mut self, n: usize) {
            self.0 = &self.0[n..];
        }
    }

    #[test]
    fn byte_by_byte_input_gives_the_same_frames() {
        let input = format!(
            "{}Content-Type: a\r\n{}junk{}",
            framed(PING),
            framed(r#"{"jsonrpc":"2.0","method":"n","params":{"s":"}]\\\""}}"#),
            framed(PING)
        );
        let whole = kinds(&frames(input.as_bytes()));
        let trickled = kinds(&FrameReader::new(Trickle(input.as_bytes())).collect::<Vec<_>>());
        assert_eq!(whole, trickled);
        assert_eq!(whole, ["msg:ping", "msg:n", "note", "msg:ping"]);
    }

    #[test]
    fn pseudo_random_bytes_end() {
        let atoms: [&[u8]; 12] = [
            b"Content-Length: ",
            b"12",
            b"\r\n",
            b"\n",
            b"{",
            b"}",
            b"\"",
            b"\\",
            b"[",
            PING.as_bytes(),
            b"x: y",
            b"\xff",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let mut input = Vec::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = seed % 40;
            for _ in 0..n {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.extend_from_slice(atoms[(seed % atoms.len() as u64) as usize]);
            }
            let fs: Vec<Frame> = FrameReader::with_limit(&input[..], 64).collect();
            // Each frame costs at least one byte of input.
            assert!(fs.len() <= input.len() * 2 + 1);
        }
    }
}
