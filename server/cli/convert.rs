//! `quadlet-ls convert`: Quadlet units from podman commands.
//!
//! * `convert [OPTIONS] -- podman run|create|pod create|... ARGS` — one
//!   command line, as words or as one argument split the way a POSIX shell
//!   would (`-- "podman run -e 'A=b c' nginx"`);
//! * `convert [OPTIONS] -` — one command line read from stdin (pasted with
//!   its quotes and backslash-newlines), split the same way;
//! * `convert [OPTIONS] FILE...` — units of `podman generate systemd`,
//!   compose files.
//!
//! Units go to stdout (several are separated by a `# FILE` comment line),
//! or with `-o DIR` into DIR as `NAME.EXT`, never over an existing file
//! unless `--force`. Warnings go to stderr. Exit status: 0 converted, 2 a
//! command or file that cannot be converted, or an I/O error.

use super::output;
use crate::convert::{self, Converted, Draft, Options};
use crate::{errln, out};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Write the units into this directory (as NAME.container, ...) instead
    /// of stdout.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// With -o, replace files that exist already.
    #[arg(long)]
    pub force: bool,
    /// The unit's file name, without extension (default: from --name, the
    /// image's base name, ...).
    #[arg(long = "unit-name", value_name = "NAME")]
    pub unit_name: Option<String>,
    /// Compose files: put all the services in one pod (NAME.pod, named
    /// after the project), which takes their published ports.
    #[arg(long)]
    pub pod: bool,
    #[command(flatten)]
    pub release: super::ReleaseArg,
    #[command(flatten)]
    pub config: super::ConfigArgs,
    /// Files to convert (units `podman generate systemd` wrote, compose
    /// files), or `-`: read one podman command from stdin.
    pub files: Vec<PathBuf>,
    /// The podman command, after `--`: `-- podman run -d --name web nginx`.
    #[arg(last = true, value_name = "PODMAN COMMAND")]
    pub command: Vec<String>,
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    errln!("quadlet-ls convert: {msg}");
    ExitCode::from(2)
}

pub fn run(args: ConvertArgs) -> ExitCode {
    let roots: Vec<PathBuf> = args.output.iter().cloned().collect();
    let cfg = match super::lint::load_config(&args.config, &roots) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let value = cfg.as_ref().and_then(|(_, c)| c.podman_version.as_deref());
    let path = cfg.as_ref().map(|(p, _)| p.as_path());
    let release = match super::resolve_release("convert", args.release.podman_version, value, path)
    {
        Ok((v, _)) => v,
        Err(e) => return fail(e),
    };
    let opts = Options {
        release,
        name: args.unit_name.clone(),
    };
    let mut all = Converted::default();
    match (args.command.is_empty(), args.files.is_empty()) {
        (true, true) => {
            return fail("nothing to convert: give files, or a podman command after `--`")
        }
        (false, false) => {
            return fail("give either files or a podman command after `--`, not both")
        }
        (false, true) => match convert::convert_args(&args.command, &opts) {
            Ok(c) => all = c,
            Err(e) => return fail(e),
        },
        (true, false) if args.files.iter().any(|f| f.as_os_str() == "-") => {
            if args.files.len() > 1 {
                return fail("`-` (a command on stdin) cannot be mixed with files");
            }
            let mut text = String::new();
            if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                return fail(format!("cannot read the command from stdin: {e}"));
            }
            match convert::convert_text(&text, &opts) {
                Ok(c) => all = c,
                Err(e) => return fail(e),
            }
        }
        (true, false) => {
            // Services are converted together: a pod service and its
            // container services link up.
            let (services, others): (Vec<&PathBuf>, Vec<&PathBuf>) = args
                .files
                .iter()
                .partition(|f| f.extension().is_some_and(|e| e == "service"));
            if !services.is_empty() {
                let mut texts = Vec::new();
                for f in &services {
                    match std::fs::read_to_string(f) {
                        Ok(t) => texts.push((f.display().to_string(), t)),
                        Err(e) => return fail(format!("{}: cannot read it: {e}", f.display())),
                    }
                }
                match convert::systemd::convert_services(&texts, &opts) {
                    Ok(c) => {
                        all.units.extend(c.units);
                        all.warnings.extend(c.warnings);
                    }
                    Err(e) => return fail(e),
                }
            }
            for f in others {
                match convert_file(f, &opts, args.pod) {
                    Ok(c) => {
                        all.units.extend(c.units);
                        all.warnings.extend(c.warnings);
                    }
                    Err(e) => return fail(e),
                }
            }
        }
    }
    for w in &all.warnings {
        errln!("warning: {w}");
    }
    match &args.output {
        Some(dir) => write_units(&all.units, dir, args.force),
        None => print_units(&all.units),
    }
}

/// One file to convert that is not a `.service`: a compose file.
fn convert_file(path: &Path, opts: &Options, pod: bool) -> Result<Converted, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    if !is_yaml {
        return Err(format!(
            "{}: not a file convert reads: give units `podman generate systemd` wrote (.service) or compose files (.yaml, .yml)",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read it: {e}", path.display()))?;
    // relative paths in the file are relative to its folder; the project
    // is named after that folder (as compose names it)
    let dir = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let project = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "compose".into());
    convert::compose::convert_compose(
        &path.display().to_string(),
        &text,
        &dir.to_string_lossy(),
        &project,
        opts,
        pod,
    )
    .map_err(|e| e.to_string())
}

fn print_units(units: &[Draft]) -> ExitCode {
    let mut out = output::stdout();
    for (i, u) in units.iter().enumerate() {
        if units.len() > 1 {
            if i > 0 {
                out!(out, "\n");
            }
            out!(out, "# {}\n", u.file_name());
        }
        out!(out, "{}", u.to_text());
    }
    output::finish(out, "quadlet-ls convert", ExitCode::SUCCESS)
}

/// Writes each unit into `dir`; refuses (before writing anything) when a
/// file exists and `force` is off, or two units share a name.
pub fn write_units(units: &[Draft], dir: &Path, force: bool) -> ExitCode {
    if !dir.is_dir() {
        return fail(format!("{} is not a directory", dir.display()));
    }
    let mut names = std::collections::HashSet::new();
    for u in units {
        let name = u.file_name();
        if !names.insert(name.clone()) {
            return fail(format!("two units would be written as {name}"));
        }
        let p = dir.join(&name);
        if !force && p.exists() {
            return fail(format!(
                "{} exists; pass --force to replace it",
                p.display()
            ));
        }
    }
    for u in units {
        let p = dir.join(u.file_name());
        if let Err(e) = std::fs::write(&p, u.to_text()) {
            return fail(format!("cannot write {}: {e}", p.display()));
        }
        errln!("quadlet-ls convert: wrote {}", p.display());
    }
    ExitCode::SUCCESS
}
