//! `quadlet-ls preview` on the command line: single-file formats, the
//! dry-run mode and its exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_quadlet-ls")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "quadlet-ls-preview-cli-{tag}-{}",
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

fn run(args: &[&str], dirs: Option<&Path>) -> Output {
    let mut c = Command::new(bin());
    c.arg("preview").args(args).env_remove("PODMAN");
    match dirs {
        Some(d) => c.env("QUADLET_UNIT_DIRS", d),
        None => c.env_remove("QUADLET_UNIT_DIRS"),
    };
    c.output().expect("binary runs")
}

#[test]
fn single_file_formats() {
    let t = TempDir::new("formats");
    t.file("db.network", "[Network]\n");
    let f = t.file(
        "web.container",
        "[Container]\nImage=quay.io/x/web\nNetwork=db.network\nExec=echo \"a b\"\n",
    );
    let f = f.to_string_lossy().into_owned();

    let o = run(&[&f], None);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("[Service]\n"), "{s}");
    assert!(s.contains("--network systemd-db"), "{s}");
    assert!(s.contains("echo \"a\\x20b\""), "{s}");

    let o = run(&["--format", "command", &f], None);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.lines()
            .any(|l| l.starts_with("ExecStart=/usr/bin/podman run ") && l.ends_with("echo 'a b'")),
        "{s}"
    );

    let o = run(&["--format", "json", "--user", &f], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["serviceName"], "web.service");
    let argv = v["exec"]["ExecStart"].as_array().expect("argv");
    assert_eq!(argv.last().and_then(|x| x.as_str()), Some("a b"));
    assert!(v["service"]
        .as_str()
        .is_some_and(|s| s.contains("podman-user-wait-network-online.service")));
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn single_file_error_exits_1_with_podman_message() {
    let t = TempDir::new("error");
    let f = t.file("bad.container", "[Container]\n");
    let o = run(&[&f.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("converting \"bad.container\": no Image or Rootfs key specified"),
        "{e}"
    );
}

#[test]
fn dry_run_mode_from_env_and_from_args_agree() {
    let t = TempDir::new("dryrun");
    t.file("a.container", "[Container]\nImage=quay.io/x/a\n");
    t.file("sub/b.volume", "[Volume]\n");
    t.file("c.container", "[Container]\n");
    let from_env = run(&[], Some(&t.0));
    let from_arg = run(&[&t.0.to_string_lossy()], None);
    assert_eq!(from_env.status.code(), Some(1));
    assert_eq!(from_arg.status.code(), Some(1));
    assert_eq!(from_env.stdout, from_arg.stdout);
    let s = String::from_utf8_lossy(&from_env.stdout);
    assert!(
        s.contains("---a.service---\n") && s.contains("---b-volume.service---\n"),
        "{s}"
    );
    let e = String::from_utf8_lossy(&from_env.stderr);
    assert!(e.contains("quadlet-generator["), "{e}");
    assert!(
        e.contains("converting \"c.container\": no Image or Rootfs key specified"),
        "{e}"
    );
    assert!(e.contains("processing encountered some errors"), "{e}");

    let user = run(&["--user"], Some(&t.0));
    let s = String::from_utf8_lossy(&user.stdout);
    assert!(
        s.contains("After=podman-user-wait-network-online.service"),
        "{s}"
    );
}

#[test]
fn empty_dir_prints_nothing_and_succeeds() {
    let t = TempDir::new("empty");
    let o = run(&[], Some(&t.0));
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("No files parsed from ["), "{e}");
}

#[test]
fn podman_env_replaces_the_binary() {
    let t = TempDir::new("podmanenv");
    t.file("v.volume", "[Volume]\n");
    let o = Command::new(bin())
        .arg("preview")
        .env("QUADLET_UNIT_DIRS", &t.0)
        .env("PODMAN", "/opt/bin/podman")
        .output()
        .expect("runs");
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("ExecStart=/opt/bin/podman volume create"), "{s}");
}

#[test]
fn missing_path_is_a_usage_error() {
    let o = run(&["/definitely/not/here.container"], None);
    assert_eq!(o.status.code(), Some(2));
}

/// A sibling that does not parse: the service is printed, the notice goes to
/// stderr, and the exit status is 1 (podman makes no service today).
#[test]
fn single_file_with_a_broken_sibling() {
    let t = TempDir::new("broken-sibling");
    t.file(
        "half.container",
        "[Container]\nImage=quay.io/x\nhalf typed\n",
    );
    let f = t.file("web.container", "[Container]\nImage=quay.io/x/web\n");
    let o = run(&[&f.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("ExecStart=/usr/bin/podman run "), "{out}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "error: podman will currently skip this unit, and every unit of its folder, \
             because half.container does not parse (line 3)"
        ),
        "{err}"
    );
}
