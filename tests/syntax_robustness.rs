//! The parser never fails and never loses a byte: random inputs built from
//! the characters that matter to the grammar keep every invariant.

use quadlet_ls::syntax::{parse, parse_with, Dialect, LineKind};

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const ATOMS: &[&str] = &[
    "[",
    "]",
    "=",
    "\\",
    "\n",
    "\r\n",
    " ",
    "\t",
    "#",
    ";",
    ":",
    "Container",
    "Image",
    "Exec",
    "a",
    "é",
    "😀",
    "\u{feff}",
    "\u{a0}",
    "\u{85}",
    "%n",
    "\"",
    "'",
    "[Container]",
    "[Service]",
    "X-Y",
    "\0",
];

#[test]
fn random_inputs_keep_invariants() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let n = (rng.next() % 40) as usize;
        let text: String = (0..n).map(|_| rng.pick(ATOMS)).collect();
        for dialect in [Dialect::Current, Dialect::V4] {
            check_invariants(&text, dialect);
        }
    }
}

fn check_invariants(text: &str, dialect: Dialect) {
    let text = text.to_string();
    {
        let doc = parse_with(&text, dialect);
        assert_eq!(doc.dialect, dialect);

        // Lines tile the text, in order.
        let mut pos = 0;
        for l in &doc.lines {
            assert_eq!(l.span.start, pos, "{text:?}");
            assert!(
                l.trimmed.start >= l.span.start && l.trimmed.end <= l.span.end,
                "{text:?}"
            );
            pos = l.span.end + 1;
        }
        assert!(pos >= text.len(), "{text:?}");

        for e in &doc.entries {
            // Every span lies on char boundaries inside the text.
            for s in [e.key_span, e.value_span, e.span] {
                assert!(s.start <= s.end && s.end <= text.len(), "{text:?}");
                assert!(
                    text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                    "{text:?}"
                );
            }
            // The pieces rebuild the logical line, and the value is its tail.
            let joined: String = e.pieces.iter().map(|p| p.doc.slice(&text)).collect();
            assert_eq!(&joined[e.value_offset..], e.value, "{text:?}");
            assert!(joined.starts_with(&e.key), "{text:?}");
        }
        for h in &doc.headers {
            assert_eq!(h.name_span.slice(&text), h.name, "{text:?}");
        }
        for (i, l) in doc.lines.iter().enumerate() {
            if let LineKind::Error(e) = l.kind {
                assert!(e < doc.errors.len(), "{text:?} line {i}");
            }
        }
    }
}

#[test]
fn huge_inputs_parse_linearly_without_stack_growth() {
    // 200,000 continuation lines make one logical line; nothing recurses.
    let mut text = String::from("[Container]\nExec=a");
    for _ in 0..200_000 {
        text.push_str("\\\n b");
    }
    let doc = parse(&text);
    let e = doc.last("Container", "Exec").expect("entry");
    assert_eq!(e.value.len(), 1 + 200_000);
    assert_eq!(e.pieces.len(), 200_001);
    // podman 4's rules keep the indentation: `a` plus 200,000 ` b`.
    let doc = parse_with(&text, Dialect::V4);
    let e = doc.last("Container", "Exec").expect("entry");
    assert_eq!(e.value.len(), 1 + 2 * 200_000);
    assert_eq!(e.pieces.len(), 200_001);
}
