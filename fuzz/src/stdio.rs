//! Target 6: the stdio framing and the message loop. The input is the
//! whole of the server's stdin; [`quadlet_ls::lsp::serve_io`] (what
//! `serve` runs, with stdin and stdout swapped for memory) reads it
//! through the real framing reader and message loop until `exit` or the
//! end of the input.
//!
//! Checked: it returns (no panic, no hang: the end of the input ends the
//! server), and everything written is well-formed: a sequence of
//! `Content-Length: N\r\n\r\n` frames, each body one JSON-RPC 2.0 object
//! (a response with an `id` and exactly one of `result` and `error`, whose
//! `code` is an integer, or a request or notification with a `method`).

use quadlet_ls::workspace::MemFs;
use serde_json::Value;
use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Out(Arc<Mutex<Vec<u8>>>);

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn run(data: &[u8]) {
    check_output(&session(data));
}

/// Everything the server writes with `data` as its stdin.
pub fn session(data: &[u8]) -> Vec<u8> {
    let out = Out::default();
    let fs = Arc::new(MemFs::new().dir("/ws"));
    let _ = quadlet_ls::lsp::serve_io(Cursor::new(data.to_vec()), out.clone(), fs);
    let written = out.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    written
}

/// Panics unless `out` is a sequence of well-formed frames.
pub fn check_output(mut out: &[u8]) {
    const HEAD: &[u8] = b"Content-Length: ";
    while !out.is_empty() {
        assert!(out.starts_with(HEAD), "not a frame: {:?}", lossy(out));
        let rest = &out[HEAD.len()..];
        let eol = find(rest, b"\r\n\r\n").expect("a header without its blank line");
        let n: usize = std::str::from_utf8(&rest[..eol])
            .ok()
            .and_then(|s| s.parse().ok())
            .expect("a Content-Length that is not a number");
        let body = rest.get(eol + 4..eol + 4 + n).expect("a short body");
        check_message(body);
        out = &rest[eol + 4 + n..];
    }
}

fn check_message(body: &[u8]) {
    let v: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("a body that is not JSON ({e}): {:?}", lossy(body)));
    let o = v.as_object().expect("a body that is not an object");
    assert_eq!(o.get("jsonrpc"), Some(&Value::from("2.0")), "{v}");
    if o.contains_key("method") {
        assert!(o["method"].is_string(), "{v}");
        return;
    }
    let id = o.get("id").expect("a response without an id");
    assert!(
        id.is_null() || id.is_string() || id.is_i64() || id.is_u64(),
        "{v}"
    );
    match (o.get("result"), o.get("error")) {
        (Some(_), None) => {}
        (None, Some(e)) => {
            assert!(e["code"].is_i64(), "{v}");
            assert!(e["message"].is_string(), "{v}");
        }
        _ => panic!("a response needs exactly one of result and error: {v}"),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned()
}
