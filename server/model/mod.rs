//! The typed view of a unit: the main file plus its drop-ins, merged the way
//! podman merges them, with podman's lookup rules.

pub mod split;

use crate::syntax::{self, Document, Entry};
use crate::workspace::{ReadError, UnitName, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `[Unit]` keys whose values may name Quadlet unit files; the generator
/// replaces such names with the generated service names.
pub const DEPENDENCY_KEYS: [&str; 15] = [
    "After",
    "Before",
    "BindsTo",
    "Conflicts",
    "OnFailure",
    "OnSuccess",
    "PartOf",
    "PropagatesReloadTo",
    "PropagatesStopTo",
    "ReloadPropagatedFrom",
    "Requires",
    "Requisite",
    "StopPropagatedFrom",
    "Upholds",
    "Wants",
];

/// One parsed file of a unit (the main file or a drop-in).
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub doc: Document,
}

impl Source {
    pub fn new(path: PathBuf, text: Arc<str>) -> Self {
        let doc = syntax::parse(&text);
        Source { path, text, doc }
    }
}

/// An entry together with the index of the source it comes from.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    pub source: usize,
    pub entry: &'a Entry,
}

/// A unit with its drop-ins. `sources[0]` is the unit file itself; the rest
/// are drop-ins in merge order.
#[derive(Debug, Clone)]
pub struct Unit {
    pub name: UnitName,
    pub sources: Vec<Source>,
}

/// A drop-in that could not be read.
#[derive(Debug)]
pub struct DropInError {
    pub path: PathBuf,
    pub error: ReadError,
}

impl Unit {
    /// A unit from a single text, without drop-ins.
    pub fn from_text(name: UnitName, path: PathBuf, text: Arc<str>) -> Self {
        Unit {
            name,
            sources: vec![Source::new(path, text)],
        }
    }

    /// Loads a unit and its drop-ins through the workspace. The main text may
    /// be given (an editor buffer); otherwise it is read.
    pub fn load(
        ws: &Workspace,
        path: &Path,
        text: Option<Arc<str>>,
    ) -> Result<(Unit, Vec<DropInError>), ReadError> {
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let name = UnitName::parse(file_name).ok_or_else(|| {
            ReadError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{file_name} is not a Quadlet unit file name"),
            ))
        })?;
        let text = match text {
            Some(t) => t,
            None => ws.read(path)?,
        };
        let mut unit = Unit::from_text(name, path.to_path_buf(), text);
        let mut errors = Vec::new();
        for d in ws.dropins(&unit.name) {
            match ws.read(&d) {
                Ok(t) => unit.sources.push(Source::new(d, t)),
                Err(error) => errors.push(DropInError { path: d, error }),
            }
        }
        Ok((unit, errors))
    }

    pub fn main(&self) -> &Source {
        &self.sources[0]
    }

    /// Section names in merged order: the main file's first, then new ones
    /// from the drop-ins.
    pub fn section_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for s in &self.sources {
            for sec in &s.doc.sections {
                if !v.contains(&sec.name.as_str()) {
                    v.push(&sec.name);
                }
            }
        }
        v
    }

    /// All entries of a section in merged order.
    pub fn entries<'a>(&'a self, section: &str) -> Vec<EntryRef<'a>> {
        let mut v = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            if let Some(sec) = s.doc.section(section) {
                v.extend(sec.entries.iter().map(|&e| EntryRef {
                    source: i,
                    entry: &s.doc.entries[e],
                }));
            }
        }
        v
    }

    /// All entries with a key, in merged order (no reset handling).
    pub fn raw_all<'a>(&'a self, section: &str, key: &str) -> Vec<EntryRef<'a>> {
        let mut v = self.entries(section);
        v.retain(|e| e.entry.key == key);
        v
    }

    /// The last entry with a key.
    pub fn last_entry<'a>(&'a self, section: &str, key: &str) -> Option<EntryRef<'a>> {
        self.raw_all(section, key).pop()
    }

    /// podman's `Lookup`: the last value, right-trimmed, with one pair of
    /// surrounding double quotes removed.
    pub fn lookup(&self, section: &str, key: &str) -> Option<String> {
        self.last_entry(section, key)
            .map(|e| unquote_pair(e.entry.value.trim_end()).to_string())
    }

    /// podman's `LookupAll`: every value, where an empty value resets the
    /// list.
    pub fn lookup_all<'a>(&'a self, section: &str, key: &str) -> Vec<&'a str> {
        let mut v = Vec::new();
        for e in self.raw_all(section, key) {
            if e.entry.value.is_empty() {
                v.clear();
            } else {
                v.push(e.entry.value.as_str());
            }
        }
        v
    }

    /// Entries that survive `LookupAll`'s reset rule.
    pub fn lookup_all_entries<'a>(&'a self, section: &str, key: &str) -> Vec<EntryRef<'a>> {
        let mut v = Vec::new();
        for e in self.raw_all(section, key) {
            if e.entry.value.is_empty() {
                v.clear();
            } else {
                v.push(e);
            }
        }
        v
    }

    /// podman's `LookupBoolean`.
    pub fn lookup_bool(&self, section: &str, key: &str) -> Option<bool> {
        self.lookup(section, key).map(|v| parse_bool(&v))
    }

    pub fn has_section(&self, section: &str) -> bool {
        self.sources
            .iter()
            .any(|s| s.doc.section(section).is_some())
    }
}

/// `1|yes|true|on` (any case) are true; anything else is false.
pub fn parse_bool(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "yes" | "true" | "on")
}

/// Whether systemd/podman would read this as a boolean at all.
pub fn is_bool_literal(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "1" | "yes" | "true" | "on" | "0" | "no" | "false" | "off"
    )
}

/// Removes one pair of surrounding double quotes (podman 5.8.2+).
pub fn unquote_pair(v: &str) -> &str {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemFs;

    #[test]
    fn merged_lookups_follow_podman() {
        let fs = MemFs::new()
            .file(
                "/u/web.container",
                "[Container]\nImage=\"a\"\nVolume=/a:/a\nVolume=/b:/b\n",
            )
            .file(
                "/u/web.container.d/10.conf",
                "[Container]\nImage=b \nVolume=\nVolume=/c:/c\n[Unit]\nX=1\n",
            );
        let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
        let (u, errs) = Unit::load(&ws, Path::new("/u/web.container"), None).unwrap();
        assert!(errs.is_empty());
        assert_eq!(u.sources.len(), 2);
        assert_eq!(u.lookup("Container", "Image").as_deref(), Some("b"));
        assert_eq!(u.lookup_all("Container", "Volume"), ["/c:/c"]);
        assert_eq!(u.section_names(), ["Container", "Unit"]);
    }
}
