//! The key table, loaded once from `schemas/quadlet-keys.json`, and the
//! systemd directive list from `schemas/systemd-directives.json`.
//!
//! Both files are data compiled into the binary (`include_str!`) and parsed
//! on first use. See `schemas/README.md` for where they come from.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// A podman version, `major.minor` (patch releases never added keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

impl Version {
    /// The release checked for and generated when nothing else is set. The
    /// one constant for it; [`crate::release`] lists the supported lines.
    pub const DEFAULT: Version = Version { major: 5, minor: 8 };

    /// Parses `5.8`, `5.8.6`, `v5.8.0` in the key table's data (lenient: `5`
    /// is 5.0). Settings from users go through [`crate::release::Target`].
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches('v');
        let mut it = s.split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next().map_or(Some(0), |m| m.parse().ok())?;
        Some(Version { major, minor })
    }
}

impl Default for Version {
    fn default() -> Self {
        Version::DEFAULT
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Version::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("bad version {s:?}")))
    }
}

/// One allowed value of an enum-like key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    pub value: String,
    pub doc: String,
}

/// One (section, key) row of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDef {
    pub section: String,
    pub key: String,
    /// Value kind, from our vocabulary (`bool`, `enum`, `int`, `size`, ...).
    pub kind: String,
    /// True when every occurrence counts (an empty value resets the list).
    pub repeat: bool,
    /// The podman flag the key turns into, if it is a plain flag.
    pub flag: Option<String>,
    /// First podman release that accepts the key in this section.
    pub since: Version,
    /// One line, our own words.
    pub doc: String,
    /// The allowed values of enum-like keys.
    pub values: Option<Vec<EnumValue>>,
    pub example: Option<String>,
    /// Set for deprecated keys: what to use instead.
    pub deprecated: Option<String>,
    /// Set for keys of the standalone quadlet that podman never accepted:
    /// what to use instead. podman rejects these keys.
    pub legacy: Option<String>,
}

impl KeyDef {
    /// The allowed values as strings (empty for non-enum keys).
    pub fn value_names(&self) -> impl Iterator<Item = &str> {
        self.values.iter().flatten().map(|v| v.value.as_str())
    }

    /// Whether podman knows this key (legacy rows are ours only).
    pub fn is_podman_key(&self) -> bool {
        self.legacy.is_none()
    }
}

/// Facts about one Quadlet section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDef {
    pub name: String,
    /// File extension without the dot, `None` for `[Quadlet]`.
    pub extension: Option<String>,
    /// First podman release with this unit type.
    pub since: Version,
    pub service_suffix: Option<String>,
    pub doc: String,
}

#[derive(Deserialize)]
struct RawTable {
    sections: Vec<SectionDef>,
    keys: Vec<KeyDef>,
}

/// The whole key table, grouped by section.
#[derive(Debug)]
pub struct KeyTable {
    sections: Vec<SectionDef>,
    /// Keys of each section, sorted by key; index parallel to `sections`.
    keys: Vec<Vec<KeyDef>>,
    index: HashMap<(String, String), (usize, usize)>,
}

static EMPTY: [KeyDef; 0] = [];

impl KeyTable {
    fn from_json(text: &str) -> Result<KeyTable, serde_json::Error> {
        let raw: RawTable = serde_json::from_str(text)?;
        let mut keys: Vec<Vec<KeyDef>> = vec![Vec::new(); raw.sections.len()];
        for k in raw.keys {
            if let Some(i) = raw.sections.iter().position(|s| s.name == k.section) {
                keys[i].push(k);
            }
        }
        let mut index = HashMap::new();
        for (si, list) in keys.iter_mut().enumerate() {
            list.sort_by(|a, b| a.key.cmp(&b.key));
            for (ki, k) in list.iter().enumerate() {
                index.insert((k.section.clone(), k.key.clone()), (si, ki));
            }
        }
        Ok(KeyTable {
            sections: raw.sections,
            keys,
            index,
        })
    }

    /// The row for a key in a section (exact, case-sensitive, as podman).
    pub fn get(&self, section: &str, key: &str) -> Option<&KeyDef> {
        // Avoid allocating for the common lookups: binary search by section.
        let si = self.sections.iter().position(|s| s.name == section)?;
        let list = self.keys.get(si)?;
        list.binary_search_by(|k| k.key.as_str().cmp(key))
            .ok()
            .and_then(|i| list.get(i))
    }

