//! The generator's library API on in-memory workspaces: what the language
//! server gets from `generate::preview`.

use quadlet_ls::generate::{self, Options};
use quadlet_ls::workspace::{MemFs, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn ws(files: &[(&str, &str)]) -> Workspace {
    let mut fs = MemFs::new();
    for (p, t) in files {
        fs.insert(*p, *t);
    }
    Workspace::load(Arc::new(fs), &[PathBuf::from("/u")])
}

fn sys() -> Options {
    Options::default()
}

#[test]
fn container_resolves_network_and_volume_references() {
    let w = ws(&[
        (
            "/u/web.container",
            "[Container]\nImage=quay.io/x/web\nNetwork=db.network\nVolume=data.volume:/data\n",
        ),
        ("/u/db.network", "[Network]\nNetworkName=dbnet\n"),
        ("/u/data.volume", "[Volume]\n"),
    ]);
    let p = generate::preview(&w, Path::new("/u/web.container"), &sys());
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.service_name, "web.service");
    let svc = p.service.expect("service");
    assert!(svc.contains("Requires=db-network.service\n"), "{svc}");
    assert!(svc.contains("Requires=data-volume.service\n"), "{svc}");
    let start = &p
        .exec
        .iter()
        .find(|(k, _)| k == "ExecStart")
        .expect("ExecStart")
        .1;
    let joined = start.join(" ");
    assert!(joined.contains("--network dbnet"), "{joined}");
    assert!(joined.contains("-v systemd-data:/data"), "{joined}");
    assert_eq!(start.last().map(String::as_str), Some("quay.io/x/web"));
}

#[test]
fn pod_preview_collects_its_containers() {
    let w = ws(&[
        ("/u/app.pod", "[Pod]\n"),
        (
            "/u/a.container",
            "[Container]\nImage=quay.io/x/a\nPod=app.pod\n",
        ),
        (
            "/u/b.container",
            "[Container]\nImage=quay.io/x/b\nPod=app.pod\nStartWithPod=false\n",
        ),
    ]);
    let p = generate::preview(&w, Path::new("/u/app.pod"), &sys());
    let svc = p.service.expect("service");
    assert!(svc.contains("Wants=a.service\nBefore=a.service\n"), "{svc}");
    assert!(!svc.contains("b.service"), "{svc}");
    assert!(p.exec.iter().any(|(k, _)| k == "ExecStartPre"));
}

#[test]
fn user_mode_waits_for_the_user_network_unit() {
    let w = ws(&[("/u/x.volume", "[Volume]\n")]);
    let p = generate::preview(
        &w,
        Path::new("/u/x.volume"),
        &Options {
            user: true,
            podman: Some("/opt/podman".into()),
            ..Options::default()
        },
    );
    let svc = p.service.expect("service");
    assert!(svc.contains("After=podman-user-wait-network-online.service\n"));
    assert!(svc.contains("ExecStart=/opt/podman volume create --ignore systemd-x\n"));
}

#[test]
fn errors_are_podman_messages_and_no_service() {
    let w = ws(&[("/u/bad.container", "[Container]\nExec=/bin/true\n")]);
    let p = generate::preview(&w, Path::new("/u/bad.container"), &sys());
    assert!(p.service.is_none());
    assert_eq!(
        p.errors,
        ["converting \"bad.container\": no Image or Rootfs key specified"]
    );
}

#[test]
fn unsupported_key_names_the_file() {
    let w = ws(&[("/u/k.container", "[Container]\nImage=quay.io/x/y\nImg=1\n")]);
    let p = generate::preview(&w, Path::new("/u/k.container"), &sys());
    assert_eq!(
        p.errors,
        ["converting \"k.container\": unsupported key 'Img' in group 'Container' in /u/k.container"]
    );
}

#[test]
fn warnings_keep_the_service() {
    let w = ws(&[(
        "/u/w.container",
        "[Container]\nImage=fedora\nExec=/bin/echo bad\\qescape\n",
    )]);
    let p = generate::preview(&w, Path::new("/u/w.container"), &sys());
    let svc = p.service.expect("a warning does not stop generation");
    assert!(svc.contains("ExecStart=/usr/bin/podman run"));
    let start = &p
        .exec
        .iter()
        .find(|(k, _)| k == "ExecStart")
        .expect("ExecStart")
        .1;
    assert!(
        !start.iter().any(|w| w.contains("bad")),
        "the Exec= value is dropped: {start:?}"
    );
    assert!(p
        .warnings
        .iter()
        .any(|w| w.contains("not a fully qualified image name")));
    assert!(p.warnings.iter().any(|w| w == "unsupported escape char"));
}

#[test]
fn editor_buffer_wins_over_disk() {
    let mut w = ws(&[("/u/e.container", "[Container]\nImage=quay.io/x/old\n")]);
    w.set_overlay(
        PathBuf::from("/u/e.container"),
        Arc::from("[Container]\nImage=quay.io/x/new\n"),
    );
    let p = generate::preview(&w, Path::new("/u/e.container"), &sys());
    assert!(p.service.expect("service").contains("quay.io/x/new"));
}

