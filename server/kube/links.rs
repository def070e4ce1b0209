//! Checks that tie a `.kube` unit to the files it names.

use super::validate;
use crate::diag::Diagnostic;
use crate::model::{EntryRef, Unit};
use crate::syntax::Span;
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};

/// A file a `.kube` unit names, resolved the way podman's generator does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFileRef {
    /// `Yaml` or `ConfigMap`.
    pub key: &'static str,
    /// Index into `unit.sources` of the file holding the entry.
    pub source: usize,
    /// The word as written.
    pub written: String,
    /// The byte range of the word in that source.
    pub span: Span,
    /// The resolved path; `None` when it starts with a systemd specifier
    /// (resolved only at generation time).
    pub path: Option<PathBuf>,
}

/// Splits a value into words the way systemd does for string lists
/// (whitespace separated, `"..."`/`'...'` quoting, backslash escapes), with
/// each word's byte range in the value.
pub fn split_words(value: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        let mut word = String::new();
        let mut quote: Option<u8> = None;
        let mut chars = value[i..].char_indices().peekable();
        let mut end = b.len();
        while let Some((off, c)) = chars.next() {
            let pos = i + off;
            match quote {
                Some(q) if c as u32 == u32::from(q) => quote = None,
                Some(_) if c == '\\' => {
                    if let Some((_, n)) = chars.next() {
                        word.push(n);
                    }
                }
                Some(_) => word.push(c),
                None if c.is_ascii_whitespace() => {
                    end = pos;
                    break;
                }
                None if c == '"' || c == '\'' => quote = Some(c as u8),
                None if c == '\\' => {
                    if let Some((_, n)) = chars.next() {
                        word.push(n);
                    }
                }
                None => word.push(c),
            }
        }
        out.push((word, start, end));
        i = end;
    }
    out
}

/// podman's rule: relative paths are joined to the unit file's directory;
/// paths starting with a specifier are left for systemd.
pub fn resolve_path(unit_path: &Path, written: &str) -> Option<PathBuf> {
    if written.starts_with('%') || written.contains('%') {
        return None;
    }
    let p = Path::new(written);
    if p.is_absolute() {
        return Some(p.to_path_buf());
    }
    Some(unit_path.parent().unwrap_or(Path::new("")).join(p))
}

/// Every `Yaml=` and `ConfigMap=` path of a `.kube` unit, resolved.
pub fn unit_files(unit: &Unit) -> Vec<UnitFileRef> {
    let main = unit.main().path.clone();
    let mut out = Vec::new();
    for key in ["Yaml", "ConfigMap"] {
        for e in unit.lookup_all_entries("Kube", key) {
            for (word, s, end) in split_words(&e.entry.value) {
                out.push(UnitFileRef {
                    key,
                    source: e.source,
                    path: resolve_path(&main, &word),
                    written: word,
                    span: e.entry.value_range(s, end),
                });
            }
        }
    }
    out
}

/// The container port (and protocol) a `PublishPort=` value publishes:
/// `[[ip:][hostPort]:]containerPort[/protocol]`, ranges allowed.
pub fn publish_container_ports(value: &str) -> Option<(u16, u16, String)> {
    let value = value.trim();
    let (spec, proto) = match value.rsplit_once('/') {
        Some((s, p)) => (s, p.to_ascii_uppercase()),
        None => (value, "TCP".to_string()),
    };
    let last = spec.rsplit(':').next()?;
    let (a, b) = match last.split_once('-') {
        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
        None => {
            let p: u16 = last.parse().ok()?;
            (p, p)
        }
    };
    Some((a, b, proto))
}

