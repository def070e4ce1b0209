use super::*;

fn kinds(doc: &Document) -> Vec<&'static str> {
    doc.lines
        .iter()
        .map(|l| match l.kind {
            LineKind::Blank => "blank",
            LineKind::Comment(_) => "comment",
            LineKind::Header(_) => "header",
            LineKind::Entry(_) => "entry",
            LineKind::Continuation(_) => "cont",
            LineKind::Error(_) => "error",
        })
        .collect()
}

#[test]
fn basic_sections_and_keys() {
    let text = "# top\n[Container]\nImage=quay.io/x/y\n  Exec = sleep  60  \n\n[Service]\nRestart=always\n";
    let doc = parse(text);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(
        kinds(&doc),
        ["comment", "header", "entry", "entry", "blank", "header", "entry"]
    );
    let exec = doc.last("Container", "Exec").unwrap();
    assert_eq!(exec.value, "sleep  60");
    assert_eq!(exec.key_span.slice(text), "Exec");
    assert_eq!(exec.value_span.slice(text), "sleep  60");
    assert_eq!(doc.headers[0].name_span.slice(text), "Container");
    assert_eq!(doc.headers[0].span.slice(text), "[Container]");
}

#[test]
fn repeated_sections_merge_and_keys_repeat() {
    let doc = parse("[A]\nk=1\n[B]\nx=y\n[A]\nk=2\n");
    assert_eq!(doc.sections.len(), 2);
    assert_eq!(doc.section("A").unwrap().headers.len(), 2);
    let vals: Vec<_> = doc.all("A", "k").map(|e| e.value.as_str()).collect();
    assert_eq!(vals, ["1", "2"]);
}

#[test]
fn continuation_joins_without_space_and_drops_comments() {
    let text = "[Container]\nExec=a \\\n  # dropped\n   b\\\n c\n";
    let doc = parse(text);
    assert!(doc.errors.is_empty());
    let e = doc.last("Container", "Exec").unwrap();
    assert_eq!(e.value, "a bc");
    assert_eq!(kinds(&doc), ["header", "entry", "comment", "cont", "cont"]);
    assert!(doc.comments[0].in_continuation);
    // "b" is on line 4; map value offset 2 back to it
    let r = e.value_range(2, 3);
    assert_eq!(r.slice(text), "b");
    let r = e.value_range(0, 4);
    assert_eq!(&text[r.start..r.start + 1], "a");
    assert_eq!(&text[r.end - 1..r.end], "c");
}

#[test]
fn backslash_on_last_line_is_removed() {
    let doc = parse("[A]\nk=v\\");
    assert_eq!(doc.last("A", "k").unwrap().value, "v");
    assert!(doc.errors.is_empty());
}

#[test]
fn pending_continuation_behind_comments_is_lost() {
    let doc = parse("[A]\nk=v\\\n# c\n");
    assert!(doc.last("A", "k").is_none());
    assert_eq!(doc.errors[0].kind, SyntaxErrorKind::LostContinuation);
}

#[test]
fn key_may_contain_spaces_and_needs_eq_after_zero() {
    let doc = parse("[A]\nmy key = v\n=x\n");
    assert_eq!(doc.last("A", "my key").unwrap().value, "v");
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(doc.errors[0].kind, SyntaxErrorKind::NotKeyValue);
    assert_eq!(doc.errors[0].line, 3);
}

#[test]
fn header_with_trailing_comment_is_an_error() {
    let doc = parse("[Container] # x\nImage=a\n");
    assert_eq!(doc.errors[0].kind, SyntaxErrorKind::NotKeyValue);
    assert_eq!(doc.errors[0].line, 1);
    // the key after it has no section
    assert!(doc
        .errors
        .iter()
        .any(|e| e.kind == SyntaxErrorKind::KeyBeforeSection));
    let doc = parse("[Container] \t\nImage=a\n");
    assert!(doc.errors.is_empty());
}

#[test]
fn key_before_section() {
    let doc = parse("Image=a\n[Container]\n");
    assert_eq!(doc.errors[0].kind, SyntaxErrorKind::KeyBeforeSection);
    assert_eq!(doc.entries[0].section, None);
}

#[test]
fn invalid_section_names() {
    assert_eq!(
        parse("[]\n").errors[0].kind,
        SyntaxErrorKind::InvalidSectionName
    );
    assert_eq!(
        parse("[a[b]\n").errors[0].kind,
        SyntaxErrorKind::InvalidSectionName
    );
    // `[a]=b` is a key, not a header
    let doc = parse("[S]\n[a]=b\n");
    assert!(doc.errors.is_empty());
    assert_eq!(doc.last("S", "[a]").unwrap().value, "b");
}

#[test]
fn semicolon_comments() {
    let doc = parse("; c\n[A]\n;k=v\n");
    assert!(doc.errors.is_empty());
    assert_eq!(doc.comments.len(), 2);
}

#[test]
fn bom_is_an_error_but_parsing_recovers() {
    let doc = parse("\u{feff}[Container]\nImage=x\n");
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(doc.errors[0].kind, SyntaxErrorKind::ByteOrderMark);
    assert_eq!(doc.last("Container", "Image").unwrap().value, "x");
}

