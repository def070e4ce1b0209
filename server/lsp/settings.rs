//! Settings: client settings (`initializationOptions`,
//! `workspace/didChangeConfiguration`) over `quadlet-ls.toml` over defaults.

use crate::release::{self, Target};
use crate::schema::Version;
use serde_json::Value;
use std::collections::BTreeSet;

/// One layer of settings; `None` leaves the value to the layer below.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    pub podman_version: Option<Target>,
    pub user: Option<bool>,
    pub disabled_rules: Option<Vec<String>>,
    pub kube_globs: Option<Vec<String>>,
    /// Values that were set but are not valid (ignored), one sentence each,
    /// for the user to see.
    pub problems: Vec<String>,
}

/// The effective settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub podman_version: Version,
    pub user: bool,
    pub disabled_rules: BTreeSet<String>,
    pub kube_globs: Vec<String>,
    /// Set when `podmanVersion` is `auto` and the podman on PATH could not
    /// be used as is: what was used instead.
    pub release_note: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            podman_version: Version::DEFAULT,
            user: false,
            disabled_rules: BTreeSet::new(),
            kube_globs: Vec::new(),
            release_note: None,
        }
    }
}

impl Settings {
    /// `client` wins over `file`, which wins over the defaults. `auto` asks
    /// the podman on PATH.
    pub fn merge(client: &Layer, file: &Layer) -> Settings {
        Settings::merge_with(client, file, release::podman_on_path)
    }

    /// [`Settings::merge`], with `probe` answering for `auto`.
    pub fn merge_with(
        client: &Layer,
        file: &Layer,
        probe: impl FnOnce() -> release::Probe,
    ) -> Settings {
        let d = Settings::default();
        let target = client.podman_version.or(file.podman_version);
        let resolved = target.unwrap_or_default().resolve(probe);
        Settings {
            podman_version: resolved.release,
            release_note: resolved.note,
            user: client.user.or(file.user).unwrap_or(d.user),
            disabled_rules: client
                .disabled_rules
                .clone()
                .or_else(|| file.disabled_rules.clone())
                .unwrap_or_default()
                .into_iter()
                .collect(),
            kube_globs: client
                .kube_globs
                .clone()
                .or_else(|| file.kube_globs.clone())
                .unwrap_or_default(),
        }
    }

    pub fn check_options(&self) -> crate::check::Options {
        crate::check::Options {
            podman_version: self.podman_version,
            user: self.user,
            disabled: self.disabled_rules.clone(),
            kube: crate::kube::Options::default(),
        }
    }
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    })
}

/// Reads client settings: `{"quadlet-ls": {...}}` or the inner object.
/// Unknown keys and wrong types are ignored.
pub fn from_client(v: &Value) -> Layer {
    let inner = match v.get("quadlet-ls") {
        Some(i) => i,
        None => v,
    };
    let Some(o) = inner.as_object() else {
        return Layer::default();
    };
    let mut problems = Vec::new();
    let podman_version = match o.get("podmanVersion") {
        None | Some(Value::Null) => None,
        // Editors send "" for "not set".
        Some(Value::String(t)) if t.trim().is_empty() => None,
        Some(v) => target(v, "podmanVersion", &mut problems),
    };
    Layer {
        podman_version,
        user: o.get("user").and_then(Value::as_bool),
        disabled_rules: o.get("disabledRules").and_then(strings),
        kube_globs: o.get("kubeGlobs").and_then(strings),
        problems,
    }
}

/// A release setting; a bad one is noted in `problems` and ignored.
fn target(v: &Value, name: &str, problems: &mut Vec<String>) -> Option<Target> {
    let parsed = match v {
        Value::String(t) => Target::parse(t),
        // `5.4` written as a number: read it as the text it shows.
        Value::Number(n) => Target::parse(&n.to_string()),
        other => Target::parse(&other.to_string()),
    };
    match parsed {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(format!("{name}: {e}; the setting is ignored"));
            None
        }
    }
}

/// Reads `quadlet-ls.toml` (`podman-version`, `user`, `disable`). A file
/// that does not parse gives an empty layer and a message.
pub fn from_toml(text: &str) -> Result<Layer, String> {
    let v: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    let podman_version = match v.get("podman-version") {
        None => None,
        Some(toml::Value::String(t)) => {
            target(&Value::String(t.clone()), "podman-version", &mut problems)
        }
        Some(other) => {
            problems.push(format!(
                "podman-version: expected a string such as \"5.4\" or \"auto\", found a {}; \
                 the setting is ignored",
                other.type_str()
            ));
            None
        }
    };
    Ok(Layer {
        podman_version,
        problems,
        user: v.get("user").and_then(|x| x.as_bool()),
        disabled_rules: v.get("disable").and_then(|x| x.as_array()).map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        }),
        kube_globs: None,
    })
}

