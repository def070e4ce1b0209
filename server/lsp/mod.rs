//! The language server (to be written: issue 4). One file per feature.

use std::process::ExitCode;

/// Runs the server over stdio until the client exits.
pub fn serve() -> ExitCode {
    eprintln!("quadlet-ls serve: not implemented yet");
    ExitCode::from(2)
}
