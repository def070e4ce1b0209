//! Values by kind, and systemd specifiers.

// One arm per value kind reads better than guards folded into the patterns.
#![allow(clippy::collapsible_match)]

use super::util::{diag, looked_up};
use super::FileCtx;
use crate::diag::Diagnostic;
use crate::model::is_bool_literal;
use crate::schema::{self, KeyDef, Version, SYSTEMD_SECTIONS};
use crate::syntax::{Entry, Span};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub(super) fn check(cx: &FileCtx, out: &mut Vec<Diagnostic>) {
    let table = schema::table();
    let own = cx.kind.section();
    for sec in &cx.doc.sections {
        let name = sec.name.as_str();
        let quadlet = name == own || name == "Quadlet";
        if !quadlet && !SYSTEMD_SECTIONS.contains(&name) {
            continue;
        }
        for e in sec.entries.iter().filter_map(|&i| cx.doc.entries.get(i)) {
            specifiers(e, out);
            super::comments::check(cx, name, e, out);
            let commented = super::comments::has_inline_comment(name, e);
            let start = out.len();
            if !quadlet {
                super::systemd_values::check(cx, name, e, out);
            } else if let Some(def) = table.get(name, &e.key).filter(|d| d.legacy.is_none()) {
                check_value(cx, def, e, out);
            }
            if commented {
                // The value is judged as podman reads it, comment included,
                // but no fix is built from it (`docker.io/library/# ...`).
                for d in &mut out[start..] {
                    d.fixes.clear();
                }
            }
        }
    }
}

/// Valid systemd specifiers (unit files, systemd 262): the letters after `%`.
const SPECIFIERS: &str = "aAbBCdDEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY";

fn specifiers(e: &Entry, out: &mut Vec<Diagnostic>) {
    let v = e.value.as_bytes();
    let mut i = 0;
    while i < v.len() {
        if v[i] == b'%' {
            match v.get(i + 1) {
                Some(b'%') => {
                    i += 2;
                    continue;
                }
                Some(&c) if c.is_ascii() && SPECIFIERS.as_bytes().contains(&c) => {}
                Some(&c) if c.is_ascii_graphic() => {
                    out.push(diag(
                        "unknown-specifier",
                        e.value_range(i, i + 2),
                        format!(
                            "unknown specifier %{}: systemd refuses to expand it (write %% for a literal %)",
                            c as char
                        ),
                    ));
                }
                _ => {}
            }
        }
        i += 1;
    }
}

fn bad(e: &Entry, msg: String) -> Diagnostic {
    diag("invalid-value", value_span(e), msg)
}

fn value_span(e: &Entry) -> Span {
    if e.value.is_empty() {
        e.key_span
    } else {
        e.value_span
    }
}

