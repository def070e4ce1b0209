//! What podman's generator itself warns about.

use super::util::{diag, looked_up};
use super::FileCtx;
use crate::diag::Diagnostic;
use crate::workspace::UnitKind;

pub(super) fn check(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    if cx.user {
        user_install_targets(cx, out);
    }
    for e in cx.doc.section_entries("Service") {
        if matches!(e.key.as_str(), "User" | "Group" | "DynamicUser") {
            out.push(diag(
                "unsupported-service-key",
                e.key_span,
                format!(
                    "podman does not support {}= in [Service] (the container runs as another user than podman expects); use User= in [{}] or a user unit instead",
                    e.key,
                    cx.kind.section()
                ),
            ));
        }
    }
    if matches!(
        cx.kind,
        UnitKind::Container | UnitKind::Volume | UnitKind::Image
    ) {
        let own = cx.kind.section();
        if let Some(e) = cx.doc.last(own, "Image") {
            let v = looked_up(&e.value);
            if !v.is_empty()
                && !v.ends_with(".build")
                && !v.ends_with(".image")
                && !v.contains('%')
                && !v.contains('$')
                && !is_unambiguous(v)
                && !super::comments::has_inline_comment(own, e)
            {
                out.push(diag(
                    "short-image-name",
                    e.value_span,
                    format!("`{v}` is not a fully qualified image name: name the registry (e.g. docker.io/library/{v}) so the pull does not depend on short-name aliases"),
                ));
            }
        }
    }
}

/// A 64-hex image id, or a name whose first path part is a registry host
/// (has a dot or a port, or is `localhost`).
pub(crate) fn is_unambiguous(name: &str) -> bool {
    if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    match name.split_once('/') {
        Some((domain, _)) => domain.contains(['.', ':']) || domain == "localhost",
        None => false,
    }
}

/// System-only targets that a user's service manager does not have.
const SYSTEM_TARGETS: [&str; 3] = [
    "multi-user.target",
    "graphical.target",
    "network-online.target",
];

fn user_install_targets(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    for e in cx.doc.section_entries("Install") {
        if !matches!(e.key.as_str(), "WantedBy" | "RequiredBy" | "UpheldBy") {
            continue;
        }
        for t in SYSTEM_TARGETS {
            let Some(i) = e.value.find(t) else { continue };
            let span = e.value_range(i, i + t.len());
            let mut d = diag(
                "user-install-target",
                span,
                format!("{t} exists only in the system service manager: a rootless (user) unit wanted by it never starts at boot; use default.target"),
            );
            if t != "network-online.target" {
                d = d.with_safe_fix(
                    "Use default.target",
                    vec![crate::diag::Edit {
                        span,
                        new_text: "default.target".into(),
                    }],
                );
            }
            out.push(d);
        }
    }
}
