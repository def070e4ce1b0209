//! Which files `quadlet-ls lint` checks, and in which installation.
//!
//! Each PATH on the command line is one installation, as if it were the
//! only unit search root podman had:
//! - a folder is a root, expanded into its subfolders as podman does; every
//!   unit file found is checked (also one podman leaves out because an
//!   earlier file has the same name), with its drop-ins, the drop-ins that
//!   apply to no unit, and the Kubernetes YAML its `.kube` units use;
//! - a unit or drop-in file is checked in the installation of its own folder
//!   (a drop-in: the folder of its `*.d` folder), which gives references and
//!   drop-ins; files named together in one folder share it;
//! - a `.yaml`/`.yml` file is checked as Kubernetes YAML;
//! - any other file is a usage error.
//!
//! The same file met in two installations is reported once, with the
//! problems of both.

use crate::check::{self, FileResult, Options};
use crate::model::Unit;
use crate::workspace::{classify, DiskFs, FileRole, Fs, UnitKind, Workspace};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a lint run found.
#[derive(Debug, Default)]
pub struct Collected {
    /// One result per file checked, in path order.
    pub results: Vec<FileResult>,
    /// PATHs that could not be read (exit 2).
    pub io_errors: Vec<String>,
    /// PATHs that are not something lint checks (exit 2).
    pub usage_errors: Vec<String>,
    /// The search root each unit and drop-in was checked in (the first one,
    /// when a file is in two installations).
    pub roots: HashMap<PathBuf, PathBuf>,
}

/// One installation: a search root and, for files named on the command
/// line, the files to report (`None`: everything under the root).
struct Install {
    root: PathBuf,
    only: Option<BTreeSet<PathBuf>>,
}

/// Lints the given paths (see the module docs).
pub fn lint_paths(paths: &[PathBuf], opts: &Options) -> Collected {
    lint_paths_in(Arc::new(DiskFs), paths, opts)
}

/// [`lint_paths`], reading the files through `fs` (which PATHs exist, and
/// what they are, is still asked of the disk).
pub fn lint_paths_in(fs: Arc<dyn Fs>, paths: &[PathBuf], opts: &Options) -> Collected {
    let mut c = Collected::default();
    let mut installs: Vec<Install> = Vec::new();
    let mut yamls: Vec<PathBuf> = Vec::new();
    for p in paths {
        let canon = match std::fs::canonicalize(p) {
            Ok(c) => c,
            Err(e) => {
                c.io_errors
                    .push(format!("{}: {}", p.display(), describe_io(&e)));
                continue;
            }
        };
        match std::fs::metadata(&canon) {
            Ok(m) if m.is_dir() => {
                if let Err(e) = std::fs::read_dir(&canon) {
                    c.io_errors
                        .push(format!("{}: {}", p.display(), describe_io(&e)));
                    continue;
                }
                installs.push(Install {
                    root: canon,
                    only: None,
                });
            }
            Ok(_) => {
                let role = classify(&canon);
                let parent = canon.parent().unwrap_or(Path::new("/"));
                let root = match role {
                    FileRole::Unit(_) => parent.to_path_buf(),
                    FileRole::DropIn { .. } => parent.parent().unwrap_or(parent).to_path_buf(),
                    FileRole::Yaml => {
                        yamls.push(canon);
                        continue;
                    }
                    FileRole::Other => {
                        c.usage_errors.push(format!(
                            "{}: not a file quadlet-ls checks (expected a Quadlet unit such as `.container`, a drop-in `.conf` inside a `*.d` folder, or Kubernetes `.yaml`/`.yml`)",
                            p.display()
                        ));
                        continue;
                    }
                };
                match installs
                    .iter_mut()
                    .find(|i| i.root == root && i.only.is_some())
                {
                    Some(i) => {
                        if let Some(o) = i.only.as_mut() {
                            o.insert(canon);
                        }
                    }
                    None => installs.push(Install {
                        root,
                        only: Some(BTreeSet::from([canon])),
                    }),
                }
            }
            Err(e) => c
                .io_errors
                .push(format!("{}: {}", p.display(), describe_io(&e))),
        }
    }

    let mut by_path: BTreeMap<PathBuf, FileResult> = BTreeMap::new();
    let mut add = |r: FileResult| match by_path.get_mut(&r.path) {
        Some(existing) => {
            for d in r.diagnostics {
                if !existing.diagnostics.contains(&d) {
                    existing.diagnostics.push(d);
                }
            }
            existing
                .diagnostics
                .sort_by(|a, b| a.span.start.cmp(&b.span.start).then(a.code.cmp(b.code)));
        }
        None => {
            by_path.insert(r.path.clone(), r);
        }
    };
    let mut roots: HashMap<PathBuf, PathBuf> = HashMap::new();
    for inst in &installs {
        for r in lint_install(fs.clone(), inst, opts) {
            roots
                .entry(r.path.clone())
                .or_insert_with(|| inst.root.clone());
            add(r);
        }
    }
    for y in yamls {
        add(check_yaml_file(&Workspace::empty(fs.clone()), &y, opts));
    }
    c.roots = roots;
    c.results = by_path.into_values().collect();
    c
}

