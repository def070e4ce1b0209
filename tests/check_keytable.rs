//! Keeps `schemas/quadlet-keys.json` in agreement with the reference key
//! table in `../shared/data/quadlet-keytable.json` (sections, keys, repeat,
//! flag, since). Skipped without `../shared` (see tests/support/mod.rs).

mod support;

use quadlet_ls::schema::{table, EmitGroup, Version};
use std::collections::BTreeSet;

fn norm_since(s: &str) -> Version {
    if s == "main" {
        return Version { major: 6, minor: 0 };
    }
    Version::parse(s).expect("reference since")
}

/// The same normalisation as `schemas/tools/update_keytable.py`.
fn norm_flag(f: Option<&str>) -> Option<String> {
    let f = f?;
    if !f.starts_with('-') {
        return None;
    }
    let mut f = f;
    for sep in [" (", " / ", " | "] {
        f = f.split(sep).next().unwrap_or(f);
    }
    Some(f.trim().to_string())
}

#[test]
fn key_table_agrees_with_reference() {
    let Some(path) = support::shared(
        "key_table_agrees_with_reference",
        "data/quadlet-keytable.json",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let reference: serde_json::Value = serde_json::from_str(&text).unwrap();
    let t = table();
    let mut seen = BTreeSet::new();
    let sections = reference["sections"].as_object().unwrap();
    let ours: BTreeSet<&str> = t.sections().iter().map(|s| s.name.as_str()).collect();
    let theirs: BTreeSet<&str> = sections.keys().map(|s| s.as_str()).collect();
    assert_eq!(ours, theirs, "sections differ");
    for (name, sec) in sections {
        let def = t.section(name).unwrap();
        assert_eq!(
            def.since,
            norm_since(sec["since"].as_str().unwrap()),
            "{name} since"
        );
        for k in sec["keys"].as_array().unwrap() {
            let key = k["key"].as_str().unwrap();
            let row = t
                .get(name, key)
                .unwrap_or_else(|| panic!("{name}.{key} missing from schemas/quadlet-keys.json"));
            assert!(
                row.legacy.is_none(),
                "{name}.{key} is a podman key, not legacy"
            );
            assert_eq!(
                row.repeat,
                k["repeat"].as_bool().unwrap(),
                "{name}.{key} repeat"
            );
            assert_eq!(row.flag, norm_flag(k["flag"].as_str()), "{name}.{key} flag");
            assert_eq!(
                row.since,
                norm_since(k["since"].as_str().unwrap()),
                "{name}.{key} since"
            );
            if k.get("deprecated").and_then(|d| d.as_bool()) == Some(true) {
                assert!(
                    row.deprecated.is_some(),
                    "{name}.{key} should be deprecated"
                );
            }
            if let Some(vals) = k["value"].get("values").and_then(|v| v.as_array()) {
                let theirs: BTreeSet<&str> = vals.iter().filter_map(|v| v.as_str()).collect();
                let ours: BTreeSet<&str> = row.value_names().collect();
                assert!(
                    theirs.is_subset(&ours),
                    "{name}.{key} values {theirs:?} vs {ours:?}"
                );
            }
            // podman's generic emitters: the reference's `handling` is the
            // emit group the generator uses for the newest release.
            let group = match k["handling"].as_str() {
                Some("table:string") => Some(EmitGroup::String),
                Some("table:allStrings") => Some(EmitGroup::Strings),
                Some("table:bool") => Some(EmitGroup::Bool),
                Some("table:keyval") => Some(EmitGroup::Keyval),
                Some("table:health") => Some(EmitGroup::Health),
                _ => None,
            };
            let newest = row
                .emit
                .iter()
                .flatten()
                .find(|e| e.until.is_none())
                .map(|e| e.group);
            assert_eq!(newest, group, "{name}.{key} emit group");
            seen.insert((name.clone(), key.to_string()));
        }
    }
    // The reference covers podman's source up to 6.0; a key it lacks must
    // be newer than that (found by probing a newer generator).
    let newest_ref = sections
        .values()
        .flat_map(|s| s["keys"].as_array().unwrap())
        .map(|k| norm_since(k["since"].as_str().unwrap()))
        .max()
        .unwrap();
    for row in t.all() {
        if row.legacy.is_none() {
            assert!(
                seen.contains(&(row.section.clone(), row.key.clone())) || row.since > newest_ref,
                "{}.{} is not in the reference table",
                row.section,
                row.key
            );
        }
    }
    assert_eq!(seen.len(), 236);
}

#[test]
fn systemd_directives_agree_with_reference() {
    let Some(path) = support::shared(
        "systemd_directives_agree_with_reference",
        "data/systemd-262-directives.txt",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut cur = String::new();
    let mut n = 0;
    for line in text.lines() {
        let line = line.trim();
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            cur = s.to_string();
            continue;
        }
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        if let Some(d) = quadlet_ls::schema::systemd_directives(&cur) {
            assert!(d.contains_key(name.trim()), "[{cur}] {name} missing");
            n += 1;
        }
    }
    assert!(n > 300);
}
