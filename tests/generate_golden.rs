//! Compares our dry run with the real generator's output for every case in
//! `tests/golden/*/units` (recorded by `tests/golden/regen.sh`), in system
//! and user mode.
//!
//! podman writes some flags by iterating a Go map, so their order changes
//! between runs. In `Exec*` lines of `[Service]`, each run of consecutive
//! such flags (with their values) is sorted on both sides before comparing;
//! everything else must match byte for byte.

use quadlet_ls::generate::{self, Options};
use quadlet_ls::schema::Version;
use quadlet_ls::workspace::{DiskFs, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The release the golden outputs were recorded with: the `quadlet X.Y.Z`
/// line of `tests/golden/VERSION` (written by `regen.sh`).
fn golden_release() -> Version {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/VERSION");
    let text = std::fs::read_to_string(&path).expect("tests/golden/VERSION is committed");
    text.lines()
        .find_map(|l| l.strip_prefix("quadlet "))
        .and_then(Version::parse)
        .expect("tests/golden/VERSION names the quadlet release")
}

/// Flags podman emits from map iteration, with the number of value words.
const TABLE_FLAGS: &[(&str, usize)] = &[
    ("--tz", 1),
    ("--pids-limit", 1),
    ("--shm-size", 1),
    ("--workdir", 1),
    ("--ip", 1),
    ("--ip6", 1),
    ("--hostname", 1),
    ("--stop-signal", 1),
    ("--stop-timeout", 1),
    ("--pull", 1),
    ("--memory", 1),
    ("--retry", 1),
    ("--retry-delay", 1),
    ("--network-alias", 1),
    ("--ulimit", 1),
    ("--dns", 1),
    ("--dns-option", 1),
    ("--dns-search", 1),
    ("--group-add", 1),
    ("--add-host", 1),
    ("--tmpfs", 1),
    ("--env", 1),
    ("--label", 1),
    ("--annotation", 1),
    ("--driver", 1),
    ("--ipam-driver", 1),
    ("--interface-name", 1),
    ("--opt", 1),
    ("--arch", 1),
    ("--authfile", 1),
    ("--cert-dir", 1),
    ("--creds", 1),
    ("--decryption-key", 1),
    ("--os", 1),
    ("--policy", 1),
    ("--variant", 1),
    ("--ignorefile", 1),
    ("--target", 1),
    ("--tag", 1),
    ("--build-arg", 1),
    ("--init", 0),
    ("--env-host", 0),
    ("--http-proxy", 0),
    ("--read-only-tmpfs", 0),
    ("--disable-dns", 0),
    ("--internal", 0),
    ("--ipv6", 0),
    ("--all-tags", 0),
    ("--tls-verify", 0),
    ("--force-rm", 0),
    ("--quiet", 0),
];

fn arity(word: &str) -> Option<usize> {
    if let Some(&(_, a)) = TABLE_FLAGS.iter().find(|(f, _)| *f == word) {
        return Some(a);
    }
    let (name, _) = word.split_once('=')?;
    TABLE_FLAGS.iter().any(|(f, _)| *f == name).then_some(0)
}

fn flag_name(word: &str) -> &str {
    word.split_once('=').map_or(word, |(a, _)| a)
}

/// Splits an Exec value into words as written (quotes kept).
fn raw_words(v: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut esc = false;
    for c in v.chars() {
        if esc {
            cur.push(c);
            esc = false;
        } else if c == '\\' {
            cur.push(c);
            esc = true;
        } else if let Some(q) = quote {
            cur.push(c);
            if c == q {
                quote = None;
            }
        } else if c == ' ' || c == '\t' {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        } else {
            if c == '"' || c == '\'' {
                quote = Some(c);
            }
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn canonical(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut run: Vec<(String, Vec<String>)> = Vec::new();
        while i < words.len() {
            match arity(&words[i]) {
                Some(a) if i + a < words.len() => {
                    run.push((flag_name(&words[i]).to_string(), words[i..=i + a].to_vec()));
                    i += 1 + a;
                }
                _ => break,
            }
        }
        if run.is_empty() {
            out.push(words[i].clone());
            i += 1;
        } else {
            run.sort_by(|a, b| a.0.cmp(&b.0));
            for (_, w) in run {
                out.extend(w);
            }
        }
    }
    out
}

fn normalize_block(text: &str) -> Vec<String> {
    let mut group = String::new();
    text.lines()
        .map(|l| {
            if l.starts_with('[') && l.ends_with(']') {
                group = l.to_string();
            }
            if group == "[Service]" {
                if let Some((k, v)) = l.split_once('=') {
                    if k.starts_with("Exec") {
                        return format!("{k}={}", canonical(raw_words(v)).join(" "));
                    }
                }
            }
            l.to_string()
        })
        .collect()
}

fn blocks(out: &str) -> BTreeMap<String, Vec<String>> {
    let mut map = BTreeMap::new();
    let mut name: Option<String> = None;
    let mut body = String::new();
    for line in out.split_inclusive('\n') {
        let t = line.trim_end_matches('\n');
        if t.starts_with("---") && t.ends_with("---") && t.len() > 6 {
            if let Some(n) = name.take() {
                map.insert(n, normalize_block(&body));
            }
            name = Some(t.to_string());
            body.clear();
        } else {
            body.push_str(line);
        }
    }
    if let Some(n) = name {
        map.insert(n, normalize_block(&body));
    }
    map
}

fn stderr_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with("quadlet-generator[PID]: Loading source "))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/golden exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("units").is_dir())
        .collect();
    v.sort();
    v
}

