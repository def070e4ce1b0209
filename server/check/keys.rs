//! Keys and sections: unknown, misplaced, duplicate, legacy, deprecated and
//! too-new ones.

use super::util::{closest, delete_entry, diag, insert_into_section, looked_up};
use super::FileCtx;
use crate::diag::{Diagnostic, Edit};
use crate::model::{is_bool_literal, parse_bool};
use crate::schema::{self, KeyDef, SYSTEMD_SECTIONS};
use crate::syntax::{Entry, Section};
use crate::workspace::UnitKind;
use std::collections::HashMap;

pub(super) fn check(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    let own = cx.kind.section();
    if cx.is_main {
        unit_type_version(cx, out);
    }
    for sec in &cx.doc.sections {
        let name = sec.name.as_str();
        if name == own || name == "Quadlet" {
            quadlet_section(cx, sec, out);
        } else if SYSTEMD_SECTIONS.contains(&name) {
            systemd_section(cx, sec, out);
        } else if name.starts_with("X-") {
            // Extension sections are for the user: systemd and podman skip them.
        } else if let Some(other) = other_unit_kind(name) {
            for &h in &sec.headers {
                let Some(hdr) = cx.doc.headers.get(h) else {
                    continue;
                };
                let mut d = diag(
                    "wrong-section",
                    hdr.span,
                    format!(
                        "[{name}] belongs in a .{} file; in a .{} file podman ignores it",
                        other.ext(),
                        cx.kind.ext()
                    ),
                );
                if cx.doc.section(own).is_none() {
                    d = d.with_fix(
                        format!("Rename the section to [{own}]"),
                        vec![Edit {
                            span: hdr.name_span,
                            new_text: own.to_string(),
                        }],
                    );
                }
                out.push(d);
            }
        } else {
            let known = [own, "Unit", "Service", "Install", "Quadlet"];
            let guess = closest(name, known.iter().copied());
            for &h in &sec.headers {
                let Some(hdr) = cx.doc.headers.get(h) else {
                    continue;
                };
                let mut d = diag(
                    "unknown-section",
                    hdr.span,
                    format!("unknown section [{name}]: systemd ignores it (prefix it with `X-` for your own data)"),
                );
                if let Some(g) = guess {
                    d = d.with_fix(
                        format!("Rename to [{g}]"),
                        vec![Edit {
                            span: hdr.name_span,
                            new_text: g.to_string(),
                        }],
                    );
                }
                out.push(d);
            }
        }
    }
}

fn other_unit_kind(section: &str) -> Option<UnitKind> {
    UnitKind::ALL.into_iter().find(|k| k.section() == section)
}

fn unit_type_version(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    let own = cx.kind.section();
    let Some(def) = schema::table().section(own) else {
        return;
    };
    if def.since > cx.opts.podman_version {
        let span = super::util::section_anchor(cx.doc, own);
        out.push(diag(
            "unit-type-too-new",
            span,
            format!(
                ".{} units need podman {} or newer; the target is podman {}",
                cx.kind.ext(),
                def.since,
                cx.opts.podman_version
            ),
        ));
    }
}

fn entries<'a>(cx: &'a FileCtx, sec: &'a Section) -> impl Iterator<Item = &'a Entry> + 'a {
    sec.entries
        .iter()
        .filter_map(move |&i| cx.doc.entries.get(i))
}

fn quadlet_section(cx: &FileCtx, sec: &Section, out: &mut Vec<Diagnostic>) {
    let table = schema::table();
    let name = sec.name.as_str();
    let mut last_single: HashMap<&str, &Entry> = HashMap::new();
    let mut unknown = 0usize;
    for e in entries(cx, sec) {
        let key = e.key.as_str();
        let Some(def) = table.get(name, key) else {
            // Spelling suggestions cost an edit distance per known key: a
            // garbage file with huge numbers of unknown keys gets them only
            // for the first ones.
            unknown += 1;
            out.push(unknown_key(cx, name, e, unknown <= MAX_SUGGESTIONS));
            continue;
        };
        if let Some(msg) = &def.legacy {
            out.push(legacy(cx, def, e, msg));
            continue;
        }
        if def.since > cx.opts.podman_version {
            out.push(diag(
                "key-too-new",
                e.key_span,
                format!(
                    "{key}= in [{name}] needs podman {} or newer; podman {} rejects it",
                    def.since, cx.opts.podman_version
                ),
            ));
        }
        if let Some(msg) = &def.deprecated {
            out.push(deprecated(cx, sec, def, e, msg));
        }
        if !def.repeat {
            if let Some(prev) = last_single.insert(key, e) {
                out.push(
                    diag(
                        "duplicate-key",
                        prev.key_span,
                        format!(
                            "{key}= is set again later in this file; only the last value counts"
                        ),
                    )
                    .with_safe_fix(
                        "Remove this earlier value",
                        vec![delete_entry(cx.doc, cx.text, prev)],
                    ),
                );
            }
        }
    }
}

