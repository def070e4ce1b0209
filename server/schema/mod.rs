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
    pub const DEFAULT: Version = Version { major: 6, minor: 1 };

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
    /// The first release that accepts this value, when it came later than
    /// the key (`Notify=healthy`: 5.0); `None`: as old as the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Version>,
}

impl EnumValue {
    /// Whether podman `release` accepts this value (the key's own range
    /// aside).
    pub fn accepted_in(&self, release: Version) -> bool {
        self.since.is_none_or(|s| s <= release)
    }
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
    /// Last podman release line that accepts it, for keys a later release
    /// dropped (`None`: still accepted by the newest line).
    #[serde(default)]
    pub until: Option<Version>,
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
    /// How the generator turns the key into podman flags when podman does
    /// it with one of its generic table-driven emitters (`None`: the key
    /// has dedicated code in the generator, or emits nothing).
    #[serde(default)]
    pub emit: Option<Vec<Emit>>,
}

/// podman's generic emitters: a key of one of these groups becomes its
/// `flag` followed by the value(s), with nothing else to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmitGroup {
    /// The last value, skipped when empty: `FLAG VALUE`.
    String,
    /// Every value, verbatim (an empty one resets the list): `FLAG VALUE` each.
    Strings,
    /// The last value as a boolean: `FLAG` or `FLAG=false`.
    Bool,
    /// Every value split into `K=V` words: `FLAG K=V` each, sorted by `K`
    /// within one key.
    Keyval,
    /// The health-check keys: like `String`, in a fixed order of podman's.
    Health,
}

impl EmitGroup {
    pub const ALL: [EmitGroup; 5] = [
        EmitGroup::String,
        EmitGroup::Strings,
        EmitGroup::Bool,
        EmitGroup::Keyval,
        EmitGroup::Health,
    ];
}

/// One way a key is emitted, for the releases it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emit {
    pub group: EmitGroup,
    /// Position within the group of the section. podman iterates a Go map
    /// for most groups (random order from run to run); ours is fixed.
    pub order: u16,
    /// The releases this emission applies to, within the key's own range.
    #[serde(default)]
    pub since: Option<Version>,
    #[serde(default)]
    pub until: Option<Version>,
    /// The flag, when it is not the key's `flag`.
    #[serde(default)]
    pub flag: Option<String>,
}

/// A key of one emitter group, ready for the generator: every field is
/// resolved from the key's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitter {
    pub key: String,
    pub flag: String,
    pub since: Version,
    pub until: Option<Version>,
}

impl Emitter {
    pub fn applies(&self, release: Version) -> bool {
        in_range(self.since, self.until, release)
    }
}

fn in_range(since: Version, until: Option<Version>, v: Version) -> bool {
    since <= v && until.is_none_or(|u| v <= u)
}

impl KeyDef {
    /// The allowed values as strings (empty for non-enum keys).
    pub fn value_names(&self) -> impl Iterator<Item = &str> {
        self.values.iter().flatten().map(|v| v.value.as_str())
    }

    /// The allowed values that podman `release` accepts.
    pub fn values_in(&self, release: Version) -> impl Iterator<Item = &EnumValue> {
        self.values
            .iter()
            .flatten()
            .filter(move |v| v.accepted_in(release))
    }

    /// The allowed value `value` (exact match), if the key has it.
    pub fn value(&self, value: &str) -> Option<&EnumValue> {
        self.values.iter().flatten().find(|v| v.value == value)
    }

    /// Whether podman knows this key (legacy rows are ours only).
    pub fn is_podman_key(&self) -> bool {
        self.legacy.is_none()
    }

