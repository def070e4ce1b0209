//! The target podman release: the one place that says which releases exist,
//! how a user names one, and what `auto` does.
//!
//! Every setting that takes a release goes through [`Target::parse`] and
//! [`Target::resolve`]: `lint --podman-version`, `preview --podman-version`,
//! `podman-version` in `quadlet-ls.toml` and the language server's
//! `podmanVersion`.
//!
//! A target is a minor line from 4.4 (the first release with Quadlet) to the
//! newest line quadlet-ls knows, written `X.Y`, `X.Y.Z` (the patch is
//! ignored: patch releases never changed Quadlet's keys), with an optional
//! `v` prefix; or `auto`, which asks the `podman` found on `PATH` for its
//! version and nothing else.

use crate::schema::Version;
use std::fmt;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const fn v(major: u16, minor: u16) -> Version {
    Version { major, minor }
}

/// Every minor line that has Quadlet, oldest first.
pub const LINES: &[Version] = &[
    v(4, 4),
    v(4, 5),
    v(4, 6),
    v(4, 7),
    v(4, 8),
    v(4, 9),
    v(5, 0),
    v(5, 1),
    v(5, 2),
    v(5, 3),
    v(5, 4),
    v(5, 5),
    v(5, 6),
    v(5, 7),
    v(5, 8),
    v(6, 0),
    v(6, 1),
];

/// The release used when nothing is set (one constant: [`Version::DEFAULT`]).
pub const DEFAULT: Version = Version::DEFAULT;

/// The oldest line with Quadlet.
pub fn oldest() -> Version {
    LINES[0]
}

/// The newest line quadlet-ls knows.
pub fn newest() -> Version {
    LINES[LINES.len() - 1]
}

/// Whether `v` is one of the supported lines.
pub fn is_supported(v: Version) -> bool {
    LINES.contains(&v)
}

/// The supported lines, for messages: `4.4, 4.5, …, 6.1`.
pub fn lines_text() -> String {
    LINES
        .iter()
        .map(Version::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A release setting that is not one of the supported lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported podman version `{text}`: the supported lines are {}, \
     a patch release of one (e.g. 5.8.6), or `auto`",
    lines_text()
)]
pub struct ReleaseError {
    /// What the user wrote.
    pub text: String,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The release of the `podman` on `PATH`.
    Auto,
    /// One minor line.
    Line(Version),
}

impl Default for Target {
    fn default() -> Self {
        Target::Line(DEFAULT)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Auto => f.write_str("auto"),
            Target::Line(v) => v.fmt(f),
        }
    }
}

/// Reads `X.Y`, `X.Y.Z`, `X.Y.Z-suffix` (`6.0.0-rc1`), with an optional `v`,
/// as a line; `None` for anything else. Does not check the range.
fn parse_version(s: &str) -> Option<Version> {
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let mut parts = s.splitn(3, '.');
    let num = |p: &str| -> Option<u16> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let major = num(parts.next()?)?;
    let minor = num(parts.next()?)?;
    if let Some(patch) = parts.next() {
        // The patch number, then optionally a pre-release or build suffix.
        let digits = patch.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &patch[digits..];
        if digits == 0 || !(rest.is_empty() || rest.starts_with(['-', '+', '~'])) {
            return None;
        }
    }
    Some(Version { major, minor })
}

impl Target {
    /// Parses a setting: `auto`, or a supported line with an optional patch
    /// and `v` prefix. Surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<Target, ReleaseError> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("auto") {
            return Ok(Target::Auto);
        }
        match parse_version(t) {
            Some(v) if is_supported(v) => Ok(Target::Line(v)),
            _ => Err(ReleaseError {
                text: text.to_string(),
            }),
        }
    }

    /// Parses a line (not `auto`): for data and tests that name a release.
    pub fn parse_line(text: &str) -> Result<Version, ReleaseError> {
        match Target::parse(text)? {
            Target::Line(v) => Ok(v),
            Target::Auto => Err(ReleaseError {
                text: text.to_string(),
            }),
        }
    }

    /// The release this target means. `auto` runs `probe` (normally
    /// [`podman_on_path`]); any other target never does.
    pub fn resolve(self, probe: impl FnOnce() -> Probe) -> Resolved {
        match self {
            Target::Line(v) => Resolved {
                release: v,
                note: None,
            },
            Target::Auto => resolve_auto(probe()),
        }
    }
}

/// What asking the machine's podman gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// `podman --version` printed this (first line of stdout).
    Printed(String),
    /// There is no podman to ask, or it failed; the reason, for the note.
    Unavailable(String),
}

/// A resolved target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub release: Version,
    /// Set when `auto` could not use the machine's podman as is (none on
    /// `PATH`, an unreadable answer, a release outside the supported lines):
    /// one sentence saying what was used instead. The CLI prints it on
    /// stderr; the language server logs it.
    pub note: Option<String>,
}

