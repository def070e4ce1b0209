//! quadlet-ls: language server, linter and generator preview for Podman
//! Quadlet units.
//!
//! The core is pure: [`syntax`] parses, [`model`] gives the typed view,
//! [`check`] finds problems, [`generate`] produces the systemd service.
//! [`workspace`] is the only way to files. [`lsp`] and [`cli`] are the edges.

pub mod check;
pub mod cli;
pub mod convert;
pub mod diag;
pub mod generate;
pub mod kube;
pub mod line_index;
pub mod lsp;
pub mod model;
pub mod release;
pub mod schema;
pub mod syntax;
pub mod workspace;
