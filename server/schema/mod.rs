//! The key table, loaded once from `schemas/` (to be written: see issue 2).

use serde::Serialize;
use std::fmt;

/// A podman version, `major.minor` (patch releases never added keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

impl Version {
    /// The reference version.
    pub const DEFAULT: Version = Version { major: 5, minor: 8 };

    /// Parses `5.8`, `5.8.6`, `v5.8.0`.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches('v');
        let mut it = s.split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next().map_or(Some(0), |m| m.parse().ok())?;
        Some(Version { major, minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}
