//! Which unit files podman's generator loads, and why it leaves the others
//! out.
//!
//! podman reads its search directories in order. In each directory it parses
//! every file with a unit extension whose name no earlier file has claimed;
//! a file that parses claims its name. When a file of a directory fails to
//! parse, the generator drops *every* unit of that directory (their names
//! stay claimed), so one half-typed file makes its neighbours vanish.
//!
//! [`walk`] is that loop, used by the generator itself; [`plan`] gives the
//! fate of every unit file of a workspace (for `lint`: `shadowed-unit`,
//! `dropped-unit`); [`claimant`] and [`broken_siblings`] answer the same
//! questions for one file at a cost bounded by its name and its folder (for
//! the editor).

use super::{kind_known, parse_file};
use crate::schema::Version;
use crate::syntax::SyntaxErrorKind;
use crate::workspace::{UnitKind, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A unit file podman cannot load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    /// The 1-based line that makes the parse fail, when one does (not for
    /// a file that cannot be read).
    pub line: Option<usize>,
    /// podman's message, without the `error loading "PATH", ` prefix.
    pub message: String,
}

impl LoadError {
    fn new(ws: &Workspace, path: &Path, message: String) -> Self {
        LoadError {
            path: path.to_path_buf(),
            line: fatal_line(ws, path),
            message,
        }
    }

    /// podman's log line: `error loading "PATH", MESSAGE`.
    pub fn log_line(&self) -> String {
        format!(
            "error loading {:?}, {}",
            self.path.to_string_lossy(),
            self.message
        )
    }
}

/// The first line of a file that podman's parser refuses (1-based).
fn fatal_line(ws: &Workspace, path: &Path) -> Option<usize> {
    let text = ws.read(path).ok()?;
    let doc = crate::syntax::parse(&text);
    doc.errors
        .iter()
        .filter(|e| e.kind != SyntaxErrorKind::LostContinuation)
        .map(|e| e.span.start)
        .min()
        .and_then(|at| doc.line_at(at))
        .map(|l| l + 1)
}

/// What the generator does with one unit file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Loaded and generated.
    Loaded,
    /// Not even parsed: an earlier file of the same name claimed it.
    Shadowed { by: PathBuf },
    /// The file itself does not parse.
    Unparsable(LoadError),
    /// It parses, but podman drops it with every unit of its folder
    /// because these files of the folder do not parse.
    Dropped { broken: Vec<LoadError> },
}

/// One search directory's outcome in [`walk`].
pub(super) struct DirLoad<T> {
    /// The files that parsed, in order (dropped when `failed` is not empty).
    pub parsed: Vec<(PathBuf, T)>,
    pub failed: Vec<LoadError>,
    /// Files skipped because an earlier file claimed their name: (file, claimer).
    pub shadowed: Vec<(PathBuf, PathBuf)>,
}

/// podman's loading loop over the workspace's unit files (in search order),
/// for the unit kinds `release` knows. `claimed` maps each claimed name to
/// the file that claimed it; names put there beforehand (an editor buffer
/// loaded first) are skipped.
pub(super) fn walk<T>(
    ws: &Workspace,
    claimed: &mut HashMap<String, PathBuf>,
    release: Version,
    mut parse: impl FnMut(&Path) -> Result<T, String>,
) -> Vec<DirLoad<T>> {
    let files = ws.all_unit_files();
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < files.len() {
        let dir = files[i].parent();
        let mut d = DirLoad {
            parsed: Vec::new(),
            failed: Vec::new(),
            shadowed: Vec::new(),
        };
        while i < files.len() && files[i].parent() == dir {
            let path = &files[i];
            i += 1;
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !UnitKind::from_file_name(name).is_some_and(|k| kind_known(k, release)) {
                continue;
            }
            if let Some(by) = claimed.get(name) {
                d.shadowed.push((path.clone(), by.clone()));
                continue;
            }
            match parse(path) {
                Ok(u) => {
                    claimed.insert(name.to_string(), path.clone());
                    d.parsed.push((path.clone(), u));
                }
                Err(e) => d.failed.push(LoadError::new(ws, path, e)),
            }
        }
        out.push(d);
    }
    out
}

/// The fate of every unit file of a workspace, in search order.
pub fn plan(ws: &Workspace) -> Vec<(PathBuf, Fate)> {
    let mut claimed = HashMap::new();
    let mut out = Vec::new();
    for d in walk(ws, &mut claimed, Version::DEFAULT, |p| {
        parse_file(ws, p, Version::DEFAULT).map(|_| ())
    }) {
        let mut by_path: HashMap<PathBuf, Fate> = HashMap::new();
        for (p, _) in d.parsed {
            let fate = if d.failed.is_empty() {
                Fate::Loaded
            } else {
                Fate::Dropped {
                    broken: d.failed.clone(),
                }
            };
            by_path.insert(p, fate);
        }
        for e in d.failed {
            by_path.insert(e.path.clone(), Fate::Unparsable(e));
        }
        for (p, by) in d.shadowed {
            by_path.insert(p, Fate::Shadowed { by });
        }
        let mut v: Vec<(PathBuf, Fate)> = by_path.into_iter().collect();
        v.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
        out.extend(v);
    }
    out
}