/// Checks one installation.
fn lint_install(fs: Arc<dyn Fs>, inst: &Install, opts: &Options) -> Vec<FileResult> {
    let ws = Workspace::load(fs, std::slice::from_ref(&inst.root));
    let wanted = |p: &Path| inst.only.as_ref().is_none_or(|o| o.contains(p));
    let mut results: Vec<FileResult> = check::check_workspace(&ws, opts)
        .into_iter()
        .filter(|r| wanted(&r.path))
        .collect();
    let mut seen: std::collections::HashSet<PathBuf> =
        results.iter().map(|r| r.path.clone()).collect();

    // Drop-ins that apply to no unit: under the root, or named.
    let mut strays: Vec<PathBuf> = match &inst.only {
        Some(o) => o
            .iter()
            .filter(|p| matches!(classify(p), FileRole::DropIn { .. }))
            .cloned()
            .collect(),
        None => stray_dropins(&ws),
    };
    strays.retain(|p| !seen.contains(p));
    for f in strays {
        seen.insert(f.clone());
        results.push(match ws.read(&f) {
            Ok(text) => FileResult {
                diagnostics: check::check_file(&ws, &f, &text, opts),
                path: f,
                text,
            },
            Err(e) => check::unreadable(&f, &e),
        });
    }

    // Kubernetes YAML used by the .kube units checked (Yaml= and ConfigMap=
    // files, resolved as podman resolves them, drop-ins included), when it
    // lies under the root (a folder PATH).
    if inst.only.is_none() {
        let mut used: BTreeSet<PathBuf> = BTreeSet::new();
        for r in &results {
            if !matches!(classify(&r.path), FileRole::Unit(ref n) if n.kind == UnitKind::Kube) {
                continue;
            }
            let Ok((unit, _)) = Unit::load(&ws, &r.path, Some(r.text.clone())) else {
                continue;
            };
            for f in crate::kube::unit_files(&unit) {
                let Some(p) = f.path else { continue };
                if !ws.exists(&p) {
                    continue;
                }
                let c = ws.fs().canonicalize(&p).unwrap_or(p);
                if c.starts_with(&inst.root) {
                    used.insert(c);
                }
            }
        }
        for y in used {
            if seen.insert(y.clone()) {
                results.push(check_yaml_file(&ws, &y, opts));
            }
        }
    }
    results
}

/// `*.d/*.conf` files under the search folders that belong to no unit
/// (those of a unit come with it from [`check::check_workspace`]).
fn stray_dropins(ws: &Workspace) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut lists: HashMap<&Path, Vec<(String, crate::workspace::EntryKind)>> = HashMap::new();
    for d in ws.dirs() {
        if let Ok(entries) = ws.fs().read_dir_kinds(d) {
            lists.insert(d, entries);
        }
    }
    for d in ws.dirs() {
        let Some(entries) = lists.get(d.as_path()) else {
            continue;
        };
        for (name, _) in entries {
            let dd = d.join(name);
            if !name.ends_with(".d") || !ws.is_dir(&dd) {
                continue;
            }
            let Ok(confs) = ws.fs().read_dir(&dd) else {
                continue;
            };
            for c in confs.into_iter().filter(|c| c.ends_with(".conf")) {
                let p = dd.join(c);
                if matches!(classify(&p), FileRole::DropIn { .. }) && ws.fs().is_file(&p) {
                    out.push(p);
                }
            }
        }
    }
    out
}

fn check_yaml_file(ws: &Workspace, y: &Path, opts: &Options) -> FileResult {
    match ws.read(y) {
        Ok(text) => {
            let mut diagnostics = crate::kube::check_yaml(&text, &opts.kube);
            diagnostics.retain(|d| !opts.disabled.contains(d.code));
            FileResult {
                path: y.to_path_buf(),
                text,
                diagnostics,
            }
        }
        Err(e) => check::unreadable(y, &e),
    }
}

pub fn describe_io(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(40) => "too many levels of symbolic links (a symlink loop?)".into(),
        _ => match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        },
    }
}
