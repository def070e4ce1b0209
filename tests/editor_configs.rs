//! Every editor config under `editors/` parses, claims the same files as the
//! others and as docs/editors.md, and claims no `.conf` outside a Quadlet
//! drop-in folder.
//!
//! Each config's file patterns are read in that editor's own syntax and
//! mapped to one of three forms per unit type: the unit itself (`*.T`), a
//! drop-in folder named after a unit (`*.T.d/*.conf`), or the folder for the
//! whole type (`T.d/*.conf`). A pattern of any other shape fails the test.
//! The patterns are then matched, with each editor's matching rules, against
//! the paths in editors/test/file-patterns.txt, whose answers are checked
//! against the server's own classification.

use quadlet_ls::workspace::{classify, FileRole, UnitKind};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// `web.container`
    Unit,
    /// `web.container.d/10.conf`, `web-.container.d/`, `web@.container.d/`
    NamedDropIn,
    /// `container.d/10.conf`
    TypeDropIn,
}

type Claims = BTreeSet<(Form, String)>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn types() -> Vec<String> {
    UnitKind::ALL.iter().map(|k| k.ext().to_string()).collect()
}

fn every_form() -> Claims {
    let mut all = Claims::new();
    for t in types() {
        for f in [Form::Unit, Form::NamedDropIn, Form::TypeDropIn] {
            all.insert((f, t.clone()));
        }
    }
    all
}

/// The unit type a pattern is about, given its shape with `T` for the type.
fn form_of(pattern: &str, shapes: &[(&str, Form)]) -> Option<(Form, String)> {
    for t in types() {
        for (shape, form) in shapes {
            if shape.replace('T', &t) == pattern {
                return Some((*form, t));
            }
        }
    }
    None
}

fn claims_of(editor: &str, patterns: &[String], shapes: &[(&str, Form)]) -> Claims {
    let mut claims = Claims::new();
    for p in patterns {
        let form = form_of(p, shapes).unwrap_or_else(|| {
            panic!("{editor}: pattern {p:?} is none of the Quadlet file shapes {shapes:?}")
        });
        assert!(claims.insert(form), "{editor}: {p:?} appears twice");
    }
    claims
}

// ---------------------------------------------------------------- sample paths

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Yes,
    No,
    /// Below a drop-in folder: not a drop-in, but claimed by globs whose `*`
    /// matches `/`.
    Deep,
}

fn samples() -> Vec<(Want, String)> {
    read("editors/test/file-patterns.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (w, p) = l.split_once(' ').expect("WANT PATH");
            let w = match w {
                "yes" => Want::Yes,
                "no" => Want::No,
                "deep" => Want::Deep,
                other => panic!("file-patterns.txt: {other:?}"),
            };
            (w, p.to_string())
        })
        .collect()
}

#[test]
fn the_sample_paths_agree_with_the_server() {
    let s = samples();
    assert!(s.iter().any(|(w, _)| *w == Want::Deep));
    for (want, path) in s {
        let claimed = matches!(
            classify(Path::new(&path)),
            FileRole::Unit(_) | FileRole::DropIn { .. }
        );
        assert_eq!(claimed, want == Want::Yes, "{path}: server says {claimed}");
    }
    // every form of every type has a sample
    for t in types() {
        let has = |f: &dyn Fn(&str) -> bool| samples().iter().any(|(w, p)| *w == Want::Yes && f(p));
        assert!(
            has(&|p| p.ends_with(&format!(".{t}"))),
            "{t}: no unit sample"
        );
        assert!(
            has(&|p| p.contains(&format!(".{t}.d/")) || p.contains(&format!("/{t}.d/"))),
            "{t}: no drop-in sample"
        );
    }
}

/// Checks an editor's matcher against every sample path.
fn check_samples(editor: &str, star_crosses_slash: bool, claims: impl Fn(&str) -> bool) {
    for (want, path) in samples() {
        let expected = match want {
            Want::Yes => true,
            Want::No => false,
            Want::Deep => star_crosses_slash,
        };
        assert_eq!(claims(&path), expected, "{editor}: {path}");
    }
}

// ---------------------------------------------------------------- glob matching