fn check(case: &Path, user: bool) -> Result<(), String> {
    let mode = if user { "user" } else { "system" };
    let read = |ext: &str| {
        std::fs::read_to_string(case.join(format!("{mode}.{ext}")))
            .map_err(|e| format!("{}: missing {mode}.{ext}: {e}", case.display()))
    };
    let (want_out, want_err, want_rc) = (read("out")?, read("err")?, read("rc")?);
    let units = case.join("units");
    let canon = std::fs::canonicalize(&units).unwrap_or(units.clone());
    let ws = Workspace::load(Arc::new(DiskFs), std::slice::from_ref(&units));
    let dr = generate::dry_run(
        &ws,
        &Options {
            user,
            podman: None,
            release: golden_release(),
        },
    );
    let anon = |s: &str| {
        s.replace(&*canon.to_string_lossy(), "@UNITS@")
            .replace(&*units.to_string_lossy(), "@UNITS@")
    };
    let got_out = anon(&dr.stdout());
    let mut got_err = String::new();
    for m in &dr.log {
        got_err.push_str(&format!("quadlet-generator[PID]: {}\n", anon(m)));
    }
    let name = case
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut problems = Vec::new();
    let got_rc = if dr.failed { "1" } else { "0" };
    if want_rc.trim() != got_rc {
        problems.push(format!("exit status {got_rc}, podman {}", want_rc.trim()));
    }
    let (w, g) = (blocks(&want_out), blocks(&got_out));
    for k in w.keys().filter(|k| !g.contains_key(*k)) {
        problems.push(format!("missing block {k}"));
    }
    for k in g.keys().filter(|k| !w.contains_key(*k)) {
        problems.push(format!("unexpected block {k}"));
    }
    for (k, wl) in &w {
        if let Some(gl) = g.get(k) {
            if wl != gl {
                let i = wl
                    .iter()
                    .zip(gl)
                    .position(|(a, b)| a != b)
                    .unwrap_or(wl.len().min(gl.len()));
                problems.push(format!(
                    "{k} line {}:\n  podman: {:?}\n  ours:   {:?}",
                    i + 1,
                    wl.get(i),
                    gl.get(i)
                ));
            }
        }
    }
    let (we, ge) = (stderr_lines(&want_err), stderr_lines(&got_err));
    if we != ge {
        let missing: Vec<_> = we.iter().filter(|l| !ge.contains(l)).collect();
        let extra: Vec<_> = ge.iter().filter(|l| !we.contains(l)).collect();
        problems.push(format!(
            "stderr differs:\n  missing {missing:#?}\n  extra {extra:#?}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("[{name} {mode}]\n{}", problems.join("\n")))
    }
}

#[test]
fn golden_outputs_match_podman() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "expected golden cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in &cases {
        for user in [false, true] {
            if let Err(e) = check(c, user) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn canonical_order_only_sorts_table_flag_runs() {
    let a = canonical(raw_words("podman run --ip 1 --retry 2 --init -d x"));
    let b = canonical(raw_words("podman run --init --retry 2 --ip 1 -d x"));
    assert_eq!(a, b);
    let c = canonical(raw_words("podman run --ip 1 -d --retry 2 x"));
    let d = canonical(raw_words("podman run --retry 2 -d --ip 1 x"));
    assert_ne!(c, d);
}