fn check_value(cx: &FileCtx, def: &KeyDef, e: &Entry, out: &mut Vec<Diagnostic>) {
    let v = looked_up(&e.value);
    if v.is_empty() {
        return;
    }
    let key = def.key.as_str();
    // Values that systemd expands at run time cannot be judged here.
    let dynamic = v.contains('$') || v.contains('%');
    match def.kind.as_str() {
        "bool" => {
            if !is_bool_literal(v) {
                out.push(diag(
                    "invalid-bool",
                    value_span(e),
                    format!("{key}={v} is not a boolean (yes/no, true/false, on/off, 1/0): podman reads it as false"),
                ));
            }
        }
        "notify" => {
            if !is_bool_literal(v) && !v.eq_ignore_ascii_case("healthy") {
                out.push(diag(
                    "invalid-bool",
                    value_span(e),
                    format!(
                        "{key}={v} is neither a boolean nor `healthy`: podman reads it as false"
                    ),
                ));
            }
        }
        "enum" if !dynamic => {
            // The generator compares RemapUsers= exactly; podman itself
            // lower-cases most other modes, so those are matched leniently.
            let exact = key == "RemapUsers";
            let ok = def.value_names().any(|n| {
                if exact {
                    n == v
                } else {
                    n.eq_ignore_ascii_case(v)
                }
            });
            if !ok {
                let list: Vec<&str> = def.value_names().collect();
                let msg = if key == "RemapUsers" && v == "manual" {
                    format!("RemapUsers=manual is not supported in [{}]", def.section)
                } else {
                    format!("{key}={v} is not one of: {}", list.join(", "))
                };
                out.push(bad(e, msg));
            }
        }
        "int" if !dynamic => {
            if v.parse::<i64>().is_err() {
                out.push(bad(e, format!("{key}={v} is not a whole number")));
            }
        }
        "uint32" if !dynamic => {
            if v.parse::<u32>().is_err() {
                out.push(diag(
                    "coerced-value",
                    value_span(e),
                    format!("{key}={v} is not a non-negative whole number: podman silently uses 0"),
                ));
            }
        }
        "size" if !dynamic => {
            if !is_size(v) {
                out.push(bad(
                    e,
                    format!("{key}={v} is not a size such as 512m or 2g"),
                ));
            }
        }
        "duration" if !dynamic => {
            let disable_ok = key.ends_with("Interval") && v == "disable";
            if !disable_ok && !is_go_duration(v) {
                out.push(bad(
                    e,
                    format!(
                        "{key}={v} is not a duration such as 30s, 1m30s or 2h (a unit is required)"
                    ),
                ));
            }
        }
        "port" if !dynamic => {
            if let Err(m) = check_publish(v) {
                out.push(bad(e, format!("{key}={v}: {m}")));
            }
        }
        "port-range" => {
            // The generator's own test: the trimmed value must end in
            // `N`, `N-M`, optionally followed by /tcp or /udp.
            if !expose_ok(e.value.trim()) {
                out.push(bad(
                    e,
                    format!(
                        "invalid port format '{}': podman refuses the unit",
                        e.value.trim()
                    ),
                ));
            }
        }
        "volume" if !dynamic => {
            if let Err(m) = check_volume(v) {
                out.push(bad(e, format!("{key}={v}: {m}")));
            }
        }
        "mount" => {
            for word in split_words(e.value.trim_end()) {
                if let Err(m) = check_mount(&word, cx.opts.podman_version) {
                    out.push(bad(e, format!("Mount={word}: {m}")));
                }
            }
        }
        "userns" if !dynamic => {
            let mode = v.split(':').next().unwrap_or("");
            if !matches!(
                mode,
                "auto" | "host" | "keep-id" | "nomap" | "ns" | "private" | "container"
            ) {
                out.push(bad(
                    e,
                    format!("{key}={v}: unknown mode `{mode}` (auto, host, keep-id, nomap, ns:PATH, private, container:ID)"),
                ));
            }
        }
        "signal" if !dynamic => {
            if !is_signal(v) {
                out.push(bad(e, format!("{key}={v} is not a signal name or number")));
            }
        }
        "ip" if !dynamic => {
            if v != "none" && v.parse::<IpAddr>().is_err() {
                out.push(bad(e, format!("{key}={v} is not an IP address")));
            }
        }
        "ipv4" if !dynamic => {
            if v.parse::<Ipv4Addr>().is_err() {
                out.push(bad(e, format!("{key}={v} is not an IPv4 address")));
            }
        }
        "ipv6" if !dynamic => {
            if v.parse::<Ipv6Addr>().is_err() {
                out.push(bad(e, format!("{key}={v} is not an IPv6 address")));
            }
        }
        "cidr" if !dynamic => {
            if !is_cidr(v) {
                out.push(bad(
                    e,
                    format!("{key}={v} is not a subnet in CIDR form (10.0.0.0/24)"),
                ));
            }
        }
        "ip-range" if !dynamic => {
            let ok = is_cidr(v)
                || v.split_once('-').is_some_and(|(a, b)| {
                    a.parse::<IpAddr>().is_ok() && b.parse::<IpAddr>().is_ok()
                });
            if !ok {
                out.push(bad(
                    e,
                    format!("{key}={v} is neither a CIDR subnet nor a range FROM-TO"),
                ));
            }
        }
        "ulimit" if !dynamic => {
            if v != "host"
                && !v
                    .split_once('=')
                    .is_some_and(|(n, l)| !n.is_empty() && !l.is_empty())
            {
                out.push(bad(
                    e,
                    format!("{key}={v} is not of the form name=soft[:hard]"),
                ));
            }
        }
        "tmpfs" if !dynamic => {
            if !v.starts_with('/') {
                out.push(bad(
                    e,
                    format!("{key}={v}: the mount point must be an absolute path"),
                ));
            }
        }
        "pod" => {
            if !v.ends_with(".pod") {
                out.push(bad(
                    e,
                    format!("Pod={v} is not a Quadlet pod: name a .pod unit (pod {v} is not Quadlet based)"),
                ));
            }
        }
        "network" => {
            for n in [v] {
                if let Some((unit, _)) = n.split_once(':') {
                    if unit.ends_with(".container") {
                        out.push(bad(
                            e,
                            format!("{key}={v}: extra options are not supported when joining another container's network"),
                        ));
                    }
                }
            }
        }
        "autoupdate-list" if !dynamic => {
            let policy = v.rsplit('/').next().unwrap_or(v);
            if policy != "registry" && policy != "local" {
                out.push(bad(
                    e,
                    format!("{key}={v}: the policy must be `registry` or `local`"),
                ));
            }
        }
        "build-context" => {
            if v.eq_ignore_ascii_case("yaml") {
                out.push(bad(
                    e,
                    format!("SetWorkingDirectory={v} is only supported in .kube files"),
                ));
            }
        }
        _ => {}
    }
    let _ = cx;
}