/// A glob as VS Code, Helix (globset) and Zed read it: `**` is any text,
/// `*` any text without `/` unless `star_crosses_slash`, else literal.
fn glob(pattern: &str, text: &str, star_crosses_slash: bool) -> bool {
    fn go(p: &[u8], t: &[u8], cross: bool) -> bool {
        match p {
            [] => t.is_empty(),
            [b'*', b'*', b'/', rest @ ..] => {
                // zero or more folders
                (0..=t.len()).any(|i| (i == 0 || t[i - 1] == b'/') && go(rest, &t[i..], cross))
            }
            [b'*', b'*', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..], cross)),
            [b'*', rest @ ..] => (0..=t.len())
                .take_while(|&i| cross || i == 0 || t[i - 1] != b'/')
                .any(|i| go(rest, &t[i..], cross)),
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..], cross),
        }
    }
    go(pattern.as_bytes(), text.as_bytes(), star_crosses_slash)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

// ---------------------------------------------------------------- docs

/// The block in docs/editors.md that lists the claimed files.
fn docs_patterns() -> Vec<String> {
    let doc = read("docs/editors.md");
    let start = doc
        .find("```text file-patterns\n")
        .expect("docs/editors.md has a ```text file-patterns block");
    let block = &doc[start..];
    let block = &block[block.find('\n').unwrap() + 1..];
    let block = &block[..block.find("```").expect("closed block")];
    block.split_whitespace().map(str::to_string).collect()
}

const DOC_SHAPES: &[(&str, Form)] = &[
    ("*.T", Form::Unit),
    ("*.T.d/*.conf", Form::NamedDropIn),
    ("T.d/*.conf", Form::TypeDropIn),
];

#[test]
fn docs_list_every_form_of_every_unit_type() {
    assert_eq!(
        claims_of("docs/editors.md", &docs_patterns(), DOC_SHAPES),
        every_form()
    );
}

// ---------------------------------------------------------------- VS Code

#[test]
fn vscode_package_json() {
    let pkg: Value = serde_json::from_str(&read("editors/vscode/package.json")).expect("JSON");
    let langs = pkg["contributes"]["languages"]
        .as_array()
        .expect("languages");
    let lang = langs
        .iter()
        .find(|l| l["id"] == "quadlet")
        .expect("quadlet language");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let exts = strings(&lang["extensions"]);
    let globs = strings(&lang["filenamePatterns"]);
    assert!(lang.get("filenames").is_none(), "no exact file names");
    let mut all: Vec<String> = exts.iter().map(|e| format!("*{e}")).collect();
    all.extend(globs.iter().cloned());
    let shapes = &[
        ("*.T", Form::Unit),
        ("**/*.T.d/*.conf", Form::NamedDropIn),
        ("**/T.d/*.conf", Form::TypeDropIn),
    ];
    assert_eq!(claims_of("vscode", &all, shapes), every_form());
    // VS Code: an extension is a file name suffix; a pattern with a `/` is
    // matched against the whole path, `*` stops at `/`.
    check_samples("vscode", false, |path| {
        exts.iter().any(|e| file_name(path).ends_with(e.as_str()))
            || globs.iter().any(|g| glob(g, path, false))
    });
}

// ---------------------------------------------------------------- Helix

#[test]
fn helix_languages_toml() {
    let doc: toml::Table = read("editors/helix/languages.toml").parse().expect("TOML");
    let server = &doc["language-server"]["quadlet-ls"];
    assert_eq!(server["command"].as_str(), Some("quadlet-ls"));
    assert_eq!(server["args"], toml::Value::Array(vec!["serve".into()]));
    let langs = doc["language"].as_array().expect("[[language]]");
    let lang = langs
        .iter()
        .find(|l| l["name"].as_str() == Some("quadlet"))
        .expect("quadlet language");
    assert_eq!(
        lang["language-servers"],
        toml::Value::Array(vec!["quadlet-ls".into()])
    );
    let mut globs = Vec::new();
    for ft in lang["file-types"].as_array().expect("file-types") {
        // A plain string is an extension *or a whole file name* in Helix:
        // "build" would claim a file named `build`. Globs only.
        let g = ft.get("glob").and_then(|g| g.as_str()).unwrap_or_else(|| {
            panic!("helix: {ft:?} is not a glob (a plain string also matches a file of that name)")
        });
        globs.push(g.to_string());
    }
    let shapes = &[
        ("*.T", Form::Unit),
        ("*.T.d/*.conf", Form::NamedDropIn),
        ("T.d/*.conf", Form::TypeDropIn),
    ];
    assert_eq!(claims_of("helix", &globs, shapes), every_form());
    // Helix: globset on the whole path, `*` matches `/`; a glob that starts
    // with neither `*` nor `/` gets `*/` in front.
    check_samples("helix", true, |path| {
        globs.iter().any(|g| {
            let g = if g.starts_with('*') || g.starts_with('/') {
                g.clone()
            } else {
                format!("*/{g}")
            };
            glob(&g, path, true)
        })
    });
}

