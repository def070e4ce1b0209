//! `quadlet-ls preview` (to be written: issue 3).

use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// A unit file, or directories to generate like `quadlet -dryrun`.
    pub paths: Vec<std::path::PathBuf>,
}

pub fn run(_args: PreviewArgs) -> ExitCode {
    eprintln!("quadlet-ls preview: not implemented yet");
    ExitCode::from(2)
}
