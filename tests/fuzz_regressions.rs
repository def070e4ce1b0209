//! Every input the fuzzers found a crash with (`fuzz/`, see
//! docs/development.md) is kept under `tests/fixtures/fuzz/TARGET/`, named
//! for the behaviour, and replayed here through the very function the fuzz
//! target calls, with the same invariants.

#[path = "../fuzz/src/input.rs"]
#[allow(dead_code)]
mod input;
#[path = "../fuzz/src/parser.rs"]
mod parser;

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
