//! Values of systemd directives in `[Unit]`, `[Service]` and `[Install]`,
//! by the kind `schemas/systemd-directives.json` gives each directive.
//! systemd ignores a line whose value it cannot parse (and logs a warning),
//! so these are warnings.

use super::util::{diag, looked_up};
use super::FileCtx;
use crate::diag::Diagnostic;
use crate::model::is_bool_literal;
use crate::schema;
use crate::syntax::Entry;
use crate::workspace::UnitKind;

pub(super) fn check(cx: &FileCtx, section: &str, e: &Entry, out: &mut Vec<Diagnostic>) {
    let Some(kind) = schema::systemd_kind(section, &e.key) else {
        return;
    };
    // The generator's own, stricter test of these (`invalid-service-setting`)
    // covers them in .container and .kube units.
    if section == "Service"
        && matches!(e.key.as_str(), "KillMode" | "Type")
        && matches!(cx.kind, UnitKind::Container | UnitKind::Kube)
    {
        return;
    }
    let v = looked_up(&e.value);
    // An empty value resets the directive; specifiers and variables are
    // expanded by systemd at load time.
    if v.is_empty() || v.contains('%') || v.contains('$') {
        return;
    }
    if let Some(expected) = invalid(kind, &e.key, v) {
        out.push(diag(
            "invalid-directive-value",
            e.value_span,
            format!("{}={v} is not {expected}: systemd ignores this line", e.key),
        ));
    }
}

/// What the value should have been, when it is not valid for `kind`.
pub(crate) fn invalid(kind: &str, key: &str, v: &str) -> Option<String> {
    let ok = match kind {
        "bool" => {
            is_bool_literal(v) || matches!(v.to_ascii_lowercase().as_str(), "y" | "n" | "t" | "f")
        }
        "timespan" => is_timespan(v),
        "unsigned" => v.parse::<u64>().is_ok(),
        "integer" => v.parse::<i64>().is_ok(),
        "signal" => super::values::is_signal(v),
        "nice" => in_range(v, -20, 19),
        "oom-score-adjust" => in_range(v, -1000, 1000),
        "io-priority" => in_range(v, 0, 7),
        "cpu-sched-priority" => in_range(v, 0, 99),
        "weight" => in_range(v, 1, 10000),
        "cpu-weight" => v == "idle" || in_range(v, 1, 10000),
        "file-mode" => v.len() <= 4 && v.bytes().all(|b| (b'0'..=b'7').contains(&b)),
        "size" => is_size(v),
        "rlimit" => match v.split_once(':') {
            Some((soft, hard)) => is_limit(soft) && is_limit(hard),
            None => is_limit(v),
        },
        "memory-limit" => is_limit(v) || is_percent(v),
        _ => match schema::systemd_enum(kind) {
            Some(values) => values.iter().any(|a| match a.strip_suffix(':') {
                Some(prefix) => v
                    .strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix(':'))
                    .is_some_and(|r| !r.is_empty()),
                None => a == v,
            }),
            None => true,
        },
    };
    if ok {
        return None;
    }
    Some(match kind {
        "bool" => "a boolean (yes/no, true/false, on/off, 1/0)".to_string(),
        "timespan" => "a time span such as 90, 30s, 5min 20s or infinity".to_string(),
        "unsigned" => "a non-negative whole number".to_string(),
        "integer" => "a whole number".to_string(),
        "signal" => "a signal name or number".to_string(),
        "nice" => "a nice level from -20 to 19".to_string(),
        "oom-score-adjust" => "a number from -1000 to 1000".to_string(),
        "io-priority" => "a priority from 0 to 7".to_string(),
        "cpu-sched-priority" => "a priority from 0 to 99".to_string(),
        "weight" => "a weight from 1 to 10000".to_string(),
        "cpu-weight" => "a weight from 1 to 10000 or `idle`".to_string(),
        "file-mode" => "an octal file mode such as 0022".to_string(),
        "size" => "a size in bytes such as 512K or 1G".to_string(),
        "rlimit" => format!("a limit such as 1024, 4G, infinity or SOFT:HARD for {key}"),
        "memory-limit" => "a size such as 512M, a percentage such as 50%, or infinity".to_string(),
        _ => {
            let values: Vec<String> = schema::systemd_enum(kind)
                .unwrap_or_default()
                .iter()
                .map(|a| match a.strip_suffix(':') {
                    Some(p) => format!("{p}:…"),
                    None => a.clone(),
                })
                .collect();
            format!("one of: {}", values.join(", "))
        }
    })
}