// ---------------------------------------------------------------- Zed

#[test]
fn zed_settings_json() {
    let doc: Value = serde_json::from_str(&read("editors/zed/settings.json")).expect("JSON");
    let server = &doc["lsp"]["quadlet-ls"];
    assert_eq!(server["binary"]["path"], "quadlet-ls");
    assert_eq!(server["binary"]["arguments"], serde_json::json!(["serve"]));
    assert_eq!(
        server["settings"], server["initialization_options"],
        "zed: the same settings at start and after"
    );
    assert!(server["settings"]["quadlet-ls"].is_object());
    let servers = doc["languages"]["INI"]["language_servers"]
        .as_array()
        .expect("languages.INI.language_servers");
    assert!(servers.iter().any(|s| s == "quadlet-ls"));
    let globs: Vec<String> = doc["file_types"]["INI"]
        .as_array()
        .expect("file_types.INI")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let shapes = &[
        ("*.T", Form::Unit),
        ("**/*.T.d/*.conf", Form::NamedDropIn),
        ("**/T.d/*.conf", Form::TypeDropIn),
    ];
    assert_eq!(claims_of("zed", &globs, shapes), every_form());
    // Zed: each glob is tried on the extension, the file name and the path.
    check_samples("zed", true, |path| {
        let name = file_name(path);
        let ext = name.rsplit('.').next().unwrap_or(name);
        globs
            .iter()
            .any(|g| [ext, name, path].iter().any(|t| glob(g, t, true)))
    });
}

// ---------------------------------------------------------------- Neovim

