//! Checks: each rule is a function from the model and the key table to
//! diagnostics (to be written: see issue 2).

use crate::diag::Diagnostic;
use crate::schema::Version;
use crate::workspace::Workspace;
use std::collections::BTreeSet;
use std::path::Path;

/// Settings shared by lint and the language server.
#[derive(Debug, Clone)]
pub struct Options {
    pub podman_version: Version,
    pub user: bool,
    /// Codes switched off.
    pub disabled: BTreeSet<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            podman_version: Version::DEFAULT,
            user: false,
            disabled: BTreeSet::new(),
        }
    }
}

/// Checks one file (a unit, a drop-in `.conf`, or a YAML file) whose current
/// text is `text`, in the context of the workspace.
pub fn check_file(_ws: &Workspace, _path: &Path, text: &str, _opts: &Options) -> Vec<Diagnostic> {
    crate::syntax::parse(text)
        .errors
        .into_iter()
        .map(|e| Diagnostic::error("syntax", e.span, e.message))
        .collect()
}
