//! Every input the fuzzers found a crash with (`fuzz/`, see
//! docs/development.md) is kept under `tests/fixtures/fuzz/TARGET/`, named
//! for the behaviour, and replayed here through the very function the fuzz
//! target calls, with the same invariants.

#[path = "../fuzz/src/input.rs"]
#[allow(dead_code)]
mod input;
#[path = "../fuzz/src/parser.rs"]
mod parser;
#[path = "../fuzz/src/stdio.rs"]
#[allow(dead_code)]
mod stdio;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixture in {}", dir.display());
    for p in names {
        let data = std::fs::read(&p).expect("fixture");
        eprintln!("{target}: {}", p.display());
        run(&data);
    }
}

#[test]
fn parser_inputs_stay_lossless() {
    replay("parser", parser::run);
}

#[test]
fn stdio_inputs_get_well_formed_replies() {
    replay("stdio", stdio::run);
}

#[test]
fn continued_header_spans_follow_the_pieces() {
    // `[` and the name sit on two lines joined by `\`: the invalid name's
    // error covers the header up to its `]` on the second line.
    let text = "[\\\na\t\u{e9}]\nImage=x\n";
    let doc = quadlet_ls::syntax::parse(text);
    let err = &doc.errors[0];
    assert_eq!(
        err.kind,
        quadlet_ls::syntax::SyntaxErrorKind::InvalidSectionName
    );
    assert_eq!(err.span.slice(text), "[\\\na\t\u{e9}]");
}

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn stdio_target_checks_what_the_server_writes() {
    // The checker of the stdio target accepts a well-formed stream and
    // refuses each kind of bad one, so a server writing garbage would be
    // caught by the fuzzer.
    let ok = frame(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#)
        + &frame(r#"{"jsonrpc":"2.0","method":"window/logMessage","params":{}}"#);
    stdio::check_output(ok.as_bytes());
    for bad in [
        frame(r#"{"id":1,"result":null}"#),
        frame(r#"{"jsonrpc":"2.0","id":1}"#),
        frame(r#"{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":""}}"#),
        frame("not json"),
        "Content-Length: 9\r\n\r\n{}".to_string(),
        ok.clone() + "junk",
    ] {
        let caught = std::panic::catch_unwind(|| stdio::check_output(bad.as_bytes()));
        assert!(caught.is_err(), "accepted: {bad:?}");
    }
}

#[test]
fn stdio_target_runs_a_session_with_faults() {
    // What the stdio target runs, on one of its seeds: a session with a
    // body that is not JSON and a bad Content-Length in the middle. Found
    // with this target: a stray response before `initialize`, or any
    // message but `initialized` right after it, ended the server (so
    // `shutdown` went unanswered).
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file:///ws","capabilities":{}}}"#;
    let input = [
        frame(r#"{"jsonrpc":"2.0","id":7,"result":null}"#),
        frame(r#"{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":{}}"#),
        frame(init),
        "Content-Length: 5\r\n\r\nhello".to_string(),
        "Content-Length: x\r\n\r\n{}".to_string(),
        frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#),
        frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
    ]
    .concat();
    let out = stdio::session(input.as_bytes());
    stdio::check_output(&out);
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains(r#""id":8,"error":{"code":-32002"#), "{out}");
    assert!(out.contains(r#""id":1,"result""#), "{out}");
    assert!(out.contains(r#""code":-32700"#), "{out}");
    assert!(out.contains(r#""id":2,"result":null"#), "{out}");
}
