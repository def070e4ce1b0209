//! `quadlet-ls convert compose.yaml` (tests/fixtures/convert/compose/CASE/):
//! the units it writes (CASE/expected/, with the fixture's folder written
//! `@DIR@`), the warnings naming each field without an equivalent, that the
//! units lint clean, and what our preview makes of a converted service.
//!
//! `QUADLET_LS_UPDATE_EXPECTED=1 cargo test --test convert_compose`
//! rewrites the expected files (review the diff).

mod cli_support;

use cli_support::{lint_json, run, tmp};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quadlet-ls"))
}

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert/compose")
        .join(case)
}

fn compose_file(case: &str) -> PathBuf {
    ["compose.yaml", "docker-compose.yml"]
        .iter()
        .map(|n| case_dir(case).join(n))
        .find(|p| p.exists())
        .unwrap()
}

/// Converts a case into a fresh folder: (status, stderr, folder).
fn convert(case: &str, extra: &[&str]) -> (i32, String, PathBuf) {
    let out = tmp("convert-compose", case);
    let (code, stdout, err) = run(bin()
        .arg("convert")
        .args(extra)
        .arg("-o")
        .arg(&out)
        .arg(compose_file(case)));
    assert_eq!(stdout, "", "{case}: -o writes nothing on stdout");
    (code, err, out)
}

fn files(dir: &Path, fixture: &Path) -> Vec<(String, String)> {
    let dir_text = std::fs::canonicalize(fixture)
        .unwrap()
        .display()
        .to_string();
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    let text = std::fs::read_to_string(&p)
                        .unwrap()
                        .replace(&dir_text, "@DIR@");
                    (name, text)
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn check_expected(case: &str, out: &Path) {
    let want_dir = case_dir(case).join("expected");
    let got = files(out, &case_dir(case));
    if std::env::var_os("QUADLET_LS_UPDATE_EXPECTED").is_some() {
        let _ = std::fs::remove_dir_all(&want_dir);
        std::fs::create_dir_all(&want_dir).unwrap();
        for (n, t) in &got {
            std::fs::write(want_dir.join(n), t).unwrap();
        }
    }
    let want: Vec<(String, String)> = files(&want_dir, &case_dir(case));
    assert!(!want.is_empty(), "{case}: no expected units");
    assert_eq!(
        got.iter().map(|f| &f.0).collect::<Vec<_>>(),
        want.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "{case}: unit files"
    );
    for ((name, g), (_, w)) in got.iter().zip(&want) {
        assert_eq!(g, w, "{case}/{name}");
    }
}

fn assert_lint_clean(case: &str, dir: &Path) {
    let (_, v, err) = lint_json(dir, &["."]);
    assert!(v.is_object(), "lint gave no JSON: {err}");
    let errors: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{case}: {errors:?}");
}

fn preview_exec_start(unit: &Path) -> Vec<String> {
    let (code, out, err) = run(bin().args(["preview", "--format", "json"]).arg(unit));
    assert_eq!(code, 0, "preview {}: {err}", unit.display());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["exec"]["ExecStart"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

/// `flag value` appears in the command.
fn has(cmd: &[String], flag: &str, value: &str) -> bool {
    cmd.windows(2).any(|w| w[0] == flag && w[1] == value)
}

#[test]
fn every_mapped_field() {
    let (code, err, out) = convert("full-stack", &[]);
    assert_eq!(code, 0, "{err}");
    check_expected("full-stack", &out);
    assert_lint_clean("full-stack", &out);
    // secrets must exist, and a health condition is not waited for
    assert!(err.contains("secrets.db_password"), "{err}");
    assert!(
        err.contains("services.web.depends_on.app.condition"),
        "{err}"
    );
    // what reaches podman: systemd reads `%%` as `%` and `$$` as `$`
    let web = preview_exec_start(&out.join("web.container"));
    assert!(has(&web, "--env", "DATE_FORMAT=%%Y-%%m-%%d"), "{web:?}");
    assert!(has(&web, "--env", "GREETING=hello world"), "{web:?}");
    assert!(has(&web, "--env", "PRICE=$$5"), "{web:?}");
    assert!(
        has(&web, "--label", "org.example.title=say \"hi\""),
        "{web:?}"
    );
    assert!(has(&web, "--publish", "127.0.0.1:8443:443/tcp"), "{web:?}");
    assert!(has(&web, "--network", "shop_front"), "{web:?}");
    let app = preview_exec_start(&out.join("app.container"));
    let n = app.len();
    assert_eq!(
        app[n - 5..],
        ["serve", "--port", "9000", "--motd", "100%% $$HOME"],
        "{app:?}"
    );
    assert!(has(&app, "--stop-timeout", "90"), "{app:?}");
    assert!(has(&app, "--memory", "512M"), "{app:?}");
    assert!(
        has(
            &app,
            "--health-cmd",
            r#"["curl","-fsS","http://localhost:9000/health"]"#
        ),
        "{app:?}"
    );
}

#[test]
fn pod_takes_the_services_and_their_ports() {
    let (code, err, out) = convert("pod", &["--pod"]);
    assert_eq!(code, 0, "{err}");
    check_expected("pod", &out);
    assert_lint_clean("pod", &out);
}

#[test]
fn default_network_lets_services_find_each_other() {
    let (code, err, out) = convert("default-network", &[]);
    assert_eq!(code, 0, "{err}");
    check_expected("default-network", &out);
    assert_lint_clean("default-network", &out);
}

#[test]
fn fields_without_equivalent_are_named() {
    let (code, err, out) = convert("unknown-fields", &[]);
    assert_eq!(code, 0, "{err}");
    check_expected("unknown-fields", &out);
    assert_lint_clean("unknown-fields", &out);
    let file = compose_file("unknown-fields").display().to_string();
    for field in [
        "version",
        "configs",
        "services.app.links",
        "services.app.scale",
        "services.app.profiles",
        "services.app.deploy.replicas",
        "services.app.deploy.resources.limits.devices",
        "${LOG_LEVEL:-info}",
    ] {
        assert!(
            err.lines().any(|l| l.contains(&file) && l.contains(field)),
            "{field} not named: {err}"
        );
    }
    // the merge key brings `restart: always` from the extension field
    let text = std::fs::read_to_string(out.join("app.container")).unwrap();
    assert!(text.contains("Restart=always"), "{text}");
}

#[test]
fn a_service_without_image_is_an_error() {
    let (code, err, out) = convert("error-no-image", &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("services.app") && err.contains("image"),
        "{err}"
    );
    assert!(std::fs::read_dir(out).unwrap().next().is_none());
}

#[test]
fn not_yaml_is_an_error() {
    let dir = tmp("convert-compose", "not-yaml");
    let f = cli_support::write(&dir, "compose.yaml", "services: [unclosed\n");
    let (code, _, err) = run(bin().arg("convert").arg(&f));
    assert_eq!(code, 2, "{err}");
    let f = cli_support::write(&dir, "other.yaml", "apiVersion: v1\nkind: Pod\n");
    let (code, _, err) = run(bin().arg("convert").arg(&f));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("services"), "{err}");
}
