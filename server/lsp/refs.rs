//! References between files: which entry of which unit names which other
//! unit or file, and the reverse index (who uses `db.network`), kept up to
//! date one file at a time.

use crate::syntax::{Document, Entry, Span};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A unit by file name, resolved through the workspace (`db.network`).
    Unit(String),
    /// A file path, resolved against the unit's directory.
    File(PathBuf),
}

/// One reference inside a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub key: String,
    /// The referring text in the document.
    pub span: Span,
    pub target: Target,
}

const UNIT_SECTIONS: [&str; 8] = [
    "Container",
    "Volume",
    "Network",
    "Kube",
    "Pod",
    "Image",
    "Build",
    "Artifact",
];

/// The directory relative paths resolve against: the unit's own directory,
/// or for a drop-in the directory holding the `.d` folder.
pub fn base_dir(path: &Path) -> Option<&Path> {
    let dir = path.parent()?;
    let is_dropin_dir = dir
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".d"));
    if is_dropin_dir {
        dir.parent()
    } else {
        Some(dir)
    }
}

/// The references of one parsed document.
pub fn extract(doc: &Document, path: &Path) -> Vec<Ref> {
    let mut out = Vec::new();
    for e in &doc.entries {
        let Some(sec) = e.section.and_then(|s| doc.sections.get(s)) else {
            continue;
        };
        if !UNIT_SECTIONS.contains(&sec.name.as_str()) {
            continue;
        }
        if let Some(r) = entry_ref(e, path) {
            out.push(r);
        }
    }
    out
}

/// The reference an entry makes, if any.
pub fn entry_ref(e: &Entry, path: &Path) -> Option<Ref> {
    let v = e.value.as_str();
    let first_len = v.find(':').unwrap_or(v.len());
    let first = &v[..first_len];
    let unit = |len: usize, name: &str| {
        Some(Ref {
            key: e.key.clone(),
            span: e.value_range(0, len),
            target: Target::Unit(name.to_string()),
        })
    };
    match e.key.as_str() {
        "Network" if first.ends_with(".network") || first.ends_with(".container") => {
            unit(first_len, first)
        }
        "Volume" if first.ends_with(".volume") => unit(first_len, first),
        "Pod" if v.ends_with(".pod") => unit(v.len(), v),
        "Image" if v.ends_with(".image") || v.ends_with(".build") => unit(v.len(), v),
        "Yaml" | "ConfigMap" | "EnvironmentFile" if !v.is_empty() && !v.contains('%') => {
            let p = Path::new(v);
            let abs = if p.is_absolute() {
                p.to_path_buf()
            } else {
                base_dir(path)?.join(p)
            };
            Some(Ref {
                key: e.key.clone(),
                span: e.value_range(0, v.len()),
                target: Target::File(normalize(&abs)),
            })
        }
        _ => None,
    }
}

/// Removes `.` and resolves `..` lexically (no disk access).
pub fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Forward and reverse references of every known unit file.
#[derive(Debug, Default)]
pub struct RefIndex {
    forward: HashMap<PathBuf, Vec<Target>>,
    reverse: HashMap<Target, BTreeSet<PathBuf>>,
}

impl RefIndex {
    /// Replaces the references of one file (pass an empty list when the file
    /// is gone).
    pub fn set(&mut self, path: &Path, targets: Vec<Target>) {
        if let Some(old) = self.forward.remove(path) {
            for t in old {
                if let Some(users) = self.reverse.get_mut(&t) {
                    users.remove(path);
                    if users.is_empty() {
                        self.reverse.remove(&t);
                    }
                }
            }
        }
        if targets.is_empty() {
            return;
        }
        for t in &targets {
            self.reverse
                .entry(t.clone())
                .or_default()
                .insert(path.to_path_buf());
        }
        self.forward.insert(path.to_path_buf(), targets);
    }

    /// Files that reference a target.
    pub fn users(&self, t: &Target) -> impl Iterator<Item = &Path> {
        self.reverse
            .get(t)
            .into_iter()
            .flatten()
            .map(|p| p.as_path())
    }

    pub fn targets(&self, path: &Path) -> &[Target] {
        self.forward.get(path).map_or(&[], |v| v.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_unit_and_file_refs() {
        let text = "[Container]\nNetwork=db.network:ip=1.2.3.4\nVolume=data.volume:/d\nPod=p.pod\nImage=b.build\nEnvironmentFile=./env/../env/x.env\n[Kube]\nYaml=/abs/k.yaml\n";
        let doc = crate::syntax::parse(text);
        let refs = extract(&doc, Path::new("/w/web.container"));
        let got: Vec<(&str, &str)> = refs
            .iter()
            .map(|r| (r.key.as_str(), r.span.slice(text)))
            .collect();
        assert_eq!(
            got,
            [
                ("Network", "db.network"),
                ("Volume", "data.volume"),
                ("Pod", "p.pod"),
                ("Image", "b.build"),
                ("EnvironmentFile", "./env/../env/x.env"),
                ("Yaml", "/abs/k.yaml")
            ]
        );
        assert_eq!(refs[4].target, Target::File(PathBuf::from("/w/env/x.env")));
        let mut idx = RefIndex::default();
        idx.set(
            Path::new("/w/web.container"),
            refs.into_iter().map(|r| r.target).collect(),
        );
        let t = Target::Unit("db.network".into());
        assert_eq!(idx.users(&t).count(), 1);
        idx.set(Path::new("/w/web.container"), vec![]);
        assert_eq!(idx.users(&t).count(), 0);
    }
}
