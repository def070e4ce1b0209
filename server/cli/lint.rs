//! `quadlet-ls lint` (to be written: issue 2).

use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to check (recursively). Default: `.`
    pub paths: Vec<std::path::PathBuf>,
}

pub fn run(_args: LintArgs) -> ExitCode {
    eprintln!("quadlet-ls lint: not implemented yet");
    ExitCode::from(2)
}
