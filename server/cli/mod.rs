//! The command line: `lint`, `preview` and `serve`. Each subcommand lives in
//! its own file; this one only dispatches.

pub mod lint;
pub mod lint_files;
pub mod output;
pub mod preview;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "quadlet-ls",
    version,
    about = "Language server, linter and generator preview for Podman Quadlet units"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check unit files (and the Kubernetes YAML they use) for CI.
    Lint(lint::LintArgs),
    /// Show the systemd service podman's generator makes from a unit.
    Preview(preview::PreviewArgs),
    /// Run the language server over stdio.
    Serve,
}

/// Entry point of the binary. Exit codes: 0 fine, 1 problems found, 2 usage
/// or I/O error.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Preview(args) => preview::run(args),
        Command::Serve => crate::lsp::serve(),
    }
}