fn in_range(v: &str, lo: i64, hi: i64) -> bool {
    v.parse::<i64>().is_ok_and(|n| (lo..=hi).contains(&n))
}

/// systemd's time units (`parse_sec`, `parse_nsec`).
const TIME_UNITS: &[&str] = &[
    "nsec", "ns", "usec", "us", "µs", "μs", "msec", "ms", "seconds", "second", "sec", "s",
    "minutes", "minute", "min", "m", "hours", "hour", "hr", "h", "days", "day", "d", "weeks",
    "week", "w", "months", "month", "M", "years", "year", "y",
];

/// Size suffixes (`parse_size`, base 1024).
const SIZE_UNITS: &[&str] = &["B", "K", "M", "G", "T", "P", "E"];

/// A sequence of `NUMBER[UNIT]` parts, blanks allowed between and inside
/// them, each unit one of `units` or none.
fn is_number_sequence(v: &str, units: &[&str]) -> bool {
    let mut rest = v.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..n];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return false;
        }
        rest = rest[n..].trim_start();
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace())
            .unwrap_or(rest.len());
        let unit = &rest[..u];
        if !unit.is_empty() && !units.contains(&unit) {
            return false;
        }
        rest = rest[u..].trim_start();
    }
    true
}

pub(crate) fn is_timespan(v: &str) -> bool {
    v == "infinity" || is_number_sequence(v, TIME_UNITS)
}

fn is_size(v: &str) -> bool {
    is_number_sequence(v, SIZE_UNITS)
}

/// A resource or memory limit: a size, a time span (LimitCPU=,
/// LimitRTTIME=), or `infinity`.
fn is_limit(v: &str) -> bool {
    v == "infinity" || is_size(v) || is_timespan(v)
}

fn is_percent(v: &str) -> bool {
    v.strip_suffix('%')
        .or_else(|| v.strip_suffix('‰'))
        .is_some_and(|n| !n.is_empty() && n.parse::<f64>().is_ok_and(|f| f >= 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_spans() {
        for ok in [
            "900", "5min 20s", "1h30m", "infinity", "0", "2.5s", "10 s", "1d",
        ] {
            assert!(is_timespan(ok), "{ok}");
        }
        for bad in ["900 # c", "bogus", "5 minutes ago", "-1", "1..2s", ""] {
            assert!(!is_timespan(bad), "{bad}");
        }
    }

    #[test]
    fn kinds() {
        assert!(invalid("restart", "Restart", "always").is_none());
        assert!(invalid("restart", "Restart", "bogus").is_some());
        assert!(invalid("output", "StandardOutput", "file:/var/log/x").is_none());
        assert!(invalid("output", "StandardOutput", "file:").is_some());
        assert!(invalid("rlimit", "LimitNOFILE", "1024:524288").is_none());
        assert!(invalid("rlimit", "LimitNOFILE", "lots").is_some());
        assert!(invalid("memory-limit", "MemoryMax", "50%").is_none());
        assert!(invalid("memory-limit", "MemoryMax", "2G").is_none());
        assert!(invalid("file-mode", "UMask", "0022").is_none());
        assert!(invalid("file-mode", "UMask", "0088").is_some());
        assert!(invalid("bool", "RemainAfterExit", "yes").is_none());
        assert!(invalid("bool", "RemainAfterExit", "yes please").is_some());
    }
}
