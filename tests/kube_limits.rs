//! Hostile YAML ends quickly with a clear diagnostic and no stack overflow.
//! (Time and memory are measured by benches/kube.sh, not here.)

use quadlet_ls::kube::{check_yaml, completions, container_ports, hover, Options};

fn codes(text: &str) -> Vec<&'static str> {
    check_yaml(text, &Options::default())
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn deep_flow_nesting() {
    let n = 100_000;
    let t = format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
    assert_eq!(codes(&t), vec!["yaml-too-deep"]);
    let t = format!("{}{}\n", "{a: ".repeat(n), "}".repeat(n));
    assert_eq!(codes(&t), vec!["yaml-too-deep"]);
    assert!(container_ports(&t).is_empty());
    let _ = completions(&t, t.len() / 2, &Options::default());
    let _ = hover(&t, 10, &Options::default());
}

#[test]
fn deep_block_nesting() {
    let t = format!("{}x\n", "- ".repeat(100_000));
    assert_eq!(codes(&t), vec!["yaml-too-deep"]);
    // block mappings, one level per line
    let t: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let c = codes(&t);
    assert!(c.contains(&"yaml-too-deep"), "{c:?}");
    let _ = completions(&t, t.len(), &Options::default());
}

#[test]
fn alias_bomb() {
    let mut t = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        t.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let d = check_yaml(&t, &Options::default());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "yaml-alias-bomb");
    assert!(container_ports(&t).is_empty());
    // a handful of aliases is fine
    let ok = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\ndata: {x: y}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: *m\n";
    assert!(codes(ok).is_empty());
}

#[test]
fn recursive_alias_is_refused() {
    let t = "a: &x [1, *x]\n";
    let c = codes(t);
    assert!(
        c.iter()
            .all(|c| *c == "yaml-alias-bomb" || *c == "yaml-syntax"),
        "{c:?}"
    );
    assert!(!c.is_empty());
}

#[test]
fn five_megabyte_file() {
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  key: value\n---\n";
    let t = doc.repeat(5 * 1024 * 1024 / doc.len() + 1);
    assert!(t.len() > 5 * 1024 * 1024);
    assert_eq!(codes(&t), vec!["yaml-too-large"]);
    assert!(completions(&t, 100, &Options::default()).is_empty());
}

#[test]
fn many_documents_just_under_the_limit_are_checked() {
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  key: value\n---\n";
    let t = doc.repeat(1000);
    assert!(codes(&t).is_empty());
    let bad = t.replacen("data:", "dta:", 1);
    assert_eq!(codes(&bad), vec!["kube-unknown-field"]);
}

#[test]
fn odd_inputs_do_not_panic() {
    for t in [
        "",
        "---",
        "---\n---\n",
        "\u{feff}apiVersion: v1\nkind: Pod\n",
        ":",
        "? [a]\n: b\n",
        "kind: Pod\napiVersion: v1\nspec: !!str 5\n",
        "kind: Pod\napiVersion: v1\nspec:\n  containers: [{ports: [{containerPort: 1e99}]}]\n",
        "*unknown\n",
        "kind: [Pod]\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: é\n    ports:\n    - containerPort: 99999999999999999999\n",
        "\t- a\n",
        "a: 'unterminated\n",
        "é: &é ü\nb: *é\n",
    ] {
        let _ = check_yaml(t, &Options::default());
        let _ = container_ports(t);
        for o in 0..=t.len() + 1 {
            let _ = completions(t, o, &Options::default());
            let _ = hover(t, o, &Options::default());
        }
    }
}

#[test]
fn every_prefix_and_offset_of_the_fixtures_is_safe() {
    let dir = format!("{}/tests/fixtures/kube", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("fixtures") {
        let p = e.expect("entry").path();
        let t = std::fs::read_to_string(&p).expect("read");
        let mut cut = 0;
        while cut <= t.len() {
            if t.is_char_boundary(cut) {
                let prefix = &t[..cut];
                let _ = check_yaml(prefix, &Options::default());
                let _ = completions(prefix, cut, &Options::default());
                let _ = hover(&t, cut, &Options::default());
                n += 1;
            }
            cut += 7;
        }
    }
    assert!(n > 100);
}

#[test]
fn random_yaml_like_inputs_do_not_panic() {
    // deterministic pseudo-random mixes of YAML punctuation and words
    let pieces = [
        "a",
        ": ",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "&x ",
        "*x",
        "<<: ",
        "'q'",
        "\"d\\\"\"",
        "|\n",
        ">-\n",
        "# c",
        "---\n",
        "kind: Pod\n",
        "apiVersion: v1\n",
        "containers:",
        "ports:",
        "containerPort: ",
        "80",
        "é",
        "\t",
        "? ",
        "!!str ",
        "~",
        "spec:\n",
        "name: x\n",
        "image: i\n",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        let mut t = String::new();
        for _ in 0..60 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        let _ = check_yaml(&t, &Options::default());
        let _ = container_ports(&t);
        let o = (seed >> 20) as usize % (t.len() + 1);
        let _ = completions(&t, o, &Options::default());
        let _ = hover(&t, o, &Options::default());
    }
}