/// Unknown keys per section and file that get a spelling suggestion.
const MAX_SUGGESTIONS: usize = 200;

fn unknown_key(cx: &FileCtx, section: &str, e: &Entry, suggest: bool) -> Diagnostic {
    let table = schema::table();
    let key = e.key.as_str();
    let mut msg = format!("unknown key {key}= in [{section}]: podman refuses the unit");
    let elsewhere: Vec<&str> = table
        .sections()
        .iter()
        .filter(|s| s.name != section && table.get(&s.name, key).is_some_and(|d| d.is_podman_key()))
        .map(|s| s.name.as_str())
        .collect();
    let systemd_home = SYSTEMD_SECTIONS
        .iter()
        .find(|s| schema::systemd_directives(s).is_some_and(|d| d.contains_key(key)));
    if let Some(home) = systemd_home {
        msg.push_str(&format!(" (it is a systemd directive of [{home}])"));
    } else if !elsewhere.is_empty() {
        let list: Vec<String> = elsewhere.iter().map(|s| format!("[{s}]")).collect();
        msg.push_str(&format!(" (it is a key of {})", list.join(", ")));
    }
    let mut d = diag("unknown-key", e.key_span, msg);
    if let Some(home) = systemd_home {
        let line = e.span.slice(cx.text).to_string();
        d = d.with_safe_fix(
            format!("Move to [{home}]"),
            vec![
                delete_entry(cx.doc, cx.text, e),
                insert_into_section(cx.doc, cx.text, home, &line),
            ],
        );
    }
    let candidates = table
        .keys(section)
        .iter()
        .filter(|k| k.is_podman_key() && k.since <= cx.opts.podman_version)
        .map(|k| k.key.as_str());
    if let Some(best) = suggest.then(|| closest(key, candidates)).flatten() {
        d.message.push_str(&format!("; did you mean {best}=?"));
        d = d.with_fix(
            format!("Change to {best}="),
            vec![Edit {
                span: e.key_span,
                new_text: best.to_string(),
            }],
        );
        // The spelling fix is the likelier one: put it first.
        if d.fixes.len() > 1 {
            d.fixes.rotate_right(1);
        }
    }
    d
}

fn legacy(cx: &FileCtx, def: &KeyDef, e: &Entry, msg: &str) -> Diagnostic {
    let mut d = diag(
        "legacy-key",
        e.key_span,
        format!("{msg}; podman refuses the unit"),
    );
    let value = looked_up(&e.value);
    match def.key.as_str() {
        "KeepId" if is_bool_literal(value) => {
            d = if parse_bool(value) {
                replace_with(d, e, "UserNS=keep-id".to_string())
            } else {
                d.with_safe_fix("Remove the line", vec![delete_entry(cx.doc, cx.text, e)])
            };
        }
        "SocketActivated" => {
            d = d.with_fix("Remove the line", vec![delete_entry(cx.doc, cx.text, e)]);
        }
        "HostUser" if !value.is_empty() => {
            d = replace_with(d, e, format!("UserNS=keep-id:uid={value}"));
        }
        "HostGroup" if !value.is_empty() => {
            d = replace_with(d, e, format!("UserNS=keep-id:gid={value}"));
        }
        _ => {}
    }
    d
}

