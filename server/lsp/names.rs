//! The names completion offers from the workspace (unit file names by type,
//! the services they generate, YAML files), kept sorted so that a typed
//! prefix selects its candidates with one range scan: the cost of a
//! completion is bounded by the number of items returned, not by the size
//! of the workspace.
//!
//! Built once from the [`Workspace`] index and updated per file
//! ([`NameIndex::file_changed`]) when the workspace learns of a change.

use crate::workspace::{UnitKind, UnitName, Workspace};
use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::Path;

/// Sorted names; see the module docs.
#[derive(Debug, Default)]
pub struct NameIndex {
    /// Per unit type (indexed like [`UnitKind::ALL`]): (lower-case file
    /// name, file name).
    units: [BTreeSet<(String, String)>; 8],
    /// (lower-case service name, service name, unit file name).
    services: BTreeSet<(String, String, String)>,
    /// Full paths of the YAML files in the search directories.
    yaml: BTreeSet<String>,
}

fn slot(kind: UnitKind) -> usize {
    UnitKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// The service podman generates for a unit.
pub fn service_name(u: &UnitName) -> String {
    format!("{}{}.service", u.stem, u.kind.service_suffix())
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

impl NameIndex {
    /// Indexes every unit and YAML file the workspace knows.
    pub fn build(ws: &Workspace) -> NameIndex {
        let mut ix = NameIndex::default();
        for u in ws.units() {
            ix.insert_unit(&u.name);
        }
        for p in ws.other_files() {
            if is_yaml(p) {
                if let Some(s) = p.to_str() {
                    ix.yaml.insert(s.to_string());
                }
            }
        }
        ix
    }

    fn insert_unit(&mut self, n: &UnitName) {
        let lower = n.file_name.to_lowercase();
        self.units[slot(n.kind)].insert((lower, n.file_name.clone()));
        let service = service_name(n);
        self.services
            .insert((service.to_lowercase(), service, n.file_name.clone()));
    }

    fn remove_unit(&mut self, n: &UnitName) {
        self.units[slot(n.kind)].remove(&(n.file_name.to_lowercase(), n.file_name.clone()));
        let service = service_name(n);
        self.services
            .remove(&(service.to_lowercase(), service, n.file_name.clone()));
    }

    /// Follows the workspace after `path` was created, changed or deleted
    /// (call after [`Workspace::file_changed`]). Cost: a few tree
    /// operations.
    pub fn file_changed(&mut self, ws: &Workspace, path: &Path) {
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            return;
        };
        if let Some(n) = UnitName::parse(file_name) {
            // Whether the name is known depends on every search directory
            // (first name wins), which the workspace has worked out.
            self.remove_unit(&n);
            if ws.unit(file_name).is_some() {
                self.insert_unit(&n);
            }
        } else if is_yaml(path) {
            let Some(s) = path.to_str() else { return };
            let listed = path
                .parent()
                .is_some_and(|p| ws.dirs().iter().any(|d| d == p));
            if listed && ws.fs().is_file(path) {
                self.yaml.insert(s.to_string());
            } else {
                self.yaml.remove(s);
            }
        }
    }

    /// Unit file names of `kind` starting with `prefix` (ignoring case), in
    /// order, at most `limit`.
    pub fn units<'a>(
        &'a self,
        kind: UnitKind,
        prefix: &str,
        limit: usize,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let p = prefix.to_lowercase();
        self.units[slot(kind)]
            .range((
                Bound::Included((p.clone(), String::new())),
                Bound::Unbounded,
            ))
            .take_while(move |(l, _)| l.starts_with(&p))
            .take(limit)
            .map(|(_, n)| n.as_str())
    }

    /// (service name, unit file name) for services starting with `prefix`
    /// (ignoring case), in order, at most `limit`.
    pub fn services<'a>(
        &'a self,
        prefix: &str,
        limit: usize,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let p = prefix.to_lowercase();
        self.services
            .range((
                Bound::Included((p.clone(), String::new(), String::new())),
                Bound::Unbounded,
            ))
            .take_while(move |(l, _, _)| l.starts_with(&p))
            .take(limit)
            .map(|(_, s, u)| (s.as_str(), u.as_str()))
    }

    /// Full paths of YAML files starting with `prefix` (exactly), in order,
    /// at most `limit`.
    pub fn yaml<'a>(&'a self, prefix: &str, limit: usize) -> impl Iterator<Item = &'a str> + 'a {
        let p = prefix.to_string();
        self.yaml
            .range::<String, _>((Bound::Included(&p), Bound::Unbounded))
            .take_while(move |s| s.starts_with(&p))
            .take(limit)
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemFs;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn ws(fs: MemFs) -> Workspace {
        Workspace::load(Arc::new(fs), &[PathBuf::from("/ws")])
    }

    #[test]
    fn prefix_ranges_ignore_case_and_stop_at_the_limit() {
        let w = ws(MemFs::new()
            .file("/ws/db.network", "")
            .file("/ws/DB2.network", "")
            .file("/ws/dc.network", "")
            .file("/ws/d.volume", "")
            .file("/ws/k/app.yaml", "")
            .file("/ws/k/b.yml", "")
            .file("/ws/k/notes.txt", ""));
        let ix = NameIndex::build(&w);
        let got: Vec<&str> = ix.units(UnitKind::Network, "Db", 10).collect();
        assert_eq!(got, ["db.network", "DB2.network"]);
        let got: Vec<&str> = ix.units(UnitKind::Network, "d", 2).collect();
        assert_eq!(got, ["db.network", "DB2.network"]);
        assert_eq!(ix.units(UnitKind::Network, "x", 10).count(), 0);
        assert_eq!(ix.services("d.", 10).count(), 0);
        let got: Vec<(&str, &str)> = ix.services("d-", 10).collect();
        assert_eq!(got, [("d-volume.service", "d.volume")]);
        let got: Vec<&str> = ix.yaml("/ws/k/", 10).collect();
        assert_eq!(got, ["/ws/k/app.yaml", "/ws/k/b.yml"]);
    }

    #[test]
    fn follows_created_and_deleted_files() {
        let mut fs = MemFs::new().file("/ws/a.pod", "");
        let mut ix = NameIndex::build(&ws(fs.clone()));
        fs.insert("/ws/b.pod", "");
        fs.insert("/ws/x.yaml", "");
        fs.remove(Path::new("/ws/a.pod"));
        // The workspace as it is after the changes; the index is told of
        // each changed file.
        let w = ws(fs);
        for p in ["/ws/a.pod", "/ws/b.pod", "/ws/x.yaml"] {
            ix.file_changed(&w, Path::new(p));
        }
        let got: Vec<&str> = ix.units(UnitKind::Pod, "", 10).collect();
        assert_eq!(got, ["b.pod"]);
        let got: Vec<&str> = ix.yaml("/ws/", 10).collect();
        assert_eq!(got, ["/ws/x.yaml"]);
        let got: Vec<(&str, &str)> = ix.services("", 10).collect();
        assert_eq!(got, [("b-pod.service", "b.pod")]);
    }
}
