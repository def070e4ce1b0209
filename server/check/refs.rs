//! References to other Quadlet units, resolved by bare file name in the
//! unit search path, as podman does.

use super::util::{diag, looked_up};
use super::values::split_words;
use super::FileCtx;
use crate::diag::Diagnostic;
use crate::schema::Version;
use crate::syntax::Entry;

const fn v(major: u16, minor: u16) -> Version {
    Version { major, minor }
}

pub(super) fn check(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    if cx.ws.dirs().is_empty() {
        // No search path to resolve against.
        return;
    }
    let release = cx.opts.podman_version;
    // Before 5.3 the generator named `.volume` and `.network` units by their
    // file name, whether or not the unit exists; it never looked `.artifact`
    // sources up before 5.7, nor translated `[Unit]` dependencies before 5.5.
    let storage = release >= v(5, 3);
    let artifacts = release >= v(5, 7);
    let own = cx.kind.section();
    for e in cx.doc.section_entries(own) {
        let v = looked_up(&e.value);
        if v.is_empty() {
            continue;
        }
        match (own, e.key.as_str()) {
            ("Container" | "Volume", "Image") if v.ends_with(".image") || v.ends_with(".build") => {
                need(cx, e, v, "image", out);
            }
            (_, "Network") if storage => {
                let name = v.split_once(':').map_or(v, |(n, _)| n);
                if name.ends_with(".network") || name.ends_with(".container") {
                    need(cx, e, name, "unit", out);
                }
            }
            (_, "Volume") if storage => {
                let parts: Vec<&str> = e.value.splitn(3, ':').collect();
                if parts.len() >= 2 {
                    let src = parts[0];
                    if !src.starts_with(['.', '/'])
                        && (src.ends_with(".volume") || (artifacts && src.ends_with(".artifact")))
                    {
                        need(cx, e, src, "source", out);
                    }
                }
            }
            ("Container", "Mount") if storage => {
                for word in split_words(&e.value) {
                    let mut ty = "volume";
                    let mut src = None;
                    for tok in word.split(',') {
                        match tok.split_once('=') {
                            Some(("type", t)) => ty = t,
                            Some(("source" | "src", s)) => src = Some(s),
                            _ => {}
                        }
                    }
                    if let Some(s) = src {
                        if !s.starts_with(['.', '/'])
                            && (s.ends_with(".volume")
                                || (artifacts && s.ends_with(".artifact"))
                                || (ty == "image" && s.ends_with(".image")))
                        {
                            need(cx, e, s, "source", out);
                        }
                    }
                }
            }
            ("Container", "Pod") if v.ends_with(".pod") => need(cx, e, v, "pod", out),
            _ => {}
        }
    }
    if release < v(5, 5) {
        return;
    }
    for e in cx.doc.section_entries("Unit") {
        if !crate::model::DEPENDENCY_KEYS.contains(&e.key.as_str()) {
            continue;
        }
        for word in e.value.split_whitespace() {
            if crate::workspace::UnitKind::from_file_name(word).is_some() {
                need(cx, e, word, "dependency", out);
            }
        }
    }
}

fn need(cx: &FileCtx, e: &Entry, name: &str, what: &str, out: &mut Vec<Diagnostic>) {
    if cx.ws.unit(name).is_some() {
        // A template container's name keeps unresolved specifiers, so
        // podman cannot join its network.
        let template = name
            .strip_suffix(".container")
            .is_some_and(|stem| stem.ends_with('@'));
        if template && what == "unit" {
            let span = e
                .value
                .find(name)
                .map_or(e.value_span, |i| e.value_range(i, i + name.len()));
            out.push(diag(
                "invalid-value",
                span,
                format!("{name} is a template: podman cannot get the name of its container; name an instance or a plain unit"),
            ));
        }
        return;
    }
    // Point at the name inside the value when it can be found.
    let span = e
        .value
        .find(name)
        .map_or(e.value_span, |i| e.value_range(i, i + name.len()));
    let msg = match what {
        "image" => format!("requested Quadlet image {name} was not found in the unit search path"),
        "pod" => format!("Quadlet pod unit {name} does not exist in the unit search path"),
        "dependency" => format!("{name} is not in the unit search path, so the generator cannot translate this dependency"),
        "source" => format!("requested Quadlet source {name} was not found in the unit search path"),
        _ => format!("requested Quadlet unit {name} was not found in the unit search path"),
    };
    out.push(diag("missing-unit", span, msg));
}