fn deprecated(cx: &FileCtx, sec: &Section, def: &KeyDef, e: &Entry, msg: &str) -> Diagnostic {
    let mut d = diag("deprecated-key", e.key_span, msg.to_string());
    let value = looked_up(&e.value);
    let has = |k: &str| entries(cx, sec).any(|x| x.key == k);
    match def.key.as_str() {
        "RemapUsers"
            if matches!(value, "auto" | "keep-id")
                && !has("RemapUid")
                && !has("RemapGid")
                && !has("RemapUidSize") =>
        {
            d = replace_with(d, e, format!("UserNS={value}"));
        }
        "VolatileTmp" if is_bool_literal(value) => {
            d = if parse_bool(value) {
                replace_with(d, e, "Tmpfs=/tmp".to_string())
            } else {
                d.with_safe_fix("Remove the line", vec![delete_entry(cx.doc, cx.text, e)])
            };
        }
        _ => {}
    }
    d
}

fn systemd_section(cx: &FileCtx, sec: &Section, out: &mut Vec<Diagnostic>) {
    let table = schema::table();
    let name = sec.name.as_str();
    let Some(directives) = schema::systemd_directives(name) else {
        return;
    };
    let own = cx.kind.section();
    for e in entries(cx, sec) {
        let key = e.key.as_str();
        if key.starts_with("X-") || directives.contains_key(key) {
            continue;
        }
        if let Some(def) = table.get(own, key).filter(|d| d.is_podman_key()) {
            let line = e.span.slice(cx.text).to_string();
            out.push(
                diag(
                    "wrong-section",
                    e.key_span,
                    format!("{key}= is a key of [{own}], not of [{name}]: here systemd ignores it and podman never sees it"),
                )
                .with_safe_fix(
                    format!("Move to [{own}]"),
                    vec![
                        delete_entry(cx.doc, cx.text, e),
                        insert_into_section(cx.doc, cx.text, &def.section, &line),
                    ],
                ),
            );
            continue;
        }
        let homes: Vec<String> = table
            .sections()
            .iter()
            .filter(|s| table.get(&s.name, key).is_some_and(|d| d.is_podman_key()))
            .map(|s| format!("[{}]", s.name))
            .collect();
        if !homes.is_empty() {
            out.push(diag(
                "wrong-section",
                e.key_span,
                format!(
                    "{key}= is a Quadlet key of {}, not a systemd directive of [{name}]: systemd ignores it",
                    homes.join(", ")
                ),
            ));
            continue;
        }
        if let Some(dep) = schema::systemd_deprecated(name, key) {
            let (now, before) = schema::systemd_releases();
            let mut msg = format!(
                "{key}= is a deprecated systemd directive: {before} knew it, {now} no longer supports it and ignores the line"
            );
            match &dep.replacement {
                Some(r) => msg.push_str(&format!("; use {r}= instead")),
                None => msg.push_str("; remove it"),
            }
            out.push(diag("deprecated-directive", e.key_span, msg));
            continue;
        }
        let other_home = SYSTEMD_SECTIONS.iter().find(|s| {
            **s != name && schema::systemd_directives(s).is_some_and(|d| d.contains_key(key))
        });
        let mut d = diag(
            "unknown-directive",
            e.key_span,
            format!("unknown directive {key}= in [{name}]: systemd ignores it"),
        );
        if let Some(home) = other_home {
            d.message.push_str(&format!(" (it belongs in [{home}])"));
            let line = e.span.slice(cx.text).to_string();
            d = d.with_safe_fix(
                format!("Move to [{home}]"),
                vec![
                    delete_entry(cx.doc, cx.text, e),
                    insert_into_section(cx.doc, cx.text, home, &line),
                ],
            );
        } else if let Some(best) = {
            let mut names: Vec<&str> = directives.keys().map(|k| k.as_str()).collect();
            names.sort_unstable();
            closest(key, names.into_iter())
        } {
            d.message.push_str(&format!("; did you mean {best}=?"));
            d = d.with_fix(
                format!("Change to {best}="),
                vec![Edit {
                    span: e.key_span,
                    new_text: best.to_string(),
                }],
            );
        }
        out.push(d);
    }
}

/// Offers to replace the whole entry with `new` (`Key=value`), an exact
/// equivalent: a safe fix.
fn replace_with(d: Diagnostic, e: &Entry, new: String) -> Diagnostic {
    let title = format!("Replace with {new}");
    d.with_safe_fix(
        title,
        vec![Edit {
            span: e.span,
            new_text: new,
        }],
    )
}