    /// Whether podman `release` accepts the key (`since`..=`until`; legacy
    /// rows never).
    pub fn accepted_in(&self, release: Version) -> bool {
        self.is_podman_key() && in_range(self.since, self.until, release)
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
    /// Per section (parallel to `sections`), per [`EmitGroup`] (indexed
    /// by its discriminant): the emitters, sorted by order then key.
    emitters: Vec<[Vec<Emitter>; 5]>,
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
        let mut emitters = Vec::with_capacity(keys.len());
        for (si, list) in keys.iter_mut().enumerate() {
            list.sort_by(|a, b| a.key.cmp(&b.key));
            for (ki, k) in list.iter().enumerate() {
                index.insert((k.section.clone(), k.key.clone()), (si, ki));
            }
            emitters.push(section_emitters(list));
        }
        Ok(KeyTable {
            sections: raw.sections,
            keys,
            index,
            emitters,
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

    /// The keys of a section that podman emits with one generic emitter,
    /// in emission order, for every release (filter with
    /// [`Emitter::applies`]).
    pub fn emitters(&self, section: &str, group: EmitGroup) -> &[Emitter] {
        let Some(si) = self.sections.iter().position(|s| s.name == section) else {
            return &[];
        };
        self.emitters
            .get(si)
            .map_or(&[], |e| e[group as usize].as_slice())
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

/// The emitters of one section's keys, grouped and ordered.
fn section_emitters(keys: &[KeyDef]) -> [Vec<Emitter>; 5] {
    let mut out: [Vec<(u16, Emitter)>; 5] = Default::default();
    for k in keys.iter().filter(|k| k.is_podman_key()) {
        for e in k.emit.iter().flatten() {
            let Some(flag) = e.flag.as_ref().or(k.flag.as_ref()) else {
                continue;
            };
            let since = e.since.map_or(k.since, |s| s.max(k.since));
            let until = match (e.until, k.until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            out[e.group as usize].push((
                e.order,
                Emitter {
                    key: k.key.clone(),
                    flag: flag.clone(),
                    since,
                    until,
                },
            ));
        }
    }
    out.map(|mut v| {
        v.sort_by(|a, b| (a.0, &a.1.key).cmp(&(b.0, &b.1.key)));
        v.into_iter().map(|(_, e)| e).collect()
    })
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
                emitters: Vec::new(),
            }
        }
    })
}

/// The systemd directives of one section: name -> value shape as systemd
/// documents it (`BOOLEAN`, `SECONDS`, `PATH [...]`, `OTHER`, ...).
pub type Directives = HashMap<String, String>;

#[derive(Deserialize, Default)]
struct RawSystemd {
    #[serde(default)]
    source: String,
    #[serde(default)]
    older: String,
    sections: HashMap<String, Directives>,
    #[serde(default)]
    kinds: HashMap<String, HashMap<String, String>>,
    #[serde(default)]
    enums: HashMap<String, Vec<String>>,
    #[serde(default)]
    deprecated: HashMap<String, HashMap<String, DeprecatedDirective>>,
}

/// A directive systemd's older list has and its current one dropped.
#[derive(Debug, Deserialize)]
pub struct DeprecatedDirective {
    /// The directive to use instead, if there is one.
    pub replacement: Option<String>,
}

fn systemd_data() -> &'static RawSystemd {
    static S: OnceLock<RawSystemd> = OnceLock::new();
    S.get_or_init(|| match serde_json::from_str::<RawSystemd>(SYSTEMD_JSON) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("quadlet-ls: bad built-in systemd directive list: {e}");
            RawSystemd::default()
        }
    })
}

/// The directives systemd accepts in `[Unit]`, `[Service]` or `[Install]`;
/// `None` for any other section.
pub fn systemd_directives(section: &str) -> Option<&'static Directives> {
    systemd_data().sections.get(section)
}

/// The value kind quadlet-ls checks a systemd directive's value by (`bool`,
/// `timespan`, `restart`, ...; see `schemas/README.md`), if any.
pub fn systemd_kind(section: &str, directive: &str) -> Option<&'static str> {
    systemd_data()
        .kinds
        .get(section)?
        .get(directive)
        .map(String::as_str)
}

/// The values of an enum kind of systemd directive (`restart`: `no`,
/// `always`, ...). A value ending in `:` is a prefix (`file:PATH`).
pub fn systemd_enum(kind: &str) -> Option<&'static [String]> {
    systemd_data().enums.get(kind).map(Vec::as_slice)
}

/// A directive systemd has deprecated and no longer lists.
pub fn systemd_deprecated(section: &str, directive: &str) -> Option<&'static DeprecatedDirective> {
    systemd_data().deprecated.get(section)?.get(directive)
}

