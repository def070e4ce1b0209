//! `lint --fix`, `--unsafe-fixes` and `--diff`: the fixes that ride in the
//! diagnostics, applied one at a time.
//!
//! Each round applies one fix to a file and checks the file again, so two
//! fixes never clash (a typo'd `Imgae=` renamed to `Image=` takes away the
//! missing-`Image=` error and its "Add Image=" fix). Fixes that change
//! existing text go before fixes that only add lines. A fix changes only
//! its own ranges: every other byte of the file stays as it was.

use super::lint_files::Collected;
use crate::check::{self, Options};
use crate::diag::{apply_edits, Diagnostic, Fix};
use crate::workspace::{classify, DiskFs, FileRole, Fs, Workspace};
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rounds per file: a file with more fixes than this keeps the rest for the
/// next run.
const MAX_ROUNDS: usize = 200;

/// One file the fixes change.
#[derive(Debug)]
pub struct Fixed {
    pub path: PathBuf,
    pub before: Arc<str>,
    pub after: String,
    /// How many fixes were applied.
    pub applied: usize,
}

/// The fix `lint --fix` would apply for a diagnostic: its best fix that the
/// run allows.
pub fn applicable(d: &Diagnostic, unsafe_ok: bool) -> Option<&Fix> {
    d.fixes
        .iter()
        .find(|f| !f.edits.is_empty() && (unsafe_ok || f.is_safe()))
}

/// Fixes of one text: applies one fix, checks again with `recheck`, and
/// so on until no allowed fix is left (or one would bring back an earlier
/// text). Returns the new text and the number of fixes applied.
pub fn fix_text(
    text: &str,
    first: &[Diagnostic],
    recheck: &dyn Fn(&str) -> Vec<Diagnostic>,
    unsafe_ok: bool,
) -> (String, usize) {
    let mut cur = text.to_string();
    let mut diags = first.to_vec();
    let mut seen: HashSet<String> = HashSet::from([cur.clone()]);
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let mut fixes: Vec<&Fix> = diags
            .iter()
            .filter_map(|d| applicable(d, unsafe_ok))
            .collect();
        // Changes to existing text first, then pure insertions; in file
        // order within each.
        fixes.sort_by_key(|f| {
            let insert_only = f
                .edits
                .iter()
                .all(|e| e.span.is_empty() && !e.new_text.is_empty());
            let at = f.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
            (insert_only, at)
        });
        let Some(next) = fixes
            .iter()
            .map(|f| apply_edits(&cur, &f.edits))
            .find(|t| !seen.contains(t))
        else {
            break;
        };
        seen.insert(next.clone());
        cur = next;
        applied += 1;
        diags = recheck(&cur);
    }
    (cur, applied)
}

/// Computes the fixes of every file a lint run found (nothing is written).
pub fn fix_all(c: &Collected, opts: &Options, unsafe_ok: bool) -> Vec<Fixed> {
    let mut spaces: HashMap<PathBuf, Workspace> = HashMap::new();
    let mut out = Vec::new();
    for r in &c.results {
        if !r
            .diagnostics
            .iter()
            .any(|d| applicable(d, unsafe_ok).is_some())
        {
            continue;
        }
        let role = classify(&r.path);
        let (after, applied) = match role {
            FileRole::Unit(_) | FileRole::DropIn { .. } => {
                let root = c
                    .roots
                    .get(&r.path)
                    .cloned()
                    .unwrap_or_else(|| r.path.parent().unwrap_or(Path::new("/")).to_path_buf());
                let ws = spaces.entry(root.clone()).or_insert_with(|| {
                    Workspace::load(Arc::new(DiskFs), std::slice::from_ref(&root))
                });
                let ws = &*ws;
                let path = r.path.as_path();
                fix_text(
                    &r.text,
                    &r.diagnostics,
                    &|t| check::check_file(ws, path, t, opts),
                    unsafe_ok,
                )
            }
            FileRole::Yaml => fix_text(
                &r.text,
                &r.diagnostics,
                &|t| {
                    let mut d = crate::kube::check_yaml(t, &opts.kube);
                    d.retain(|d| !opts.disabled.contains(d.code));
                    d
                },
                unsafe_ok,
            ),
            FileRole::Other => continue,
        };
        if applied > 0 && after != *r.text {
            out.push(Fixed {
                path: r.path.clone(),
                before: r.text.clone(),
                after,
                applied,
            });
        }
    }
    out
}

/// Writes the fixed files. A file whose bytes on disk are no longer the
/// text that was checked is left alone (an error for it is returned).
pub fn write_all(fixed: &[Fixed]) -> Vec<String> {
    let mut errors = Vec::new();
    for f in fixed {
        match std::fs::read(&f.path) {
            Ok(bytes) if bytes == f.before.as_bytes() => {
                if let Err(e) = std::fs::write(&f.path, f.after.as_bytes()) {
                    errors.push(format!("{}: cannot write the fixes: {e}", f.path.display()));
                }
            }
            Ok(_) => errors.push(format!(
                "{}: changed while it was checked; not fixed",
                f.path.display()
            )),
            Err(e) => errors.push(format!("{}: cannot read it again: {e}", f.path.display())),
        }
    }
    errors
}

/// The disk with some files' contents replaced: what `--diff` lints again.
pub struct OverlayFs {
    files: HashMap<PathBuf, Vec<u8>>,
}

impl OverlayFs {
    pub fn new(fixed: &[Fixed]) -> Self {
        OverlayFs {
            files: fixed
                .iter()
                .map(|f| (f.path.clone(), f.after.clone().into_bytes()))
                .collect(),
        }
    }
}

impl Fs for OverlayFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(b) => Ok(b.clone()),
            None => DiskFs.read(path),
        }
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        DiskFs.read_dir(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        DiskFs.is_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        DiskFs.is_file(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        DiskFs.canonicalize(path)
    }
    fn len(&self, path: &Path) -> io::Result<u64> {
        match self.files.get(path) {
            Some(b) => Ok(b.len() as u64),
            None => DiskFs.len(path),
        }
    }
    fn read_dir_kinds(
        &self,
        path: &Path,
    ) -> io::Result<Vec<(String, crate::workspace::EntryKind)>> {
        DiskFs.read_dir_kinds(path)
    }
}