fn resolve_auto(probe: Probe) -> Resolved {
    let fallback = |why: String| Resolved {
        release: DEFAULT,
        note: Some(format!(
            "podman-version auto: {why}; using the default, podman {DEFAULT}"
        )),
    };
    let printed = match probe {
        Probe::Printed(p) => p,
        Probe::Unavailable(why) => return fallback(why),
    };
    // `podman version 5.8.6`; take the last word that reads as a version.
    let found = printed
        .split_whitespace()
        .rev()
        .find_map(|w| parse_version(w).map(|v| (w, v)));
    let Some((word, found)) = found else {
        return fallback(format!(
            "cannot read a version in `podman --version` output {:?}",
            printed.trim()
        ));
    };
    if is_supported(found) {
        return Resolved {
            release: found,
            note: None,
        };
    }
    if found < oldest() {
        return fallback(format!(
            "podman {word} on PATH predates Quadlet (first in {})",
            oldest()
        ));
    }
    // A release between lines (a development build) or newer than the
    // newest line: the newest line that is not newer than it.
    let line = LINES
        .iter()
        .rev()
        .find(|l| **l <= found)
        .copied()
        .unwrap_or(DEFAULT);
    Resolved {
        release: line,
        note: Some(format!(
            "podman-version auto: podman {word} on PATH is not a line quadlet-ls knows; using podman {line}"
        )),
    }
}

/// How long `podman --version` may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `podman --version` from `PATH` (nothing else: no file, no
/// environment variable, no workspace), with a time limit.
pub fn podman_on_path() -> Probe {
    let mut child = match Command::new("podman")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Probe::Unavailable("no podman on PATH".into())
        }
        Err(e) => return Probe::Unavailable(format!("cannot run podman: {e}")),
    };
    // Read on a thread so that a child that writes a lot cannot block on a
    // full pipe while we wait for it.
    let (tx, rx) = std::sync::mpsc::channel();
    if let Some(out) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.take(64 * 1024).read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
    }
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() < PROBE_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Probe::Unavailable(format!(
                    "`podman --version` did not answer within {} s",
                    PROBE_TIMEOUT.as_secs()
                ));
            }
            Err(e) => return Probe::Unavailable(format!("cannot wait for podman: {e}")),
        }
    };
    if !status.success() {
        return Probe::Unavailable(format!("`podman --version` failed ({status})"));
    }
    let out = rx.recv_timeout(Duration::from_secs(1)).unwrap_or_default();
    let text = String::from_utf8_lossy(&out);
    Probe::Printed(text.lines().next().unwrap_or("").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Result<Version, ReleaseError> {
        Target::parse_line(s)
    }

    #[test]
    fn lines_are_sorted_and_span_4_4_to_6_1() {
        assert!(LINES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(oldest(), v(4, 4));
        assert_eq!(newest(), v(6, 1));
        assert!(is_supported(DEFAULT));
        assert_eq!(LINES.len(), 17);
    }

    #[test]
    fn accepts_lines_patches_and_prefix() {
        assert_eq!(line("5.8"), Ok(v(5, 8)));
        assert_eq!(line("5.8.6"), Ok(v(5, 8)));
        assert_eq!(line("v5.4.2"), Ok(v(5, 4)));
        assert_eq!(line(" 4.4 "), Ok(v(4, 4)));
        assert_eq!(line("6.0.0-rc1"), Ok(v(6, 0)));
        assert_eq!(line("6.1"), Ok(v(6, 1)));
        assert_eq!(Target::parse("auto"), Ok(Target::Auto));
        assert_eq!(Target::parse("AUTO"), Ok(Target::Auto));
        for l in LINES {
            assert_eq!(line(&l.to_string()), Ok(*l));
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "9", "5", "five", "", "4.3", "4.10", "5.9", "6.2", "7.0", "5.8.", "5..8", "5.8.x",
            "5.8.6.1", "-5.8", "vv5.8", "5,8", "autox",
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert_eq!(e.text, bad);
        }
        let msg = Target::parse("9").unwrap_err().to_string();
        assert_eq!(
            msg,
            "unsupported podman version `9`: the supported lines are 4.4, 4.5, 4.6, 4.7, \
             4.8, 4.9, 5.0, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.8, 6.0, 6.1, a patch \
             release of one (e.g. 5.8.6), or `auto`"
        );
    }

    fn auto(p: Probe) -> Resolved {
        Target::Auto.resolve(|| p)
    }

    #[test]
    fn auto_reads_podman_version_output() {
        let r = auto(Probe::Printed("podman version 5.4.2".into()));
        assert_eq!(
            r,
            Resolved {
                release: v(5, 4),
                note: None
            }
        );
        let r = auto(Probe::Printed("podman version 6.0.0-rc1".into()));
        assert_eq!(r.release, v(6, 0));
    }

    #[test]
    fn auto_falls_back_or_clamps_with_a_note() {
        let r = auto(Probe::Unavailable("no podman on PATH".into()));
        assert_eq!(r.release, DEFAULT);
        assert_eq!(
            r.note.as_deref(),
            Some(
                format!(
                    "podman-version auto: no podman on PATH; using the default, podman {DEFAULT}"
                )
                .as_str()
            )
        );
        let r = auto(Probe::Printed("podman version 3.4.4".into()));
        assert_eq!(r.release, DEFAULT);
        assert!(r.note.unwrap().contains("predates Quadlet"));
        let r = auto(Probe::Printed("podman version 7.2.0".into()));
        assert_eq!(r.release, newest());
        assert!(r.note.unwrap().contains("7.2.0"));
        let r = auto(Probe::Printed("podman version 5.9.0-dev".into()));
        assert_eq!(r.release, v(5, 8));
        let r = auto(Probe::Printed("garbage".into()));
        assert_eq!(r.release, DEFAULT);
        assert!(r.note.unwrap().contains("garbage"));
    }

    #[test]
    fn a_line_never_probes() {
        let r = Target::Line(v(5, 4)).resolve(|| panic!("probed"));
        assert_eq!(r.release, v(5, 4));
    }
}