/// The file that claims `name` in the workspace: the first of that name in
/// search order that parses. Cost: one parse in the usual case (the first
/// file of the name parses).
pub fn claimant(ws: &Workspace, name: &str) -> Option<PathBuf> {
    let first = ws.unit(name)?.path.clone();
    if parse_file(ws, &first, Version::DEFAULT).is_ok() {
        return Some(first);
    }
    // Rare: the first file of this name is broken; podman takes the next.
    ws.all_unit_files()
        .iter()
        .filter(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
        .find(|p| parse_file(ws, p, Version::DEFAULT).is_ok())
        .cloned()
}

/// The files in `unit`'s folder that make podman drop every unit of that
/// folder, `unit` included: the siblings podman parses (their names not
/// claimed by an earlier folder) that fail to parse. `unit` itself is left
/// out. Cost: bounded by the folder (one listing, one parse per sibling).
pub fn broken_siblings(ws: &Workspace, unit: &Path) -> Vec<LoadError> {
    let Some(dir) = unit.parent() else {
        return Vec::new();
    };
    let Ok(names) = ws.fs().read_dir(dir) else {
        return Vec::new();
    };
    let dir_rank = ws.dirs().iter().position(|d| d == dir);
    let mut out = Vec::new();
    for name in names {
        if UnitKind::from_file_name(&name).is_none() {
            continue;
        }
        let path = dir.join(&name);
        if path == unit || !ws.fs().is_file(&path) {
            continue;
        }
        // Claimed by a file of an earlier folder?
        let earlier = ws.unit(&name).is_some_and(|first| {
            let rank = ws
                .dirs()
                .iter()
                .position(|d| Some(d.as_path()) == first.path.parent());
            rank < dir_rank
                && claimant(ws, &name).is_some_and(|c| {
                    ws.dirs()
                        .iter()
                        .position(|d| Some(d.as_path()) == c.parent())
                        < dir_rank
                })
        });
        if earlier {
            continue;
        }
        if let Err(e) = parse_file(ws, &path, Version::DEFAULT) {
            out.push(LoadError::new(ws, &path, e));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemFs;
    use std::sync::Arc;

    fn ws(files: &[(&str, &str)]) -> Workspace {
        let mut fs = MemFs::new();
        for (p, t) in files {
            fs.insert(*p, *t);
        }
        Workspace::load(Arc::new(fs), &[PathBuf::from("/r")])
    }

    #[test]
    fn fates_follow_podman() {
        let w = ws(&[
            ("/r/a/web.container", "[Container]\nImage=x\n"),
            ("/r/a/db.container", "[Container]\nImage=x\n"),
            ("/r/a/bad.container", "[Container]\nImage=x\nnot a key\n"),
            ("/r/b/web.container", "[Container]\nImage=y\n"),
            ("/r/b/bad.container", "[Container]\nImage=ok\n"),
            ("/r/c/ok.volume", "[Volume]\n"),
        ]);
        let plan = plan(&w);
        let fate = |p: &str| plan.iter().find(|(q, _)| q == Path::new(p)).map(|x| &x.1);
        let broken = LoadError {
            path: PathBuf::from("/r/a/bad.container"),
            line: Some(3),
            message: "file contains line 3: \u{201c}not a key\u{201d} which is not a key-value pair, group, or comment".into(),
        };
        assert_eq!(
            fate("/r/a/web.container"),
            Some(&Fate::Dropped {
                broken: vec![broken.clone()]
            })
        );
        assert_eq!(
            fate("/r/a/bad.container"),
            Some(&Fate::Unparsable(broken.clone()))
        );
        // The dropped unit still claims its name; the broken one does not.
        assert_eq!(
            fate("/r/b/web.container"),
            Some(&Fate::Shadowed {
                by: PathBuf::from("/r/a/web.container")
            })
        );
        assert_eq!(fate("/r/b/bad.container"), Some(&Fate::Loaded));
        assert_eq!(fate("/r/c/ok.volume"), Some(&Fate::Loaded));
        assert_eq!(plan.len(), 6);

        assert_eq!(
            broken_siblings(&w, Path::new("/r/a/web.container")),
            vec![broken]
        );
        assert!(broken_siblings(&w, Path::new("/r/a/bad.container")).is_empty());
        assert!(broken_siblings(&w, Path::new("/r/b/web.container")).is_empty());
        assert_eq!(
            claimant(&w, "bad.container"),
            Some(PathBuf::from("/r/b/bad.container"))
        );
        assert_eq!(
            claimant(&w, "web.container"),
            Some(PathBuf::from("/r/a/web.container"))
        );
    }

    #[test]
    fn a_broken_file_whose_name_is_claimed_earlier_breaks_nothing() {
        let w = ws(&[
            ("/r/a/x.container", "[Container]\nImage=x\n"),
            ("/r/b/x.container", "junk\n"),
            ("/r/b/y.container", "[Container]\nImage=x\n"),
        ]);
        let plan = plan(&w);
        assert!(plan
            .iter()
            .all(|(p, f)| *f == Fate::Loaded || p == Path::new("/r/b/x.container")));
        assert!(broken_siblings(&w, Path::new("/r/b/y.container")).is_empty());
    }
}
