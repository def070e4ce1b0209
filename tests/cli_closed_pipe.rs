//! Every subcommand, in every format, piped into a reader that closes at
//! once (`quadlet-ls ... | true`): no panic, and the exit status the run
//! would have had with a patient reader.
//!
//! The outputs are made larger than a pipe's buffer (64 KiB), so the writes
//! meet the closed pipe however the two processes are scheduled.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "quadlet-ls-closed-pipe-{tag}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("dir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn command(args: &[&str], dirs: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quadlet-ls"));
    c.args(args)
        .env_remove("PODMAN")
        .env("QUADLET_UNIT_DIRS", dirs)
        .stdin(Stdio::null());
    c
}

/// Exit status and stdout length with a reader that takes everything.
fn patient(args: &[&str], dirs: &Path) -> (Option<i32>, usize) {
    let o = command(args, dirs).output().expect("binary runs");
    (o.status.code(), o.stdout.len())
}

/// Exit status and stderr when stdout (and with `close_stderr` stderr too)
/// is a pipe whose reader has gone.
fn impatient(args: &[&str], dirs: &Path, close_stderr: bool) -> (Option<i32>, String) {
    let mut child = command(args, dirs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    drop(child.stdout.take());
    let mut err = String::new();
    if close_stderr {
        drop(child.stderr.take());
    } else if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child.wait().expect("wait");
    (status.code(), err)
}

fn check(args: &[&str], dirs: &Path) {
    let (want, len) = patient(args, dirs);
    assert!(
        len > 70_000,
        "{args:?}: only {len} bytes of output; the test needs more than a pipe holds"
    );
    for close_stderr in [false, true] {
        let (got, err) = impatient(args, dirs, close_stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(
            got, want,
            "{args:?} (stderr closed too: {close_stderr}): {err}"
        );
    }
}

/// A unit whose service is long: many environment entries.
fn big_unit(image: &str) -> String {
    let mut s = format!("[Container]\nImage={image}\n");
    for i in 0..2500 {
        s.push_str(&format!("Environment=VARIABLE_{i}=some-value-{i}\n"));
    }
    s
}

#[test]
fn preview_single_file_in_every_format() {
    let t = TempDir::new("preview");
    let f = t.file("web.container", &big_unit("quay.io/x/web:1"));
    let f = f.to_string_lossy().into_owned();
    for format in ["service", "command", "json"] {
        check(&["preview", "--format", format, &f], &t.0);
    }
}

#[test]
fn preview_single_file_that_fails() {
    let t = TempDir::new("preview-fail");
    // Missing Image=: no service, exit 1; the JSON still says why.
    let f = t.file("web.container", &big_unit("").replace("Image=\n", ""));
    let f = f.to_string_lossy().into_owned();
    let (want, _) = patient(&["preview", "--format", "json", &f], &t.0);
    assert_eq!(want, Some(1));
    let (got, err) = impatient(&["preview", "--format", "json", &f], &t.0, false);
    assert_eq!(got, Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn preview_dry_run() {
    let t = TempDir::new("dry-run");
    for i in 0..3 {
        t.file(&format!("web{i}.container"), &big_unit("quay.io/x/web:1"));
    }
    let d = t.0.to_string_lossy().into_owned();
    check(&["preview", &d], &t.0);
    // And one that fails (a unit without Image=): exit 1 either way.
    t.file("broken.container", "[Container]\nExec=true\n");
    let (want, _) = patient(&["preview", &d], &t.0);
    assert_eq!(want, Some(1));
    check(&["preview", &d], &t.0);
}

#[test]
fn lint_in_every_format() {
    let t = TempDir::new("lint");
    for i in 0..4 {
        let mut s = String::from("[Container]\nImage=quay.io/a/b:1\n");
        for j in 0..300 {
            s.push_str(&format!("Imgae{j}=x\n"));
        }
        t.file(&format!("u{i}.container"), &s);
    }
    let d = t.0.to_string_lossy().into_owned();
    for format in ["human", "json", "sarif", "github"] {
        let args = ["lint", "--no-config", "--format", format, &d];
        assert_eq!(patient(&args, &t.0).0, Some(1), "{format}");
        check(&args, &t.0);
    }
}

#[test]
fn help_and_version() {
    let t = TempDir::new("help");
    for args in [&["--help"][..], &["--version"], &["lint", "--help"]] {
        let (got, err) = impatient(args, &t.0, false);
        assert_eq!(got, Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
