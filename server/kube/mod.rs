//! Kubernetes YAML that `.kube` units run (to be written: see issue 5).

use crate::diag::Diagnostic;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `1.33` etc.; `None` for the default shipped version.
    pub kubernetes_version: Option<String>,
}

/// Checks a Kubernetes YAML file.
pub fn check_yaml(_text: &str, _opts: &Options) -> Vec<Diagnostic> {
    Vec::new()
}

/// The `containerPort`s a YAML file declares, with their protocol.
pub fn container_ports(_text: &str) -> Vec<(u16, String)> {
    Vec::new()
}
