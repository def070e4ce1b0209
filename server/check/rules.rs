//! Checks on the unit merged with its drop-ins: required keys, keys that
//! exclude each other, and the other conditions podman's generator turns
//! into errors. Each diagnostic goes to the file that has the key it is
//! about, or to the unit file when a key is missing.

use super::util::{diag, insert_into_section, looked_up, section_anchor};
use super::Options;
use crate::diag::Diagnostic;
use crate::model::{EntryRef, Unit};
use crate::schema::Version;
use crate::workspace::{UnitKind, Workspace};

type Out = Vec<(usize, Diagnostic)>;

pub(super) fn check(_ws: &Workspace, unit: &Unit, opts: &Options, out: &mut Out) {
    let sec = unit.name.kind.section();
    match unit.name.kind {
        UnitKind::Container => {
            image_or_rootfs(unit, out);
            service_settings(unit, out);
            reload(unit, out);
            user_group(unit, out);
            user_mappings(unit, sec, out);
            keep_id_in_system_mode(unit, sec, opts, out);
        }
        UnitKind::Kube => {
            if unit.lookup_all(sec, "Yaml").is_empty() {
                missing(
                    unit,
                    "Yaml",
                    "no Yaml= key: podman needs the Kubernetes YAML file to run",
                    out,
                );
            }
            service_settings(unit, out);
            user_mappings(unit, sec, out);
            keep_id_in_system_mode(unit, sec, opts, out);
            kube_working_dir(unit, out);
        }
        UnitKind::Pod => user_mappings(unit, sec, out),
        UnitKind::Volume => volume(unit, opts, out),
        UnitKind::Network => network(unit, out),
        UnitKind::Image => {
            if unit.lookup(sec, "Image").unwrap_or_default().is_empty() {
                missing(
                    unit,
                    "Image",
                    "no Image= key: podman needs the image to pull",
                    out,
                );
            }
        }
        UnitKind::Build => build(unit, out),
        UnitKind::Artifact => {
            if unit.lookup(sec, "Artifact").unwrap_or_default().is_empty() {
                missing(
                    unit,
                    "Artifact",
                    "no Artifact= key: podman needs the artifact to pull",
                    out,
                );
            }
        }
    }
}

/// A required key is missing: reported on the unit file's own section, with
/// a fix adding the key there.
fn missing(unit: &Unit, key: &str, msg: &str, out: &mut Out) {
    let sec = unit.name.kind.section();
    let main = unit.main();
    let span = section_anchor(&main.doc, sec);
    out.push((
        0,
        diag("missing-required-key", span, msg).with_fix(
            format!("Add {key}="),
            vec![insert_into_section(
                &main.doc,
                &main.text,
                sec,
                &format!("{key}="),
            )],
        ),
    ));
}

/// Whether `a` comes after `b` in merge order.
fn later<'a>(a: EntryRef<'a>, b: EntryRef<'a>) -> EntryRef<'a> {
    if (a.source, a.entry.span.start) > (b.source, b.entry.span.start) {
        a
    } else {
        b
    }
}

fn non_empty<'a>(unit: &'a Unit, sec: &str, key: &str) -> Option<EntryRef<'a>> {
    unit.last_entry(sec, key)
        .filter(|e| !looked_up(&e.entry.value).is_empty())
}

fn image_or_rootfs(unit: &Unit, out: &mut Out) {
    let image = non_empty(unit, "Container", "Image");
    let rootfs = non_empty(unit, "Container", "Rootfs");
    match (image, rootfs) {
        (None, None) => missing(
            unit,
            "Image",
            "no Image= or Rootfs= key: a container needs one of them",
            out,
        ),
        (Some(i), Some(r)) => {
            let at = later(i, r);
            out.push((
                at.source,
                diag(
                    "conflicting-keys",
                    at.entry.key_span,
                    "Image= and Rootfs= cannot both be set: keep one",
                ),
            ));
        }
        _ => {}
    }
}

fn service_settings(unit: &Unit, out: &mut Out) {
    if let Some(e) = unit.last_entry("Service", "KillMode") {
        let v = e.entry.value.trim_end();
        if v != "mixed" && v != "control-group" {
            out.push((
                e.source,
                diag(
                    "invalid-service-setting",
                    e.entry.value_span,
                    format!("invalid KillMode '{v}': podman's generator allows only `mixed` or `control-group`"),
                ),
            ));
        }
    }
    if let Some(e) = unit.last_entry("Service", "Type") {
        let v = e.entry.value.trim_end();
        if v != "notify" && v != "oneshot" {
            out.push((
                e.source,
                diag(
                    "invalid-service-setting",
                    e.entry.value_span,
                    format!("invalid service Type '{v}': podman's generator allows only `notify` or `oneshot`"),
                ),
            ));
        }
    }
}