/// The strings of a Lua list `local NAME = { 'a', 'b' }`.
fn lua_list(src: &str, name: &str) -> Vec<String> {
    let start = src
        .find(&format!("local {name} = {{"))
        .unwrap_or_else(|| panic!("no `local {name} = {{`"));
    let body = &src[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.split(',')
        .map(|s| s.trim().trim_matches('\'').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A Lua pattern as vim.filetype uses it (anchored at both ends), for the
/// subset the ftdetect file uses: `.`, `%x`, `[^x]`, `*`, `+`, literals.
fn lua_match(pattern: &str, text: &str) -> bool {
    #[derive(Clone, Copy)]
    enum Atom {
        Any,
        Lit(u8),
        NotLit(u8),
    }
    let p = pattern.as_bytes();
    let mut items: Vec<(Atom, u8)> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let atom = match p[i] {
            b'.' => {
                i += 1;
                Atom::Any
            }
            b'%' => {
                i += 2;
                Atom::Lit(p[i - 1])
            }
            b'[' => {
                assert!(p[i + 1] == b'^' && p[i + 3] == b']', "class {pattern}");
                i += 4;
                Atom::NotLit(p[i - 2])
            }
            c => {
                assert!(!b"()^$?-".contains(&c), "unsupported {pattern}");
                i += 1;
                Atom::Lit(c)
            }
        };
        let rep = match p.get(i) {
            Some(b'*') | Some(b'+') => {
                i += 1;
                p[i - 1]
            }
            _ => b'1',
        };
        items.push((atom, rep));
    }
    fn one(a: Atom, c: u8) -> bool {
        match a {
            Atom::Any => true,
            Atom::Lit(l) => c == l,
            Atom::NotLit(l) => c != l,
        }
    }
    fn go(items: &[(Atom, u8)], t: &[u8]) -> bool {
        match items {
            [] => t.is_empty(),
            [(a, b'1'), rest @ ..] => !t.is_empty() && one(*a, t[0]) && go(rest, &t[1..]),
            [(a, rep), rest @ ..] => {
                let min = usize::from(*rep == b'+');
                let max = t.iter().take_while(|c| one(*a, **c)).count();
                (min..=max).rev().any(|n| go(rest, &t[n..]))
            }
        }
    }
    go(&items, text.as_bytes())
}

#[test]
fn neovim_ftdetect_and_lsp_config() {
    let src = read("editors/nvim/ftdetect/quadlet.lua");
    lua_syntax("editors/nvim/ftdetect/quadlet.lua", &src);
    let exts = lua_list(&src, "exts");
    assert_eq!(
        exts.iter().collect::<BTreeSet<_>>(),
        types().iter().collect::<BTreeSet<_>>()
    );
    // Neovim's own patterns mark units under containers/systemd/ as
    // `systemd`, and patterns come before extensions: units need a pattern.
    assert!(
        !src.contains("extension[") && !src.contains("extension ="),
        "nvim: units by pattern, not extension"
    );
    let mut patterns = Vec::new();
    let mut claims: Vec<String> = Vec::new();
    for line in src
        .lines()
        .filter(|l| l.trim_start().starts_with("pattern["))
    {
        let key = &line[line.find('[').unwrap() + 1..line.find("] =").expect("pattern[..] =")];
        assert!(line.contains("{ 'quadlet', { priority = 10 } }"), "{line}");
        // 'a' .. ext .. 'b'  or  ext .. 'b'
        let template: String = key
            .split("..")
            .map(|part| {
                let part = part.trim();
                if part == "ext" {
                    "T".to_string()
                } else {
                    part.trim_matches('\'').to_string()
                }
            })
            .collect();
        patterns.push(template);
    }
    for t in &patterns {
        claims.extend(exts.iter().map(|e| t.replace('T', e)));
    }
    let shapes = &[
        (".*%.T", Form::Unit),
        (".*%.T%.d/[^/]+%.conf", Form::NamedDropIn),
        (".*/T%.d/[^/]+%.conf", Form::TypeDropIn),
    ];
    // `T%.d/...` (a relative name) adds nothing to `.*/T%.d/...`
    let relative: Vec<String> = exts.iter().map(|e| format!("{e}%.d/[^/]+%.conf")).collect();
    let claims: Vec<String> = claims
        .into_iter()
        .filter(|c| !relative.contains(c))
        .collect();
    assert_eq!(claims_of("nvim ftdetect", &claims, shapes), every_form());
    // vim.filetype: a pattern with `/` is matched against the whole path,
    // else against the file name.
    check_samples("nvim", false, |path| {
        let name = file_name(path);
        exts.iter().any(|e| {
            patterns.iter().any(|t| {
                let pat = t.replace('T', e);
                lua_match(&pat, if pat.contains('/') { path } else { name })
            })
        })
    });

    let lsp = read("editors/nvim/lsp/quadlet_ls.lua");
    lua_syntax("editors/nvim/lsp/quadlet_ls.lua", &lsp);
    assert_eq!(
        lua_list(&lsp, "unit_exts"),
        exts,
        "lsp/quadlet_ls.lua unit_exts"
    );
    assert!(lsp.contains("cmd = { 'quadlet-ls', 'serve' }"));
    for f in [
        "editors/nvim/plugin/quadlet.lua",
        "editors/nvim/lua/quadlet.lua",
        "editors/nvim/ftplugin/quadlet.lua",
    ] {
        lua_syntax(f, &read(f));
    }
}

/// A light Lua syntax check: strings, comments, brackets and blocks
/// (`function`/`do`/`if` … `end`, `repeat` … `until`) are balanced. The
/// Neovim test loads every file in a real Neovim too.
fn lua_syntax(file: &str, src: &str) {
    let b = src.as_bytes();
    let mut stack: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let long_close = |i: usize| -> Option<(usize, usize)> {
        // `[[` or `[==[` at i: (content start, level)
        let eq = b[i + 1..].iter().take_while(|c| **c == b'=').count();
        (b.get(i + 1 + eq) == Some(&b'[')).then_some((i + 2 + eq, eq))
    };
    let skip_long = |start: usize, level: usize| -> usize {
        let close = format!("]{}]", "=".repeat(level));
        src[start..]
            .find(&close)
            .map(|n| start + n + close.len())
            .unwrap_or_else(|| panic!("{file}: unclosed long bracket"))
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
        }
        if src[i..].starts_with("--") {
            if b.get(i + 2) == Some(&b'[') {
                if let Some((s, lvl)) = long_close(i + 2) {
                    let end = skip_long(s, lvl);
                    line += src[i..end].matches('\n').count();
                    i = end;
                    continue;
                }
            }
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        match c {
            b'\'' | b'"' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    assert!(b[i] != b'\n', "{file}:{line}: unterminated string");
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                assert!(i < b.len(), "{file}:{line}: unterminated string");
            }
            b'[' if long_close(i).is_some() => {
                let (s, lvl) = long_close(i).unwrap();
                let end = skip_long(s, lvl);
                line += src[i..end].matches('\n').count();
                i = end;
                continue;
            }
            b'(' | b'{' | b'[' => stack.push(match c {
                b'(' => ")",
                b'{' => "}",
                _ => "]",
            }),
            b')' | b'}' | b']' => {
                let want = stack.pop();
                assert_eq!(
                    want,
                    Some(&src[i..i + 1]),
                    "{file}:{line}: unbalanced {}",
                    c as char
                );
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &src[start..i];
                let after_dot = start > 0 && matches!(b[start - 1], b'.' | b':');
                if !after_dot {
                    match word {
                        "function" | "do" | "if" => stack.push("end"),
                        "repeat" => stack.push("until"),
                        "end" | "until" => {
                            let want = stack.pop();
                            assert_eq!(want, Some(word), "{file}:{line}: unexpected `{word}`");
                        }
                        _ => {}
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    assert!(stack.is_empty(), "{file}: unclosed {stack:?}");
}

// ---------------------------------------------------------------- Emacs

/// `read` of the whole file: balanced lists, strings and character
/// literals. The Emacs test loads it in a real Emacs too.
fn elisp_read(file: &str, src: &str) {
    let b = src.as_bytes();
    let mut depth: i32 = 0;
    let mut forms = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b';' => i = src[i..].find('\n').map_or(b.len(), |n| i + n),
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                assert!(i < b.len(), "{file}: unterminated string");
            }
            b'?' => i += if b.get(i + 1) == Some(&b'\\') { 2 } else { 1 },
            b'(' | b'[' => depth += 1,
            b')' | b']' => {
                depth -= 1;
                assert!(depth >= 0, "{file}: unbalanced `)` at byte {i}");
                if depth == 0 {
                    forms += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    assert_eq!(depth, 0, "{file}: unclosed list");
    assert!(forms > 0, "{file}: no forms");
}

#[test]
fn emacs_quadlet_ls_el() {
    let file = "editors/emacs/quadlet-ls.el";
    let src = read(file);
    elisp_read(file, &src);
    let start = src
        .find("(defconst quadlet-ls-unit-types")
        .expect("quadlet-ls-unit-types");
    let list = &src[start..];
    let list = &list[list.find("'(").unwrap() + 2..list.find(')').unwrap()];
    let exts: Vec<String> = list
        .split_whitespace()
        .map(|s| s.trim_matches('"').to_string())
        .collect();
    assert_eq!(
        exts.iter().collect::<BTreeSet<_>>(),
        types().iter().collect::<BTreeSet<_>>()
    );
    // The two auto-mode-alist entries, with `types` = (regexp-opt the types).
    assert_eq!(
        src.matches("'auto-mode-alist").count(),
        2,
        "{file}: two entries"
    );
    let mut claims: Vec<String> = Vec::new();
    let unit = r#"(concat "\\." types "\\'")"#;
    let dropin = r#"(concat "\\(?:\\`\\|[./]\\)" types "\\.d/[^/]+\\.conf\\'")"#;
    assert!(src.contains(unit), "{file}: the unit regexp is {unit}");
    assert!(
        src.contains(dropin),
        "{file}: the drop-in regexp is {dropin}"
    );
    // `\.T\'` is a unit; `(^|[./])T\.d/[^/]+\.conf\'` is both drop-in forms
    // (the folder's name ends in `.T.d` or is `T.d`). The Emacs test asks a
    // real Emacs about every sample path.
    for e in &exts {
        claims.push(format!("*.{e}"));
        claims.push(format!("*.{e}.d/*.conf"));
        claims.push(format!("{e}.d/*.conf"));
    }
    assert_eq!(claims_of("emacs", &claims, DOC_SHAPES), every_form());
}