pub fn check(ws: &Workspace, unit: &Unit) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    if unit.name.kind != crate::workspace::UnitKind::Kube {
        return out;
    }
    let mut declared: Vec<(u16, String)> = Vec::new();
    let mut all_read = true;
    let mut any_yaml = false;
    let mut defined: Vec<(String, Vec<String>)> = Vec::new();
    // (index into unit_files, reference)
    let mut refs: Vec<(usize, validate::ConfigMapRef)> = Vec::new();
    let files = unit_files(unit);
    let mut yaml_kinds: Vec<String> = Vec::new();
    let mut kinds_known = true;
    for (i, r) in files.iter().enumerate() {
        let Some(path) = &r.path else {
            all_read = false;
            continue;
        };
        if !ws.exists(path) {
            all_read = false;
            // A relative path names a file that ships beside the unit, so
            // its absence is a real error. An absolute path may well exist
            // only on the machine the unit is deployed to.
            let d = if Path::new(&r.written).is_absolute() {
                Diagnostic::warning(
                    "kube-missing-file",
                    r.span,
                    format!(
                        "{}= file {} is not on this machine; it must exist where the unit runs, or podman kube play fails when the service starts",
                        r.key,
                        path.display()
                    ),
                )
            } else {
                Diagnostic::error(
                    "kube-missing-file",
                    r.span,
                    format!(
                        "{}= file {} does not exist; podman kube play will fail when the service starts",
                        r.key,
                        path.display()
                    ),
                )
            };
            out.push((r.source, d));
            continue;
        }
        match ws.read(path) {
            Ok(text) => {
                let (defs, uses) = validate::configmaps(&text);
                defined.extend(defs);
                if r.key == "Yaml" {
                    any_yaml = true;
                    match validate::kinds(&text) {
                        Some(k) => yaml_kinds.extend(k),
                        None => kinds_known = false,
                    }
                    declared.extend(validate::container_ports(&text));
                    refs.extend(uses.into_iter().map(|u| (i, u)));
                }
            }
            Err(_) => all_read = false,
        }
    }
    // `podman kube play --configmap` given through PodmanArgs= adds maps we
    // cannot see.
    let extra_maps = unit
        .lookup_all("Kube", "PodmanArgs")
        .iter()
        .any(|a| a.contains("--configmap"));
    if all_read && !extra_maps {
        for (i, r) in &refs {
            if r.optional {
                continue;
            }
            let Some(f) = files.get(*i) else { continue };
            let msg = match defined.iter().find(|(n, _)| *n == r.name) {
                None => format!(
                    "{} uses ConfigMap \"{}\" ({}), which no YAML document and no ConfigMap= file \
                     defines; podman kube play fails",
                    f.written, r.name, r.via
                ),
                Some((_, keys)) => match &r.key {
                    Some(k) if !keys.contains(k) => format!(
                        "{} reads key \"{k}\" of ConfigMap \"{}\", which has no such key; \
                         podman kube play fails",
                        f.written, r.name
                    ),
                    _ => continue,
                },
            };
            out.push((
                f.source,
                Diagnostic::warning("kube-missing-configmap", f.span, msg),
            ));
        }
    }
    // podman plays all Yaml= files as one stream and fails when nothing in
    // it is a kind it runs (ConfigMaps alone do not count).
    if all_read && any_yaml && kinds_known {
        let runs = [
            "Pod",
            "Deployment",
            "DaemonSet",
            "Job",
            "PersistentVolumeClaim",
            "Secret",
        ];
        if !yaml_kinds.iter().any(|k| runs.contains(&k.as_str())) {
            if let Some(f) = files.iter().find(|f| f.key == "Yaml") {
                let msg = if !yaml_kinds.is_empty() && yaml_kinds.iter().all(|k| k == "ConfigMap") {
                    "the Yaml= files hold only ConfigMaps; podman kube play fails, since a \
                     ConfigMap is not run on its own (pass it with ConfigMap=)"
                        .to_string()
                } else {
                    "the Yaml= files hold no Pod, Deployment, DaemonSet, Job, \
                     PersistentVolumeClaim or Secret; podman kube play fails"
                        .to_string()
                };
                out.push((
                    f.source,
                    Diagnostic::warning("kube-nothing-to-play", f.span, msg),
                ));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(s, d)| seen.insert((*s, d.span, d.message.clone())));
    if !all_read || !any_yaml {
        return out;
    }
    let entries: Vec<EntryRef<'_>> = unit.lookup_all_entries("Kube", "PublishPort");
    for e in entries {
        let Some((lo, hi, proto)) = publish_container_ports(&e.entry.value) else {
            continue;
        };
        let hit = declared
            .iter()
            .any(|(p, pr)| (lo..=hi).contains(p) && pr.eq_ignore_ascii_case(&proto));
        if hit {
            continue;
        }
        let list: Vec<String> = declared.iter().map(|(p, pr)| format!("{p}/{pr}")).collect();
        let msg = if list.is_empty() {
            format!(
                "PublishPort= publishes container port {}, but the YAML declares no containerPort",
                port_text(lo, hi, &proto)
            )
        } else {
            format!(
                "PublishPort= publishes container port {}, which no containerPort in the YAML declares ({})",
                port_text(lo, hi, &proto),
                list.join(", ")
            )
        };
        out.push((
            e.source,
            Diagnostic::warning("kube-port-mismatch", e.entry.value_span, msg),
        ));
    }
    out
}

fn port_text(lo: u16, hi: u16, proto: &str) -> String {
    if lo == hi {
        format!("{lo}/{proto}")
    } else {
        format!("{lo}-{hi}/{proto}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        let w = split_words(" a.yaml  \"b c.yaml\" d\\ e");
        assert_eq!(
            w,
            vec![
                ("a.yaml".to_string(), 1, 7),
                ("b c.yaml".to_string(), 9, 19),
                ("d e".to_string(), 20, 24)
            ]
        );
    }

    #[test]
    fn publish() {
        assert_eq!(
            publish_container_ports("8080:80"),
            Some((80, 80, "TCP".into()))
        );
        assert_eq!(
            publish_container_ports("127.0.0.1:53:53/udp"),
            Some((53, 53, "UDP".into()))
        );
        assert_eq!(publish_container_ports("80"), Some((80, 80, "TCP".into())));
        assert_eq!(publish_container_ports("%i"), None);
    }
}
