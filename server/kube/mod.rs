//! Kubernetes YAML that `.kube` units run (to be written: issue 5).

use crate::diag::Diagnostic;
use crate::model::Unit;
use crate::syntax::Span;
use crate::workspace::Workspace;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `1.33` etc.; `None` for the default shipped version.
    pub kubernetes_version: Option<String>,
}

/// A completion candidate at a cursor in YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub insert_text: Option<String>,
}

/// Hover text (markdown) for the node at a cursor in YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// Checks a Kubernetes YAML file.
pub fn check_yaml(_text: &str, _opts: &Options) -> Vec<Diagnostic> {
    Vec::new()
}

/// The `containerPort`s a YAML file declares, with their protocol.
pub fn container_ports(_text: &str) -> Vec<(u16, String)> {
    Vec::new()
}

/// Completions for the cursor at byte `offset`.
pub fn completions(_text: &str, _offset: usize, _opts: &Options) -> Vec<Completion> {
    Vec::new()
}

/// Hover for the cursor at byte `offset`.
pub fn hover(_text: &str, _offset: usize, _opts: &Options) -> Option<Hover> {
    None
}

/// Checks that tie a `.kube` unit to its YAML: `Yaml=` and `ConfigMap=`
/// files exist (resolved against the unit's directory), and `PublishPort=`
/// matches a declared `containerPort`. Diagnostics are on the unit's files.
pub fn check_unit_links(
    _ws: &Workspace,
    _unit: &Unit,
    _opts: &Options,
) -> Vec<(usize, Diagnostic)> {
    Vec::new()
}
