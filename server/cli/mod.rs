//! The command line: `lint`, `preview` and `serve`.

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
    Lint,
    /// Show the systemd service podman's generator makes from a unit.
    Preview,
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
        Command::Lint | Command::Preview | Command::Serve => {
            eprintln!("quadlet-ls: not implemented yet");
            ExitCode::from(2)
        }
    }
}