/// podman's size syntax: a number, an optional unit letter, optional `i`
/// and `b` (512m, 1.5g, 100MB, 2GiB).
pub(crate) fn is_size(v: &str) -> bool {
    let num_end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, rest) = v.split_at(num_end);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.contains("..") {
        return false;
    }
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let mut r = rest.chars().peekable();
    if r.peek().is_some_and(|c| "kKmMgGtTpP".contains(*c)) {
        r.next();
    }
    if r.peek().is_some_and(|c| *c == 'i' || *c == 'I') {
        r.next();
    }
    if r.peek().is_some_and(|c| *c == 'b' || *c == 'B') {
        r.next();
    }
    r.next().is_none()
}

/// Go's `time.ParseDuration`: `0`, or number+unit pairs (ns us µs ms s m h).
pub(crate) fn is_go_duration(v: &str) -> bool {
    let s = v.strip_prefix(['-', '+']).unwrap_or(v);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..n];
        if num.is_empty() || num == "." {
            return false;
        }
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..u];
        if !matches!(unit, "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h") {
            return false;
        }
        rest = &rest[u..];
    }
    true
}

fn port_or_range(p: &str, allow_zero: bool) -> bool {
    let one = |s: &str| {
        s.parse::<u32>()
            .is_ok_and(|n| n <= 65535 && (allow_zero || n > 0))
            && !s.starts_with('+')
    };
    match p.split_once('-') {
        Some((a, b)) => one(a) && one(b),
        None => one(p),
    }
}

