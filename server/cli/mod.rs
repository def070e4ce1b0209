//! The command line: `lint`, `preview`, `convert`, `rule` and `serve`. Each subcommand lives in
//! its own file; this one only dispatches.

pub mod convert;
pub mod docs;
pub mod lint;
pub mod lint_files;
pub mod output;
pub mod preview;
pub mod rule;

use crate::release::{self, Target};
use crate::schema::Version;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
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
    /// Write Quadlet units from a podman command line (`-- podman run ...`).
    Convert(convert::ConvertArgs),
    /// Explain a check code: what it finds, why it matters, an example,
    /// its severity and fixes.
    Rule(rule::RuleArgs),
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
        Command::Convert(args) => convert::run(args),
        Command::Rule(args) => rule::run(args),
        Command::Serve => crate::lsp::serve(),
    }
}

/// `--podman-version`, shared by every subcommand that takes a release.
#[derive(Debug, Clone, Args)]
pub struct ReleaseArg {
    /// The podman release to target (see `release_help`).
    #[arg(
        long = "podman-version",
        value_name = "X.Y|auto",
        value_parser = parse_target,
        help = release_help()
    )]
    pub podman_version: Option<Target>,
}

fn release_help() -> String {
    format!(
        "The podman release to target: a line from {} to {} (`5.4`, `5.8.6` and `v5.8` \
         are fine), or `auto` for the podman on PATH. Default: the `podman-version` of \
         quadlet-ls.toml, else {}",
        release::oldest(),
        release::newest(),
        release::DEFAULT
    )
}

fn parse_target(s: &str) -> Result<Target, release::ReleaseError> {
    Target::parse(s)
}

/// Where the release came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseSource {
    Flag,
    Config,
    Default,
}

/// The target release of a command: the flag, else `config_value` (the
/// `podman-version` of quadlet-ls.toml at `config_path`), else the default.
/// `auto` runs `podman --version`; when that does not give a supported line
/// the note goes to stderr. A bad config value is an error message.
pub fn resolve_release(
    cmd: &str,
    flag: Option<Target>,
    config_value: Option<&str>,
    config_path: Option<&Path>,
) -> Result<(Version, ReleaseSource), String> {
    let (target, source) = match (flag, config_value) {
        (Some(t), _) => (t, ReleaseSource::Flag),
        (None, Some(text)) => match Target::parse(text) {
            Ok(t) => (t, ReleaseSource::Config),
            Err(e) => {
                let at = config_path.map_or(String::new(), |p| format!("{}: ", p.display()));
                return Err(format!("{at}podman-version: {e}"));
            }
        },
        (None, None) => (Target::default(), ReleaseSource::Default),
    };
    let r = target.resolve(release::podman_on_path);
    if let Some(note) = &r.note {
        crate::errln!("quadlet-ls {cmd}: {note}");
    }
    Ok((r.release, source))
}

/// `--config FILE` / `--no-config`, shared by the commands that read
/// quadlet-ls.toml.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Use this configuration file instead of searching for quadlet-ls.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any quadlet-ls.toml.
    #[arg(long)]
    pub no_config: bool,
}