/// The systemd release of the current directive list (`systemd 262`) and
/// of the older one that deprecated directives are found in.
pub fn systemd_releases() -> (&'static str, &'static str) {
    let d = systemd_data();
    (&d.source, &d.older)
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
        assert_eq!(t.all().filter(|k| k.is_podman_key()).count(), 237);
        assert_eq!(t.len(), 245);
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
        // The one key of 6.1 (probed on the 6.1.1 generator).
        let iv = t.get("Container", "ImageVolume").unwrap();
        assert_eq!(iv.since, Version { major: 6, minor: 1 });
        assert!(iv.accepted_in(Version { major: 6, minor: 1 }));
        assert!(!iv.accepted_in(Version { major: 6, minor: 0 }));
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
    fn emitter_groups_resolve_flags_and_order() {
        let t = table();
        let count = |g| -> usize {
            t.sections()
                .iter()
                .map(|s| t.emitters(&s.name, g).len())
                .sum()
        };
        // podman's generic emitters, over every section (Entrypoint counts
        // once more: a string row until 5.7; the image and build strings
        // too: `--flag=value` rows until 5.2).
        assert_eq!(count(EmitGroup::String), 44 + 11);
        assert_eq!(count(EmitGroup::Strings), 20);
        assert_eq!(count(EmitGroup::Bool), 13);
        assert_eq!(count(EmitGroup::Keyval), 11);
        assert_eq!(count(EmitGroup::Health), 14);
        let health: Vec<&str> = t
            .emitters("Container", EmitGroup::Health)
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(
            &health[..3],
            ["HealthCmd", "HealthInterval", "HealthOnFailure"]
        );
        let ep = t
            .emitters("Container", EmitGroup::String)
            .iter()
            .find(|e| e.key == "Entrypoint")
            .unwrap();
        assert_eq!(ep.flag, "--entrypoint");
        assert!(ep.applies(Version { major: 5, minor: 7 }));
        assert!(!ep.applies(Version { major: 5, minor: 8 }));
        let tag = &t.emitters("Build", EmitGroup::Strings);
        assert!(tag.iter().any(|e| e.key == "ImageTag" && e.flag == "--tag"));
        for s in t.sections() {
            for g in EmitGroup::ALL {
                for e in t.emitters(&s.name, g) {
                    // A final `=` joins the value (podman before 5.3).
                    let name = e.flag.strip_suffix('=').unwrap_or(&e.flag);
                    assert!(
                        name.starts_with("--") && !name.contains([' ', '=']),
                        "{}.{}: {:?}",
                        s.name,
                        e.key,
                        e.flag
                    );
                }
            }
        }
        assert!(t.emitters("Nope", EmitGroup::Bool).is_empty());
    }

    #[test]
    fn value_since_is_later_than_the_key_and_filters() {
        for k in table().all() {
            for v in k.values.iter().flatten() {
                if let Some(s) = v.since {
                    assert!(
                        s > k.since && crate::release::is_supported(s),
                        "{}.{}={}: since {s} must be a line after the key's {}",
                        k.section,
                        k.key,
                        v.value,
                        k.since
                    );
                }
            }
        }
        let n = table().get("Container", "Notify").unwrap();
        let names = |r| -> Vec<&str> { n.values_in(r).map(|v| v.value.as_str()).collect() };
        assert!(!names(Version { major: 4, minor: 9 }).contains(&"healthy"));
        assert!(names(Version { major: 5, minor: 0 }).contains(&"healthy"));
    }

    #[test]
    fn accepted_in_covers_since_until() {
        let mut k = table().get("Container", "Image").unwrap().clone();
        let v = |major, minor| Version { major, minor };
        assert!(k.accepted_in(v(4, 4)) && !k.accepted_in(v(4, 3)));
        k.until = Some(v(5, 4));
        assert!(k.accepted_in(v(5, 4)) && !k.accepted_in(v(5, 5)));
        k.until = None;
        k.legacy = Some("x".into());
        assert!(!k.accepted_in(v(5, 8)));
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
        assert_eq!(
            Version::parse("v5.8.2"),
            Some(Version { major: 5, minor: 8 })
        );
        assert_eq!(Version::parse("6.1.1"), Some(Version::DEFAULT));
        assert_eq!(Version::parse("5"), Some(Version { major: 5, minor: 0 }));
        assert_eq!(Version::parse("x"), None);
    }
}
