//! Code actions: every quick fix the diagnostics carry, applied by the
//! client and re-checked; the "Preview generated service" source action.

mod lsp_support;

use insta::assert_json_snapshot;
use lsp_support::{uri, Client};
use quadlet_ls::workspace::MemFs;
use serde_json::{json, Value};

/// Applies LSP text edits (UTF-16 positions) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i == line {
                let mut units = 0;
                for (b, c) in l.char_indices() {
                    if units >= ch {
                        return start + b;
                    }
                    units += c.len_utf16();
                }
                return start + l.trim_end_matches('\n').len();
            }
            start += l.len();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}

fn codes(d: &Value) -> Vec<String> {
    d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

/// Opens `text`, takes the preferred quick fix for `code`, applies it, and
/// returns (action, fixed text, codes after the fix).
/// `then` is what the user types after the fix (a fix that adds a missing
/// key leaves its value to fill in).
fn fix(
    c: &mut Client,
    path: &str,
    text: &str,
    code: &str,
    then: Option<(&str, &str)>,
) -> (Value, String, Vec<String>) {
    let d = c.open(path, text);
    assert!(
        codes(&d).contains(&code.to_string()),
        "{code} not reported: {d}"
    );
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(path)},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}},
               "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == code && a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("no quick fix for {code}: {actions}"))
        .clone();
    let edits = action["edit"]["changes"][uri(path)]
        .as_array()
        .unwrap()
        .clone();
    let fixed = apply(text, &edits);
    let typed = match then {
        Some((a, b)) => {
            assert!(fixed.contains(a), "{fixed:?}");
            fixed.replace(a, b)
        }
        None => fixed.clone(),
    };
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": 2},
               "contentChanges": [{"text": typed}]}),
    );
    let after = codes(&c.diagnostics(path));
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(path)}}),
    );
    c.diagnostics(path);
    (action, fixed, after)
}

#[test]
fn each_quick_fix_applies_and_rechecks_clean() {
    let mut c = Client::start(MemFs::new().dir("/ws"));
    let cases = [
        (
            "typo",
            "/ws/a.container",
            "[Container]\nImage=quay.io/a/b\nPublishport=80\n",
            "unknown-key",
            None,
        ),
        (
            "wrong_section",
            "/ws/a.container",
            "[Container]\nPull=never\n\n[Service]\nImage=quay.io/a/b\n",
            "wrong-section",
            None,
        ),
        (
            "legacy",
            "/ws/a.container",
            "[Container]\nImage=quay.io/a/b\nKeepId=true\n",
            "legacy-key",
            None,
        ),
        (
            "deprecated",
            "/ws/a.container",
            "[Container]\nImage=quay.io/a/b\nRemapUsers=auto\n",
            "deprecated-key",
            None,
        ),
        (
            "missing_required",
            "/ws/a.image",
            "[Image]\nPolicy=always\n",
            "missing-required-key",
            Some(("Image=\n", "Image=quay.io/a/b\n")),
        ),
        (
            "duplicate",
            "/ws/a.container",
            "[Container]\nImage=quay.io/a/b\nPull=never\nPull=always\n",
            "duplicate-key",
            None,
        ),
    ];
    let mut results = Vec::new();
    for (name, path, text, code, then) in cases {
        let (action, fixed, after) = fix(&mut c, path, text, code, then);
        assert!(
            !after.contains(&code.to_string()),
            "{name}: {code} still reported after the fix: {fixed:?} {after:?}"
        );
        results.push(json!({"case": name, "action": action, "fixed": fixed, "after": after}));
    }
    assert_json_snapshot!("quick_fixes", results);
    c.finish();
}

#[test]
fn source_action_previews_the_service() {
    let mut c = Client::start(MemFs::new().dir("/ws"));
    c.open("/ws/a.container", "[Container]\nImage=quay.io/a/b\n");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri("/ws/a.container")},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source"]}}),
    );
    assert_json_snapshot!("source_action", actions);
    c.finish();
}