fn reload(unit: &Unit, out: &mut Out) {
    let cmd = non_empty(unit, "Container", "ReloadCmd");
    let sig = non_empty(unit, "Container", "ReloadSignal");
    if let (Some(c), Some(s)) = (cmd, sig) {
        let at = later(c, s);
        out.push((
            at.source,
            diag(
                "conflicting-keys",
                at.entry.key_span,
                "ReloadCmd= and ReloadSignal= are mutually exclusive: keep one",
            ),
        ));
    }
}

fn user_group(unit: &Unit, out: &mut Out) {
    let user = non_empty(unit, "Container", "User");
    if let (None, Some(g)) = (user, non_empty(unit, "Container", "Group")) {
        out.push((
            g.source,
            diag(
                "missing-required-key",
                g.entry.key_span,
                "Group= is set without User=: podman needs both (set User= too)",
            ),
        ));
    }
}

fn user_mappings(unit: &Unit, sec: &str, out: &mut Out) {
    let explicit = ["UserNS", "SubUIDMap", "SubGIDMap"]
        .iter()
        .any(|k| non_empty(unit, sec, k).is_some())
        || !unit.lookup_all(sec, "UIDMap").is_empty()
        || !unit.lookup_all(sec, "GIDMap").is_empty();
    let remap_keys = ["RemapUid", "RemapGid", "RemapUsers"];
    if explicit {
        for k in remap_keys {
            if let Some(e) = unit.last_entry(sec, k) {
                out.push((
                    e.source,
                    diag(
                        "conflicting-keys",
                        e.entry.key_span,
                        format!("the deprecated {k}= cannot be combined with UserNS=, UIDMap=, GIDMap=, SubUIDMap= or SubGIDMap=: move it to those keys"),
                    ),
                ));
                return;
            }
        }
        return;
    }
    let remap = unit.lookup(sec, "RemapUsers").unwrap_or_default();
    let uids = unit.lookup_all_entries(sec, "RemapUid");
    let gids = unit.lookup_all_entries(sec, "RemapGid");
    match remap.as_str() {
        "" => {
            for (list, key) in [(&uids, "RemapUid"), (&gids, "RemapGid")] {
                if let Some(e) = list.first() {
                    out.push((
                        e.source,
                        diag(
                            "missing-required-key",
                            e.entry.key_span,
                            format!("{key}= is set without RemapUsers=; better, use UIDMap=/GIDMap= or UserNS="),
                        ),
                    ));
                }
            }
        }
        "keep-id" => {
            for (list, what) in [(&uids, "UID"), (&gids, "GID")] {
                let words: usize = list
                    .iter()
                    .map(|e| e.entry.value.split_whitespace().count())
                    .sum();
                if words > 1 {
                    if let Some(e) = list.last() {
                        out.push((
                            e.source,
                            diag(
                                "invalid-value",
                                e.entry.value_span,
                                format!("RemapUsers=keep-id takes only one {what} mapping"),
                            ),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

/// Before 5.3 the generator refused `RemapUsers=keep-id` for system units.
fn keep_id_in_system_mode(unit: &Unit, sec: &str, opts: &Options, out: &mut Out) {
    let user = opts.user
        || unit
            .sources
            .first()
            .is_some_and(|s| crate::workspace::is_rootless_path(&s.path));
    if user || opts.podman_version >= (Version { major: 5, minor: 3 }) {
        return;
    }
    let Some(e) = non_empty(unit, sec, "RemapUsers") else {
        return;
    };
    if looked_up(&e.entry.value) == "keep-id" {
        out.push((
            e.source,
            diag(
                "invalid-value",
                e.entry.value_span,
                format!(
                    "podman {} refuses RemapUsers=keep-id in a system unit (allowed from 5.3); use it in a rootless unit or upgrade",
                    opts.podman_version
                ),
            ),
        ));
    }
}

fn kube_working_dir(unit: &Unit, out: &mut Out) {
    let Some(e) = non_empty(unit, "Kube", "SetWorkingDirectory") else {
        return;
    };
    if looked_up(&e.entry.value).eq_ignore_ascii_case("yaml") {
        let yamls: usize = unit
            .lookup_all("Kube", "Yaml")
            .iter()
            .map(|v| v.split_whitespace().count())
            .sum();
        if yamls > 1 {
            out.push((
                e.source,
                diag(
                    "invalid-value",
                    e.entry.value_span,
                    "SetWorkingDirectory=yaml needs exactly one Yaml= file",
                ),
            ));
        }
    }
}

fn volume(unit: &Unit, opts: &Options, out: &mut Out) {
    let driver = unit.lookup("Volume", "Driver");
    if driver.as_deref() == Some("image") {
        if unit.last_entry("Volume", "Image").is_none() {
            if let Some(d) = unit.last_entry("Volume", "Driver") {
                out.push((
                    d.source,
                    diag(
                        "missing-required-key",
                        d.entry.value_span,
                        "Driver=image needs Image= (the image the volume is made from)",
                    ),
                ));
            }
        }
        return;
    }
    if non_empty(unit, "Volume", "Device").is_some() {
        return;
    }
    let mut keys = vec!["Type"];
    // Options= without Device= is allowed from podman 6.
    if opts.podman_version < (Version { major: 6, minor: 0 }) {
        keys.push("Options");
    }
    for k in keys {
        if let Some(e) = non_empty(unit, "Volume", k) {
            out.push((
                e.source,
                diag(
                    "missing-required-key",
                    e.entry.key_span,
                    format!("{k}= can't be used without Device="),
                ),
            ));
        }
    }
}

fn network(unit: &Unit, out: &mut Out) {
    let subnets = unit.lookup_all_entries("Network", "Subnet");
    for key in ["Gateway", "IPRange"] {
        let list = unit.lookup_all_entries("Network", key);
        if list.len() > subnets.len() {
            let extra = list[subnets.len()];
            let msg = if subnets.is_empty() {
                format!("{key}= needs a Subnet=")
            } else {
                format!(
                    "more {key}= ({}) than Subnet= ({}): each one pairs with the Subnet= at the same position",
                    list.len(),
                    subnets.len()
                )
            };
            out.push((
                extra.source,
                diag("missing-required-key", extra.entry.key_span, msg),
            ));
        }
    }
}

/// podman's test for a URL (note: any value starting with `http` passes).
fn is_url(v: &str) -> bool {
    v.starts_with("http")
        || v.starts_with("git://")
        || v.find("github.com/")
            .is_some_and(|i| v.len() > i + "github.com/".len())
}

fn build(unit: &Unit, out: &mut Out) {
    if unit.lookup_all("Build", "ImageTag").is_empty() {
        missing(
            unit,
            "ImageTag",
            "no ImageTag= key: the built image needs a name",
            out,
        );
    }
    let service_wd = unit
        .lookup("Service", "WorkingDirectory")
        .filter(|v| !v.is_empty());
    let file = unit.lookup("Build", "File");
    let file_entry = unit.last_entry("Build", "File");
    let swd = non_empty(unit, "Build", "SetWorkingDirectory");
    let mut context = String::new();
    let mut sets_wd = false;
    if let Some(e) = swd {
        let v = looked_up(&e.entry.value);
        match v.to_ascii_lowercase().as_str() {
            "yaml" => return, // reported by the value check
            "file" => match &file {
                None => {
                    out.push((
                        e.source,
                        diag(
                            "missing-required-key",
                            e.entry.value_span,
                            "SetWorkingDirectory=file needs File=",
                        ),
                    ));
                    return;
                }
                Some(f) => sets_wd = !f.is_empty(),
            },
            "unit" => sets_wd = true,
            _ => {
                context = v.to_string();
                sets_wd = !v.starts_with('/') && !is_url(v);
            }
        }
    }
    let wd = service_wd.is_some() || sets_wd;
    let file = file.unwrap_or_default();
    if !wd && file.is_empty() && context.is_empty() {
        missing(
            unit,
            "SetWorkingDirectory",
            "neither SetWorkingDirectory= nor File= is set: podman needs a build context or a Containerfile",
            out,
        );
        return;
    }
    let specifier = file.starts_with('%') && !file.starts_with("%%");
    if context.is_empty() && !specifier && !file.starts_with('/') && !is_url(&file) && !wd {
        if let Some(e) = file_entry {
            out.push((
                e.source,
                diag(
                    "missing-required-key",
                    e.entry.value_span,
                    "a relative File= needs SetWorkingDirectory= (e.g. SetWorkingDirectory=unit)",
                ),
            ));
        }
    }
}