/// `[[ip:][hostPort]:]containerPort[/protocol]`, IPv6 addresses in brackets.
pub(crate) fn check_publish(v: &str) -> Result<(), String> {
    let (body, proto) = match v.rsplit_once('/') {
        Some((b, p)) => (b, Some(p)),
        None => (v, None),
    };
    if let Some(p) = proto {
        if !matches!(p, "tcp" | "udp" | "sctp") {
            return Err(format!("unknown protocol `{p}` (tcp, udp or sctp)"));
        }
    }
    let (ip, host, ctr): (Option<&str>, Option<&str>, &str) = if let Some(rest) =
        body.strip_prefix('[')
    {
        let Some((addr, after)) = rest.split_once(']') else {
            return Err("unclosed `[` around the IPv6 address".into());
        };
        if addr.parse::<Ipv6Addr>().is_err() {
            return Err(format!("`{addr}` is not an IPv6 address"));
        }
        let Some(after) = after.strip_prefix(':') else {
            return Err("expected `:` after the bracketed address".into());
        };
        match after.split_once(':') {
            Some((h, c)) => (None, Some(h), c),
            None => {
                return Err("an address needs a host port part: [ip]:hostPort:containerPort".into())
            }
        }
    } else {
        let parts: Vec<&str> = body.split(':').collect();
        match parts.as_slice() {
            [c] => (None, None, c),
            [h, c] => (None, Some(h), c),
            [i, h, c] => (Some(*i), Some(h), c),
            _ => {
                return Err("too many `:`; write IPv6 addresses in brackets ([::1]:8080:80)".into())
            }
        }
    };
    if let Some(ip) = ip {
        if !ip.is_empty() && ip.parse::<IpAddr>().is_err() {
            return Err(format!("`{ip}` is not an IP address"));
        }
    }
    if let Some(h) = host {
        if !h.is_empty() && !port_or_range(h, true) {
            return Err(format!("`{h}` is not a port or port range"));
        }
    }
    if ctr.is_empty() {
        return Err("the container port is missing".into());
    }
    if !port_or_range(ctr, false) {
        return Err(format!("`{ctr}` is not a port or port range"));
    }
    Ok(())
}

fn expose_ok(v: &str) -> bool {
    let s = v
        .strip_suffix("/udp")
        .or_else(|| v.strip_suffix("/tcp"))
        .unwrap_or(v);
    s.as_bytes().last().is_some_and(|b| b.is_ascii_digit())
        || v.as_bytes().last().is_some_and(|b| b.is_ascii_digit())
}

/// `[[SOURCE:]DEST[:OPTIONS]]`.
pub(crate) fn check_volume(v: &str) -> Result<(), String> {
    let parts: Vec<&str> = v.splitn(3, ':').collect();
    let dest = match parts.as_slice() {
        [d] => *d,
        [_, d] | [_, d, _] => *d,
        _ => return Ok(()),
    };
    if dest.is_empty() {
        return Err("the container path is missing".into());
    }
    if !dest.starts_with('/') {
        return Err(format!("the container path `{dest}` must be absolute"));
    }
    Ok(())
}

const MOUNT_TYPES: [&str; 8] = [
    "bind", "volume", "tmpfs", "image", "devpts", "glob", "artifact", "ramfs",
];

/// One `--mount` value, as the generator of `release` and `podman run` read
/// it.
pub(crate) fn check_mount(m: &str, release: Version) -> Result<(), String> {
    if m.contains('"') {
        // CSV quoting: leave it to podman.
        return Ok(());
    }
    let mut ty = None;
    let mut source: Option<Option<&str>> = None;
    let mut dest = false;
    for tok in m.split(',') {
        let (k, val) = match tok.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (tok, None),
        };
        match k {
            "type" if ty.is_none() && val.is_some() && !tok[5..].contains('=') => ty = val,
            "source" | "src" => source = Some(val),
            "destination" | "dst" | "target" => dest = true,
            _ => {}
        }
    }
    let ty = ty.unwrap_or("volume");
    if !MOUNT_TYPES.contains(&ty) {
        return Err(format!(
            "unknown mount type `{ty}` ({})",
            MOUNT_TYPES.join(", ")
        ));
    }
    if matches!(ty, "volume" | "bind" | "glob" | "image" | "artifact") {
        match source {
            Some(None) => return Err("the source parameter has no value".into()),
            // Since 6.0 a volume mount without a source is an anonymous volume.
            Some(Some("")) | None
                if ty == "volume" && release >= Version { major: 6, minor: 0 } => {}
            Some(Some("")) | None => {
                return Err(format!(
                    "a {ty} mount needs a source (source cannot be empty)"
                ))
            }
            _ => {}
        }
    }
    if !dest {
        return Err("the mount has no destination (destination=, dst= or target=)".into());
    }
    Ok(())
}