/// Matches a path against a glob: `*` (within a segment), `**` (any number
/// of segments), `?` (one character). A glob without `/` matches the file
/// name; otherwise the path relative to the root (or the absolute path).
pub fn glob_match(glob: &str, path: &str) -> bool {
    if !glob.contains('/') {
        let name = path.rsplit('/').next().unwrap_or(path);
        return segment_match(glob.as_bytes(), name.as_bytes());
    }
    let g: Vec<&str> = glob.trim_start_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    segments_match(&g, &p)
}

fn segments_match(g: &[&str], p: &[&str]) -> bool {
    match g.split_first() {
        None => p.is_empty(),
        Some((&"**", rest)) => (0..=p.len()).any(|i| segments_match(rest, &p[i..])),
        Some((first, rest)) => match p.split_first() {
            Some((pf, prest)) => {
                segment_match(first.as_bytes(), pf.as_bytes()) && segments_match(rest, prest)
            }
            None => false,
        },
    }
}

fn segment_match(g: &[u8], s: &[u8]) -> bool {
    // Iterative wildcard match with backtracking on the last `*`.
    let (mut gi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match g.get(gi) {
            Some(b'*') => {
                star = Some((gi, si));
                gi += 1;
            }
            Some(&c) if c == b'?' || c == s[si] => {
                gi += 1;
                si += 1;
            }
            _ => match star {
                Some((sg, ss)) => {
                    gi = sg + 1;
                    si = ss + 1;
                    star = Some((sg, ss + 1));
                }
                None => return false,
            },
        }
    }
    g[gi.min(g.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn client_settings_wrapped_or_not_and_precedence() {
        let a = from_client(&json!({"quadlet-ls": {"podmanVersion": "5.4", "user": true}}));
        let b = from_client(&json!({"podmanVersion": "5.4", "user": true}));
        assert_eq!(a, b);
        let f = from_toml("podman-version = \"5.2\"\nuser = false\ndisable = [\"x\"]\n").unwrap();
        let s = Settings::merge(&a, &f);
        assert_eq!(s.podman_version, Version { major: 5, minor: 4 });
        assert!(s.user);
        assert_eq!(s.disabled_rules.iter().collect::<Vec<_>>(), ["x"]);
    }

    #[test]
    fn release_targets_auto_and_bad_values() {
        use crate::release::Probe;
        let auto = from_client(&json!({"podmanVersion": "auto"}));
        assert_eq!(auto.podman_version, Some(Target::Auto));
        let s = Settings::merge_with(&auto, &Layer::default(), || {
            Probe::Printed("podman version 5.4.2".into())
        });
        assert_eq!(s.podman_version, Version { major: 5, minor: 4 });
        assert_eq!(s.release_note, None);
        let s = Settings::merge_with(&auto, &Layer::default(), || {
            Probe::Unavailable("no podman on PATH".into())
        });
        assert_eq!(s.podman_version, Version::DEFAULT);
        assert!(s.release_note.unwrap().contains("no podman on PATH"));
        // A line never runs the probe.
        let line = from_client(&json!({"podmanVersion": "5.8.6"}));
        let s = Settings::merge_with(&line, &Layer::default(), || panic!("probed"));
        assert_eq!(s.podman_version, Version { major: 5, minor: 8 });
        // Bad values are noted and leave the layer below in force.
        let bad = from_client(&json!({"podmanVersion": "9"}));
        assert_eq!(bad.podman_version, None);
        assert_eq!(bad.problems.len(), 1);
        let file = from_toml("podman-version = \"4.4\"\n").unwrap();
        let s = Settings::merge_with(&bad, &file, || panic!("probed"));
        assert_eq!(s.podman_version, Version { major: 4, minor: 4 });
        let unset = from_client(&json!({"podmanVersion": ""}));
        assert_eq!(unset, Layer::default());
        let f = from_toml("podman-version = 5.4\n").unwrap();
        assert_eq!(f.podman_version, None);
        assert!(
            f.problems[0].contains("expected a string"),
            "{:?}",
            f.problems
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.yaml", "/w/k8s/a.yaml"));
        assert!(glob_match("k8s/**/*.yml", "k8s/a/b/c.yml"));
        assert!(glob_match("k8s/**/*.yml", "k8s/c.yml"));
        assert!(!glob_match("k8s/*.yml", "k8s/a/c.yml"));
        assert!(glob_match("a?c*", "abcdef"));
        assert!(!glob_match("a?c", "ac"));
    }
}
