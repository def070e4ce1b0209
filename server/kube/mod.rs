//! Kubernetes YAML that `.kube` units run: offline validation against the
//! embedded Kubernetes schemas (see `schemas/kubernetes/`), podman's
//! limits, completion and hover, and the checks that tie a `.kube` unit to
//! its files.
//!
//! Nothing here costs anything until a YAML file is checked: the schemas
//! are parsed and compiled on first use, once per kind.

mod complete;
mod links;
pub mod schema;
mod validate;
pub mod yaml;

pub use complete::PathSeg;
pub use links::{publish_container_ports, resolve_path, split_words, unit_files, UnitFileRef};

use crate::diag::{Diagnostic, Severity};
use crate::model::Unit;
use crate::syntax::Span;
use crate::workspace::Workspace;

/// Every code this module emits, with its usual severity and a short
/// description (documented in `docs/kube-checks.md`). Some codes take
/// another severity in particular cases (see the docs).
pub static CODES: &[(&str, Severity, &str)] = &[
    ("yaml-syntax", Severity::Error, "the file is not valid YAML"),
    (
        "yaml-duplicate-key",
        Severity::Error,
        "a key repeated in one YAML mapping",
    ),
    (
        "yaml-too-deep",
        Severity::Error,
        "YAML nested deeper than 128 levels",
    ),
    (
        "yaml-alias-bomb",
        Severity::Error,
        "YAML aliases that expand too far, or recursive aliases",
    ),
    (
        "yaml-too-large",
        Severity::Warning,
        "a YAML file too large to check",
    ),
    (
        "kube-unknown-field",
        Severity::Warning,
        "a field the Kubernetes schema does not know",
    ),
    ("kube-type", Severity::Error, "a value of the wrong type"),
    (
        "kube-required",
        Severity::Warning,
        "a field the Kubernetes API requires is missing",
    ),
    (
        "kube-enum",
        Severity::Warning,
        "a value outside the allowed set",
    ),
    (
        "kube-port-range",
        Severity::Error,
        "a port number outside 1-65535",
    ),
    (
        "kube-base64",
        Severity::Error,
        "Secret data or ConfigMap binaryData that is not base64",
    ),
    (
        "kube-schema",
        Severity::Error,
        "another Kubernetes schema violation",
    ),
    (
        "kube-not-validated",
        Severity::Info,
        "an apiVersion/kind pair without a schema",
    ),
    (
        "kube-unsupported-kind",
        Severity::Warning,
        "a kind podman kube play skips",
    ),
    (
        "kube-ignored-field",
        Severity::Info,
        "a field podman kube play ignores",
    ),
    (
        "kube-podman-unsupported",
        Severity::Warning,
        "a field podman kube play refuses or changes",
    ),
    (
        "kube-podman-required",
        Severity::Error,
        "a field podman kube play needs (names, images)",
    ),
    (
        "kube-short-image-name",
        Severity::Warning,
        "a container image without a registry",
    ),
    (
        "kube-duplicate-name",
        Severity::Error,
        "two containers of one pod with the same name",
    ),
    (
        "kube-volume-mount",
        Severity::Error,
        "a volume mount naming no volume of the pod",
    ),
    (
        "kube-missing-file",
        Severity::Error,
        "a Yaml= or ConfigMap= file that does not exist",
    ),
    (
        "kube-port-mismatch",
        Severity::Warning,
        "a PublishPort= port no containerPort declares",
    ),
    (
        "kube-missing-configmap",
        Severity::Warning,
        "a ConfigMap (or key) the pods use that nothing defines",
    ),
    (
        "kube-nothing-to-play",
        Severity::Warning,
        "Yaml= files with nothing podman kube play runs",
    ),
];

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `1.33` etc.; `None` for the default shipped version. Only the
    /// shipped version (see [`kubernetes_version`]) is available; another
    /// value still validates against it.
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

/// The Kubernetes version of the embedded schemas (e.g. `1.35`).
pub fn kubernetes_version() -> &'static str {
    &schema::bundle().version
}

/// Checks a Kubernetes YAML file: YAML syntax and limits, the schema of
/// every document podman plays, value sets and port ranges, and what
/// `podman kube play` ignores or refuses. Never panics.
pub fn check_yaml(text: &str, _opts: &Options) -> Vec<Diagnostic> {
    validate::check(text)
}

/// The `containerPort`s a YAML file declares, with their protocol.
pub fn container_ports(text: &str) -> Vec<(u16, String)> {
    validate::container_ports(text)
}

/// Completions for the cursor at byte `offset`: keys of the object at the
/// cursor (from indentation, so it works while the file does not parse),
/// or the allowed values after `key:`.
pub fn completions(text: &str, offset: usize, _opts: &Options) -> Vec<Completion> {
    complete::completions(text, offset)
}

/// Hover for the key at byte `offset`: its type, description, allowed
/// values and what podman does with it.
pub fn hover(text: &str, offset: usize, _opts: &Options) -> Option<Hover> {
    complete::hover(text, offset)
}

/// Checks that tie a `.kube` unit to its YAML: `Yaml=` and `ConfigMap=`
/// files exist (resolved against the unit's directory), and `PublishPort=`
/// matches a declared `containerPort`. Diagnostics are on the unit's files.
pub fn check_unit_links(ws: &Workspace, unit: &Unit, _opts: &Options) -> Vec<(usize, Diagnostic)> {
    links::check(ws, unit)
}