/// Splits like podman's exec-style splitting, closely enough to find the
/// words: whitespace separates, quotes group.
pub(crate) fn split_words(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

const SIGNALS: [&str; 35] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL", "USR1", "SEGV",
    "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CLD", "CONT", "STOP", "TSTP", "TTIN",
    "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS", "UNUSED",
];

pub(crate) fn is_signal(v: &str) -> bool {
    if let Ok(n) = v.parse::<u32>() {
        return (1..=64).contains(&n);
    }
    let up = v.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    if SIGNALS.contains(&name) {
        return true;
    }
    for base in ["RTMIN", "RTMAX"] {
        if let Some(rest) = name.strip_prefix(base) {
            if rest.is_empty() {
                return true;
            }
            let n = rest
                .strip_prefix(['+', '-'])
                .and_then(|r| r.parse::<u32>().ok());
            if n.is_some_and(|n| n <= 30) {
                return true;
            }
        }
    }
    false
}

fn is_cidr(v: &str) -> bool {
    let Some((addr, len)) = v.split_once('/') else {
        return false;
    };
    let Ok(len) = len.parse::<u8>() else {
        return false;
    };
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => len <= 32,
        Ok(IpAddr::V6(_)) => len <= 128,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_ports() {
        for ok in [
            "80",
            "8080:80",
            "127.0.0.1:8080:80",
            "127.0.0.1::80",
            "[::1]:8080:80",
            "8000-8010:8000-8010",
            "53:53/udp",
            "0.0.0.0:443:443/tcp",
            ":80",
        ] {
            assert!(check_publish(ok).is_ok(), "{ok}");
        }
        for bad in [
            "abc",
            "8080:",
            "::1:8080:80",
            "80/xyz",
            "70000:80",
            "[::1:80",
            "1:2:3:4",
        ] {
            assert!(check_publish(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_sizes_signals() {
        assert!(is_go_duration("1m30s") && is_go_duration("0") && is_go_duration("1.5h"));
        assert!(!is_go_duration("30") && !is_go_duration("5 s") && !is_go_duration("m"));
        assert!(is_size("512m") && is_size("1.5g") && is_size("100MB") && is_size("2GiB"));
        assert!(!is_size("lots") && !is_size("5x"));
        assert!(
            is_signal("SIGHUP") && is_signal("term") && is_signal("9") && is_signal("SIGRTMIN+3")
        );
        assert!(!is_signal("SIGFOO") && !is_signal("99"));
    }

    #[test]
    fn mounts() {
        let r58 = Version { major: 5, minor: 8 };
        let r60 = Version { major: 6, minor: 0 };
        assert!(check_mount("type=bind,source=/a,destination=/b", r58).is_ok());
        assert!(check_mount("type=tmpfs,destination=/b", r58).is_ok());
        assert!(check_mount("type=volume,destination=/b", r58).is_err());
        // An anonymous volume since 6.0; other types still need a source.
        assert!(check_mount("type=volume,destination=/b", r60).is_ok());
        assert!(check_mount("type=bind,destination=/b", r60).is_err());
        assert!(check_mount("type=bind,source,destination=/b", r58).is_err());
        assert!(check_mount("type=volume,source,destination=/b", r60).is_err());
        assert!(check_mount("type=weird,source=/a,destination=/b", r58).is_err());
    }

    #[test]
    fn expose() {
        assert!(expose_ok("80") && expose_ok("50-59/udp") && expose_ok("abc80"));
        assert!(!expose_ok("80/sctp") && !expose_ok("http"));
    }
}
