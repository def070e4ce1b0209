//! `quadlet-ls lint --fix`, `--unsafe-fixes` and `--diff`: which fixes are
//! applied, that two fixes never clash, that every byte outside a fix stays
//! as it was, and that the exit status is what remains.

mod cli_support;

use cli_support::{lint, run, tmp, write};
use std::path::Path;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read back")
}

#[test]
fn fix_applies_safe_fixes_only_and_lints_again() {
    let d = tmp("lint-fix", "safe");
    // duplicate-key (safe: remove the earlier line) and unknown-key Imgae=
    // (unsafe: the closest key is a guess).
    let f = write(
        &d,
        "a.container",
        "[Container]\nImage=quay.io/a/b:1\nPull=never\nPull=always\nImgae=x\n",
    );
    let (code, out, err) = run(lint().arg("--no-config").arg("--fix").arg(&d));
    assert_eq!(
        read(&f),
        "[Container]\nImage=quay.io/a/b:1\nPull=always\nImgae=x\n"
    );
    assert_eq!(code, 1, "the unknown key remains: {out}{err}");
    assert!(
        out.contains("unknown-key") && !out.contains("duplicate-key"),
        "{out}"
    );
    assert!(err.contains("applied 1 fix in 1 file"), "{err}");
    assert!(err.contains("1 problem has unsafe fixes"), "{err}");
}

#[test]
fn unsafe_fixes_never_clash() {
    // Imgae= offers "Change to Image=", and the missing Image= offers "Add
    // Image=": applying both would give two Image= lines.
    let d = tmp("lint-fix", "clash");
    let f = write(&d, "a.container", "[Container]\nImgae=quay.io/a/b:1\n");
    let (code, out, err) = run(lint()
        .args(["--no-config", "--fix", "--unsafe-fixes"])
        .arg(&d));
    assert_eq!(read(&f), "[Container]\nImage=quay.io/a/b:1\n");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no problems"), "{out}");
}

#[test]
fn fixes_keep_every_other_byte() {
    let d = tmp("lint-fix", "bytes");
    // CRLF line ends, a comment, trailing blanks, a tab, a blank line; the
    // inline comment moves above its key, with the file's own line end and
    // the key's indentation.
    let before = "# my web server  \r\n[Container]\r\nImage=quay.io/a/b:1\t\r\n  PublishPort=8080:80 # web\r\n\r\n[Service]\r\nRestart=always   \r\n";
    let f = write(&d, "web.container", before);
    let (code, out, err) = run(lint().args(["--no-config", "--fix"]).arg(&d));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        read(&f),
        "# my web server  \r\n[Container]\r\nImage=quay.io/a/b:1\t\r\n  # web\r\n  PublishPort=8080:80\r\n\r\n[Service]\r\nRestart=always   \r\n"
    );
}

#[test]
fn a_file_without_fixes_is_not_rewritten() {
    let d = tmp("lint-fix", "untouched");
    let text = "[Container]\r\nImage=quay.io/a/b:1\r\nImgae=x\r\n";
    let f = write(&d, "a.container", text);
    let mtime = std::fs::metadata(&f).and_then(|m| m.modified()).ok();
    let (code, _, err) = run(lint().args(["--no-config", "--fix"]).arg(&d));
    assert_eq!(code, 1);
    assert_eq!(read(&f), text);
    assert_eq!(std::fs::metadata(&f).and_then(|m| m.modified()).ok(), mtime);
    assert!(err.contains("applied 0 fixes in 0 files"), "{err}");
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let d = tmp("lint-fix", "diff");
    let text = "[Container]\nImage=quay.io/a/b:1\nUser=app # the service user\n";
    let f = write(&d, "a.container", text);
    let (code, out, err) = run(lint().current_dir(&d).args(["--no-config", "--diff", "."]));
    assert_eq!(read(&f), text, "--diff writes nothing");
    assert_eq!(
        out,
        "--- a/a.container\n+++ b/a.container\n@@ -1,3 +1,4 @@\n [Container]\n Image=quay.io/a/b:1\n-User=app # the service user\n+# the service user\n+User=app\n"
    );
    assert_eq!(code, 1, "there is something to change: {err}");
    assert!(
        err.contains("1 fix would change 1 file; 0 errors and 0 warnings would remain"),
        "{err}"
    );

    // Nothing to change: no diff, and the status of what is there.
    let clean = tmp("lint-fix", "diff-clean");
    write(&clean, "a.container", "[Container]\nImage=quay.io/a/b:1\n");
    let (code, out, _) = run(lint().args(["--no-config", "--diff"]).arg(&clean));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn diff_shows_unsafe_fixes_only_when_asked() {
    let d = tmp("lint-fix", "diff-unsafe");
    write(
        &d,
        "a.container",
        "[Container]\nImage=quay.io/a/b:1\nImgae=x\n",
    );
    let (code, out, err) = run(lint().current_dir(&d).args(["--no-config", "--diff", "."]));
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("0 fixes would change 0 files; 1 error"),
        "{err}"
    );
    let (_, out, _) =
        run(lint()
            .current_dir(&d)
            .args(["--no-config", "--diff", "--unsafe-fixes", "."]));
    assert!(out.contains("-Imgae=x\n+Image=x\n"), "{out}");
}

#[test]
fn drop_ins_are_fixed_too() {
    let d = tmp("lint-fix", "dropin");
    write(&d, "a.container", "[Container]\nImage=quay.io/a/b:1\n");
    let conf = write(
        &d,
        "a.container.d/10-port.conf",
        "[Container]\nPublishPort=80 ; http\n",
    );
    let (code, out, err) = run(lint().args(["--no-config", "--fix"]).arg(&d));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(read(&conf), "[Container]\n; http\nPublishPort=80\n");
}