    /// Every key of a section, sorted by name (legacy rows included).
    pub fn keys(&self, section: &str) -> &[KeyDef] {
        match self.sections.iter().position(|s| s.name == section) {
            Some(i) => self.keys.get(i).map_or(&EMPTY[..], |v| v.as_slice()),
            None => &EMPTY,
        }
    }

    /// The nine Quadlet sections.
    pub fn sections(&self) -> &[SectionDef] {
        &self.sections
    }

    /// A section by name.
    pub fn section(&self, name: &str) -> Option<&SectionDef> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Every row of the table.
    pub fn all(&self) -> impl Iterator<Item = &KeyDef> {
        self.keys.iter().flatten()
    }

    /// Number of (section, key) rows, legacy rows included.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

static KEYS_JSON: &str = include_str!("../../schemas/quadlet-keys.json");
static SYSTEMD_JSON: &str = include_str!("../../schemas/systemd-directives.json");

/// The key table. Parsed on first use; the data is compiled in and checked by
/// tests, so a parse failure cannot happen in a released binary (it would
/// give an empty table rather than a panic).
pub fn table() -> &'static KeyTable {
    static T: OnceLock<KeyTable> = OnceLock::new();
    T.get_or_init(|| match KeyTable::from_json(KEYS_JSON) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("quadlet-ls: bad built-in key table: {e}");
            KeyTable {
                sections: Vec::new(),
                keys: Vec::new(),
                index: HashMap::new(),
            }
        }
    })
}

/// The systemd directives of one section: name -> value shape as systemd
/// documents it (`BOOLEAN`, `SECONDS`, `PATH [...]`, `OTHER`, ...).
pub type Directives = HashMap<String, String>;

#[derive(Deserialize)]
struct RawSystemd {
    sections: HashMap<String, Directives>,
}

/// The directives systemd accepts in `[Unit]`, `[Service]` or `[Install]`;
/// `None` for any other section.
pub fn systemd_directives(section: &str) -> Option<&'static Directives> {
    static S: OnceLock<HashMap<String, Directives>> = OnceLock::new();
    S.get_or_init(|| match serde_json::from_str::<RawSystemd>(SYSTEMD_JSON) {
        Ok(r) => r.sections,
        Err(e) => {
            eprintln!("quadlet-ls: bad built-in systemd directive list: {e}");
            HashMap::new()
        }
    })
    .get(section)
}

/// The systemd sections a Quadlet unit may carry.
pub const SYSTEMD_SECTIONS: [&str; 3] = ["Unit", "Service", "Install"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_with_all_rows() {
        let t = table();
        assert_eq!(t.sections().len(), 9);
        assert_eq!(t.all().filter(|k| k.is_podman_key()).count(), 236);
        assert_eq!(t.len(), 244);
        let k = t.get("Container", "PublishPort").unwrap();
        assert!(k.repeat);
        assert_eq!(k.kind, "port");
        assert_eq!(k.since, Version { major: 4, minor: 4 });
        assert!(t.get("Container", "publishport").is_none());
        assert!(t.get("Service", "Image").is_none());
        assert_eq!(t.keys("Quadlet").len(), 1);
        assert!(t.keys("Nope").is_empty());
        assert_eq!(
            t.get("Volume", "UID").unwrap().since,
            Version { major: 6, minor: 0 }
        );
    }

    #[test]
    fn every_row_has_a_doc_and_enum_values_have_docs() {
        for k in table().all() {
            assert!(!k.doc.is_empty(), "{}.{} has no doc", k.section, k.key);
            assert!(
                !k.doc.contains('\n'),
                "{}.{} doc is not one line",
                k.section,
                k.key
            );
            for v in k.values.iter().flatten() {
                assert!(
                    !v.doc.is_empty(),
                    "{}.{}={} has no doc",
                    k.section,
                    k.key,
                    v.value
                );
            }
        }
    }

    #[test]
    fn systemd_directives_load() {
        let s = systemd_directives("Service").unwrap();
        assert!(s.contains_key("ExecStart"));
        assert!(systemd_directives("Unit")
            .unwrap()
            .contains_key("Description"));
        assert!(systemd_directives("Install")
            .unwrap()
            .contains_key("WantedBy"));
        assert!(systemd_directives("Container").is_none());
    }

    #[test]
    fn version_parses() {
        assert_eq!(Version::parse("v5.8.2"), Some(Version::DEFAULT));
        assert_eq!(Version::parse("5"), Some(Version { major: 5, minor: 0 }));
        assert_eq!(Version::parse("x"), None);
    }
}