#[test]
fn unit_outside_the_search_path_is_previewed_with_its_neighbours() {
    let w = ws(&[("/u/net.network", "[Network]\n")]);
    let mut fs = MemFs::new();
    fs.insert("/u/net.network", "[Network]\n");
    fs.insert(
        "/elsewhere/c.container",
        "[Container]\nImage=quay.io/x/c\nNetwork=net.network\n",
    );
    let w2 = Workspace::load(Arc::new(fs), &[PathBuf::from("/u")]);
    let p = generate::preview(&w2, Path::new("/elsewhere/c.container"), &sys());
    assert!(p
        .service
        .expect("service")
        .contains("--network systemd-net"));
    drop(w);
}

#[test]
fn command_lines_are_shell_quoted() {
    let w = ws(&[(
        "/u/q.container",
        "[Container]\nImage=quay.io/x/q\nExec=sh -c \"echo 'hi there'\"\n",
    )]);
    let p = generate::preview(&w, Path::new("/u/q.container"), &sys());
    let lines = p.command_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ExecStopPost=-/usr/bin/podman rm ")),
        "{lines:?}"
    );
    let start = lines
        .iter()
        .find(|l| l.starts_with("ExecStart=/usr/bin/podman "))
        .expect("ExecStart line");
    assert!(
        start.ends_with("quay.io/x/q sh -c 'echo '\\''hi there'\\'''"),
        "{start}"
    );
}

#[test]
fn dry_run_over_a_workspace_matches_podman_shape() {
    let w = ws(&[
        ("/u/a.container", "[Container]\nImage=quay.io/x/a\n"),
        ("/u/b.container", "[Container]\n"),
    ]);
    let dr = generate::dry_run(&w, &sys());
    assert!(dr.failed);
    let out = dr.stdout();
    assert!(out.starts_with("---a.service---\n"), "{out}");
    assert!(!out.contains("---b.service---"));
    assert!(dr
        .log
        .iter()
        .any(|m| m == "converting \"b.container\": no Image or Rootfs key specified"));
    let empty = ws(&[("/u/readme.txt", "x")]);
    let dr = generate::dry_run(&empty, &sys());
    assert!(!dr.failed);
    assert_eq!(dr.log, ["No files parsed from [/u]"]);
}

#[test]
fn hostile_inputs_do_not_panic() {
    let inputs = [
        "",
        "\u{feff}",
        "[",
        "[]\n",
        "[Container]\nImage=\"\n",
        "[Container]\nImage=x\nMount=\"\n",
        "[Container]\nImage=x\nMount=type=bind,src=\n",
        "[Container]\nImage=x\nExec=\\\n",
        "[Container]\nImage=x\nExec=\\u\n",
        "[Container]\nImage=x\nExec=\\UFFFFFFFF \\ud800\n",
        "[Container]\nImage=x\nVolume=:\nVolume=::\nVolume=.\n",
        "[Container]\nImage=.build\nNetwork=.network\n",
        "[Container]\nImage=x\nExposeHostPort=\nExposeHostPort= \n",
        "[Container]\nRootfs=x\nContainerName=%\n",
        "[Container]\\\n",
    ];
    for (i, text) in inputs.iter().enumerate() {
        let path = format!("/u/h{i}.container");
        let w = ws(&[(path.as_str(), text), ("/u/h.pod", "[Pod]\nVolume=:\n")]);
        let _ = generate::preview(&w, Path::new(&path), &sys());
        let _ = generate::dry_run(&w, &sys());
    }
}

#[test]
fn drop_in_preview_shows_a_unit_it_applies_to() {
    let w = ws(&[
        ("/u/web.container", "[Container]\nImage=quay.io/x/web\n"),
        (
            "/u/web.container.d/10-env.conf",
            "[Container]\nEnvironment=A=1\n",
        ),
    ]);
    let p = generate::preview(&w, Path::new("/u/web.container.d/10-env.conf"), &sys());
    assert_eq!(p.service_name, "web.service");
    assert!(p.service.expect("service").contains("--env A=1"));
    let none = generate::preview(&w, Path::new("/u/volume.d/x.conf"), &sys());
    assert!(none.service.is_none() && !none.errors.is_empty());
}

#[test]
fn json_shape_for_users() {
    let w = ws(&[("/u/j.container", "[Container]\nImage=quay.io/x/j\n")]);
    let v = generate::preview(&w, Path::new("/u/j.container"), &sys()).to_json();
    assert_eq!(v["serviceName"], "j.service");
    assert!(v["service"].is_string());
    assert!(v["command"].as_array().is_some_and(|c| c.len() == 3));
    assert!(v["exec"]["ExecStop"].is_array());
    assert!(v["diagnostics"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn broken_neighbour_and_broken_drop_in_are_explained() {
    let w = ws(&[
        ("/u/ok.container", "[Container]\nImage=quay.io/x/ok\n"),
        ("/u/broken.container", "[Container]\nnot a key\n"),
        ("/u/ok.container.d/10.conf", "[Container]\nalso broken\n"),
    ]);
    let p = generate::preview(&w, Path::new("/u/ok.container"), &sys());
    assert!(p.service.is_some());
    assert!(
        p.errors
            .iter()
            .any(|e| e.contains("/u/ok.container.d/10.conf")),
        "{:?}",
        p.errors
    );
    assert!(
        p.errors.iter().any(|e| e.starts_with(
            "podman will currently skip this unit, and every unit of its folder, \
             because broken.container does not parse (line 2)"
        )),
        "{:?}",
        p.errors
    );
    let b = generate::preview(&w, Path::new("/u/broken.container"), &sys());
    assert!(b.service.is_none());
    assert!(
        b.errors.iter().any(|e| e.contains("file contains line 2")),
        "{:?}",
        b.errors
    );
}
