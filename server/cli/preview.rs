//! `quadlet-ls preview`: the systemd service podman's generator makes.
//!
//! * `preview [--user] [--format service|command|json] FILE` — one unit;
//! * `preview [--user] [DIR...]` — every unit, printed exactly like
//!   `quadlet -dryrun` (same blocks on stdout, same messages on stderr, same
//!   exit status). Without DIRs the search path comes from
//!   `QUADLET_UNIT_DIRS` or podman's standard directories for the mode.

use super::output;
use crate::generate::{self, Options};
use crate::schema::Version;
use crate::workspace::{self, DiskFs, Workspace};
use crate::{errln, out, outln};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// The generated unit text.
    #[default]
    Service,
    /// One `ExecX=` line per `Exec*` entry, in systemd's syntax: a `-`
    /// after `=` is systemd's prefix (a failure is ignored), then the podman
    /// command, shell-quoted.
    Command,
    /// `{serviceName, service, command, exec, diagnostics}` (fields: end of
    /// `preview --help`).
    Json,
}

#[derive(Debug, Args)]
#[command(after_long_help = super::docs::preview_after_help())]
pub struct PreviewArgs {
    /// Generate as the user (rootless) generator does.
    #[arg(long, alias = "user-mode")]
    pub user: bool,
    /// Output format for a single unit file.
    #[arg(long, value_enum, default_value_t = Format::Service)]
    pub format: Format,
    #[command(flatten)]
    pub release: super::ReleaseArg,
    #[command(flatten)]
    pub config: super::ConfigArgs,
    /// A unit file, or directories to generate like `quadlet -dryrun`.
    pub paths: Vec<PathBuf>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn options(user: bool, release: Version) -> Options {
    Options {
        user,
        podman: env("PODMAN").filter(|p| !p.is_empty()),
        release,
    }
}

/// The target release (flag, quadlet-ls.toml, default), named on stderr so
/// that stdout stays what podman prints.
fn release(args: &PreviewArgs) -> Result<Version, ExitCode> {
    let fail = |e: String| {
        errln!("quadlet-ls preview: {e}");
        ExitCode::from(2)
    };
    let (path, cfg) = match super::lint::load_config(&args.config, &args.paths) {
        Ok(Some((p, c))) => (Some(p), Some(c)),
        Ok(None) => (None, None),
        Err(e) => return Err(fail(e)),
    };
    let value = cfg.as_ref().and_then(|c| c.podman_version.as_deref());
    let (v, source) = super::resolve_release(
        "preview",
        args.release.podman_version,
        value,
        path.as_deref(),
    )
    .map_err(fail)?;
    let from = match (source, &path) {
        (super::ReleaseSource::Flag, _) => " (--podman-version)".to_string(),
        (super::ReleaseSource::Config, Some(p)) => format!(" (from {})", p.display()),
        (super::ReleaseSource::Config, None) => String::new(),
        (super::ReleaseSource::Default, _) => " (the default)".to_string(),
    };
    errln!("quadlet-ls preview: generating as podman {v}{from}");
    Ok(v)
}

fn absolute(p: &std::path::Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// The current user's id (the owner of this process's `/proc` entry).
fn current_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// podman's search path for the mode (`QUADLET_UNIT_DIRS` first).
fn search_dirs(user: bool, release: Version) -> Vec<PathBuf> {
    generate::unitdirs::podman_unit_dirs(&DiskFs, user, &env, current_uid(), release)
}

pub fn run(args: PreviewArgs) -> ExitCode {
    let release = match release(&args) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let single = args.paths.len() == 1 && args.paths[0].is_file();
    if single {
        return run_single(&args, release);
    }
    if let Some(bad) = args.paths.iter().find(|p| !p.is_dir()) {
        errln!(
            "quadlet-ls preview: {} is neither a unit file nor a directory",
            bad.display()
        );
        return ExitCode::from(2);
    }
    let ws = if args.paths.is_empty() {
        Workspace::load_dirs(Arc::new(DiskFs), search_dirs(args.user, release))
    } else {
        let roots: Vec<PathBuf> = args.paths.iter().map(|p| absolute(p)).collect();
        let dirs = generate::unitdirs::expand_roots(&DiskFs, &roots, release);
        Workspace::load_dirs(Arc::new(DiskFs), dirs)
    };
    let dr = generate::dry_run(&ws, &options(args.user, release));
    let pid = std::process::id();
    let mut out = output::stdout();
    // Errors land in the sink (and come back from `finish`).
    let _ = dr.write_stdout(&mut out);
    let status = output::finish(out, "quadlet-ls preview", ExitCode::SUCCESS);
    // The log ends as the release's generator ends it.
    for m in &dr.log {
        errln!("quadlet-generator[{pid}]: {m}");
    }
    if let Some(p) = &dr.panic {
        errln!("{p}");
        return ExitCode::from(2);
    }
    if dr.failed {
        return ExitCode::from(1);
    }
    status
}

fn run_single(args: &PreviewArgs, release: Version) -> ExitCode {
    let path = absolute(&args.paths[0]);
    // The unit's own directory plus the mode's search path, so that the
    // units it references and its drop-ins are found.
    let dir = match workspace::classify(&path) {
        // A drop-in: its units live beside the `*.d` directory.
        workspace::FileRole::DropIn { .. } => path.parent().and_then(|p| p.parent()),
        _ => path.parent(),
    };
    let mut dirs: Vec<PathBuf> = match dir {
        Some(d) => generate::unitdirs::expand_roots(&DiskFs, &[d.to_path_buf()], release),
        None => Vec::new(),
    };
    for d in search_dirs(args.user, release) {
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    let ws = Workspace::load_dirs(Arc::new(DiskFs), dirs);
    let p = generate::preview(&ws, &path, &options(args.user, release));
    // A service with errors (a broken sibling or drop-in) is shown, but
    // podman would not make it today.
    let failed = p.service.is_none() || !p.errors.is_empty();
    // The messages come first: above the service on a terminal.
    if args.format != Format::Json {
        for e in &p.errors {
            errln!("error: {e}");
        }
        for w in &p.warnings {
            errln!("warning: {w}");
        }
    }
    let mut out = output::stdout();
    match args.format {
        Format::Service => {
            if let Some(s) = &p.service {
                out!(out, "{s}");
            }
        }
        Format::Command => {
            for l in p.command_lines() {
                outln!(out, "{l}");
            }
        }
        Format::Json => {
            let _ = serde_json::to_writer_pretty(&mut out, &p.to_json());
            outln!(out);
        }
    }
    let status = if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    output::finish(out, "quadlet-ls preview", status)
}
