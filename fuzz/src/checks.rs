//! Target 2: the checks over a folder (units, drop-ins, YAML), as `lint`
//! runs them over the workspace and as the editor runs them on each file.
//! Every diagnostic must lie inside its file, and so must its fixes.

use crate::input;
use quadlet_ls::check::{check_file, check_workspace, Options};
use quadlet_ls::diag::{apply_edits, Diagnostic};
use std::path::Path;

pub fn run(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let files = input::files(rest);
    let ws = input::workspace(&files);
    let (podman_version, user) = input::mode(first);
    let opts = Options {
        podman_version,
        user,
        ..Options::default()
    };
    for r in check_workspace(&ws, &opts) {
        check_ranges(&r.path, &r.text, &r.diagnostics);
    }
    for f in &files {
        if let Ok(text) = std::str::from_utf8(&f.text) {
            let path = f.path();
            let diags = check_file(&ws, &path, text, &opts);
            check_ranges(&path, text, &diags);
        }
    }
}

/// Panics when a diagnostic or one of its edits does not fit `text`.
pub fn check_ranges(path: &Path, text: &str, diags: &[Diagnostic]) {
    let fits = |s: quadlet_ls::syntax::Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for d in diags {
        assert!(
            fits(d.span),
            "{}: {} at {:?} outside the text",
            path.display(),
            d.code,
            d.span
        );
        for fix in &d.fixes {
            for e in &fix.edits {
                assert!(
                    fits(e.span),
                    "{}: fix of {} at {:?} outside the text",
                    path.display(),
                    d.code,
                    e.span
                );
            }
            let _ = apply_edits(text, &fix.edits);
        }
    }
}