#[test]
fn crlf_is_fine() {
    let text = "[Container]\r\nImage=x\r\n";
    let doc = parse(text);
    assert!(doc.errors.is_empty());
    let e = doc.last("Container", "Image").unwrap();
    assert_eq!(e.value, "x");
    assert_eq!(e.value_span.slice(text), "x");
}

#[test]
fn empty_value_span_sits_after_eq() {
    let text = "[A]\nk=\n";
    let doc = parse(text);
    let e = doc.last("A", "k").unwrap();
    assert_eq!(e.value, "");
    assert_eq!(e.value_span, Span::empty(6));
}

#[test]
fn every_byte_is_covered_by_a_line() {
    for text in [
        "",
        "\n",
        "a",
        "[A]\nb=c\\\n\\\n",
        "\u{feff}",
        "x\n\n\n",
        "[A]\r\n\tk=é\r\n",
    ] {
        let doc = parse(text);
        let mut pos = 0;
        for l in &doc.lines {
            assert_eq!(l.span.start, pos, "{text:?}");
            pos = l.span.end + 1;
        }
        assert!(pos >= text.len(), "{text:?}");
    }
}

#[test]
fn positions_lookup() {
    let text = "[A]\nk=v\n[B]\nx=y\n";
    let doc = parse(text);
    assert_eq!(doc.section_at(text.find("x=").unwrap()), Some("B"));
    assert_eq!(doc.section_at(5), Some("A"));
    let e = doc.entry_at(text.find("y").unwrap()).unwrap();
    assert_eq!(doc.entries[e].key, "x");
}

#[test]
fn never_panics_on_odd_input() {
    let samples = [
        "[",
        "]",
        "[A",
        "=",
        "\\",
        "\\\n\\",
        "[A]\n\\\n=\\\nk",
        "é=ü\n[é]\né=\\\n ü",
        "\u{feff}\u{feff}",
        "\0\0[\0]",
        "[A]\nk=\\\n\n\n\\",
        "  \\  \n  = \n",
    ];
    for s in samples {
        let doc = parse(s);
        for e in &doc.entries {
            let _ = e.key_span.slice(s);
            let _ = e.value_span.slice(s);
            assert!(
                e.key_span.end <= s.len() && e.value_span.end <= s.len(),
                "{s:?}"
            );
            assert!(
                s.is_char_boundary(e.value_span.start) && s.is_char_boundary(e.value_span.end),
                "{s:?}"
            );
        }
    }
}

#[test]
fn v4_comments_use_colon_not_semicolon() {
    let doc = parse_with("[A]\n: note\n;k=v\n", Dialect::V4);
    assert_eq!(kinds(&doc), ["header", "comment", "entry"]);
    assert_eq!(doc.entries[0].key, ";k");
    let doc = parse("[A]\n: note\n;k=v\n");
    assert_eq!(kinds(&doc), ["header", "error", "comment"]);
}

#[test]
fn v4_continuation_keeps_indentation_and_takes_comments() {
    let text = "[A]\nExec=a \\\n  b\\\n# c\nX=1\n";
    let doc = parse_with(text, Dialect::V4);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(kinds(&doc), ["header", "entry", "cont", "cont", "entry"]);
    let e = doc.last("A", "Exec").unwrap();
    assert_eq!(e.value, "a   b# c");
    assert_eq!(e.value_range(2, 5).slice(text), "  b");
    assert_eq!(doc.last("A", "X").unwrap().value, "1");
    // The value starts on the first line only: the blanks after `=` go,
    // the next line's indentation stays.
    let doc = parse_with("[A]\nK=  \\\n  b\n", Dialect::V4);
    assert_eq!(doc.entries[0].value, "  b");
}

#[test]
fn v4_loops_are_errors() {
    for text in [
        "[A]\n  K=a \\\nb\n",
        "[A]\nK=a \\  \nb\n",
        "[A]\nK=a \\\n\nb=1\n",
        "[A]\nK=a \\\r\nb\n",
    ] {
        let doc = parse_with(text, Dialect::V4);
        assert!(
            doc.errors
                .iter()
                .any(|e| e.kind == SyntaxErrorKind::ParserLoop && e.line == 2),
            "{text:?}: {:?}",
            doc.errors
        );
    }
    // A continued line that is not a key is no continuation at all.
    let doc = parse_with("[A]\n#x \\\nK=v\n", Dialect::V4);
    assert!(doc.errors.is_empty());
    assert_eq!(kinds(&doc), ["header", "comment", "entry"]);
}

#[test]
fn v4_last_line_without_newline_is_not_trimmed() {
    let doc = parse_with("[A]\n  K=v", Dialect::V4);
    assert_eq!(doc.errors[0].kind, SyntaxErrorKind::InvalidKeyName);
    let doc = parse_with("[A]\nK=v  ", Dialect::V4);
    assert!(doc.errors.is_empty());
    let doc = parse_with("[A]\n  ", Dialect::V4);
    assert_eq!(doc.errors[0].kind, SyntaxErrorKind::NotKeyValue);
    assert!(parse("[A]\n  K=v").errors.is_empty());
}
