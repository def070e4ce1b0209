//! `quadlet-ls convert` on a podman command: as words after `--`, as one
//! argument, on stdin (split as a POSIX shell would), with `-o`/`--force`,
//! and the exit status 2 errors.

mod cli_support;

use cli_support::{run, tmp, write};
use std::io::Write;
use std::process::{Command, Stdio};

fn convert() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quadlet-ls"));
    c.arg("convert");
    c
}

/// Runs `convert ARGS` with `input` on stdin: (status, stdout, stderr).
fn with_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = convert()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let o = child.wait_with_output().expect("wait");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The unit without its header comment (which shows the command as given).
fn body(unit: &str) -> String {
    unit.lines()
        .filter(|l| !l.starts_with("# Converted by quadlet-ls"))
        .collect::<Vec<_>>()
        .join("\n")
}

const WORDS: &[&str] = &[
    "podman",
    "run",
    "-d",
    "--name",
    "web",
    "-e",
    "A=b c",
    "-e",
    "DATE_FORMAT=%Y-%m-%d",
    "-p",
    "8080:80",
    "nginx:1.25",
    "sh",
    "-c",
    "echo \"$HOME\" it's",
];

#[test]
fn one_argument_and_stdin_give_what_the_words_give() {
    let (code, by_words, err) = run(convert().arg("--").args(WORDS));
    assert_eq!((code, err.as_str()), (0, ""), "{by_words}");
    assert!(by_words.contains("Environment=\"A=b c\""), "{by_words}");
    assert!(by_words.contains("ContainerName=web"), "{by_words}");

    let one = r#"podman run -d --name web -e 'A=b c' -e DATE_FORMAT=%Y-%m-%d -p 8080:80 nginx:1.25 sh -c 'echo "$HOME" it'\''s'"#;
    let (code, by_one, err) = run(convert().arg("--").arg(one));
    assert_eq!((code, err.as_str()), (0, ""), "{by_one}");
    assert_eq!(body(&by_one), body(&by_words));

    let pasted = "$ podman run -d \\\n    --name web \\\n    -e \"A=b c\" \\\n    -e DATE_FORMAT=%Y-%m-%d \\\n    -p 8080:80 \\\n    nginx:1.25 sh -c \"echo \\\"\\$HOME\\\" it's\"\n";
    let (code, by_stdin, err) = with_stdin(&["-"], pasted);
    assert_eq!((code, err.as_str()), (0, ""), "{by_stdin}");
    assert_eq!(body(&by_stdin), body(&by_words));
    // the header shows the command as split, prompt left out
    assert!(
        by_stdin.starts_with("# Converted by quadlet-ls from: podman run -d --name web -e 'A=b c'"),
        "{by_stdin}"
    );
}

#[test]
fn sudo_is_dropped_with_a_warning() {
    let (code, out, err) = run(convert()
        .arg("--")
        .arg("sudo podman run --name db docker.io/library/postgres:16"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Image=docker.io/library/postgres:16"), "{out}");
    assert!(
        err.contains("`sudo`: the command runs podman as root")
            && err.contains("/etc/containers/systemd/"),
        "{err}"
    );
}

#[test]
fn shell_syntax_and_bad_quotes_exit_2_naming_the_problem() {
    for (input, says) in [
        (
            "podman run -e 'A=b nginx",
            "unbalanced quotes: the single quote opened at `'` is never closed",
        ),
        ("podman run nginx | tee log", "`|`: a pipe is shell syntax"),
        ("podman pull x && podman run x", "`&&`: a list of commands"),
        ("podman run x; echo", "`;`: a list of commands"),
        (
            "podman run -v $(pwd):/d x",
            "`$(...)`: a shell would expand",
        ),
        (
            "podman run -v \"$PWD\":/d x",
            "`$PWD`: a shell would expand",
        ),
        (
            "podman run -v ~/d:/d x",
            "`~/d:/d`: a shell would expand `~`",
        ),
        (
            "FOO=1 podman run x",
            "`FOO=1`: a variable for podman itself",
        ),
        (
            "podman pull x\npodman run x",
            "several commands (the second starts with `podman`)",
        ),
    ] {
        let (code, out, err) = run(convert().arg("--").arg(input));
        assert_eq!(code, 2, "{input}: {out}{err}");
        assert_eq!(out, "", "{input}");
        assert!(err.starts_with("quadlet-ls convert: "), "{input}: {err}");
        assert!(err.contains(says), "{input}: {err}");
        let (code, _, err2) = with_stdin(&["-"], input);
        assert_eq!((code, &err2), (2, &err), "{input} on stdin");
    }
    // the podman grammar's own errors still name the word
    let (code, _, err) = run(convert().arg("--").arg("podman run --bogus x"));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown flag `--bogus` for `podman run`"),
        "{err}"
    );
    let (code, _, err) = with_stdin(&["-"], "\n# nothing\n");
    assert_eq!(code, 2);
    assert!(err.contains("nothing to convert"), "{err}");
    let (code, _, err) = run(convert().args(["-", "x.service"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot be mixed with files"), "{err}");
}

#[test]
fn output_folder_and_force() {
    let dir = tmp("cli-convert", "out");
    let cmd = "podman run -d --name web nginx";
    let (code, out, err) = run(convert().arg("-o").arg(&dir).arg("--").arg(cmd));
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let written = std::fs::read_to_string(dir.join("web.container")).expect("web.container");
    assert!(written.contains("Image=nginx"), "{written}");
    assert!(err.contains("wrote"), "{err}");

    // never over an existing file without --force, and nothing is touched
    write(&dir, "web.container", "mine\n");
    let (code, _, err) = run(convert().arg("-o").arg(&dir).arg("--").arg(cmd));
    assert_eq!(code, 2);
    assert!(err.contains("exists; pass --force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("web.container")).unwrap(),
        "mine\n"
    );
    let (code, _, err) = run(convert()
        .arg("-o")
        .arg(&dir)
        .arg("--force")
        .arg("--")
        .arg(cmd));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("web.container")).unwrap(),
        written
    );
    // without --name: the image's base name
    let (code, _, err) = with_stdin(
        &["-o", dir.to_str().unwrap(), "-"],
        "podman run docker.io/library/redis:7",
    );
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("redis.container").is_file());
}
