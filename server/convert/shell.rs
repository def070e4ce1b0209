//! A podman command pasted as one piece of text (one argument, or stdin),
//! taken apart into words the way a POSIX shell would: blanks separate
//! words; single quotes keep everything; double quotes keep everything but
//! `\` before `$`, `` ` ``, `"`, `\` and newline; a backslash outside quotes
//! escapes the next character; backslash-newline continues the line; an
//! unquoted `#` at the start of a word begins a comment.
//!
//! What a shell would do and a converter cannot (expand `$HOME`, `~` or
//! `$(...)`, run a pipe or a list, redirect) is refused with an error that
//! names it. Unquoted glob characters are kept as written (what a shell
//! does when nothing matches), with a warning.
//!
//! [`strip_prelude`] then drops what comes before the podman program in a
//! copied line: a `$ ` prompt, `sudo` (or `doas`) and their options.

/// Why a text cannot be taken apart into one command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    #[error("nothing to convert: the text holds no command")]
    Empty,
    #[error("unbalanced quotes: the {0} quote opened at `{1}` is never closed")]
    UnclosedQuote(&'static str, String),
    #[error("the command ends in a backslash: it is incomplete")]
    TrailingBackslash,
    #[error("`{0}`: {1} is shell syntax convert cannot honour; give the podman command alone")]
    Operator(String, &'static str),
    #[error("`{0}`: a shell would expand this and convert cannot; write the value out, or put it in single quotes to keep it as written")]
    Expansion(String),
    #[error("`{0}`: a shell would expand `~` to a home folder and convert cannot; write the path out (in a user unit, `%h` is the home folder)")]
    Tilde(String),
    #[error("several commands (the second starts with `{0}`): convert takes one at a time")]
    SeveralCommands(String),
    #[error("`{0}`: a variable for podman itself, not for the container; drop it, or give the container the variable with `-e`")]
    Assignment(String),
}

/// The words of one command, and what the user should hear about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    pub words: Vec<String>,
    pub warnings: Vec<String>,
}

/// One word being read: its text, and how it was written (for messages).
#[derive(Default)]
struct Word {
    text: String,
    written: String,
    started: bool,
    glob: Option<char>,
}

enum Tok {
    Word(String),
    Newline,
}

/// A `$ ` or `# ` prompt at the start of the first line that is not blank,
/// when a podman command (or `sudo`) follows it: the text after it.
fn strip_prompt(text: &str) -> &str {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    for p in ["$", "#", "%"] {
        if let Some(after) = rest.strip_prefix(p) {
            if !after.starts_with([' ', '\t']) {
                continue;
            }
            let first = after.split_whitespace().next().unwrap_or("");
            if super::grammar::is_podman_program(first) || is_elevator(first) {
                return after;
            }
        }
    }
    text
}

fn is_elevator(w: &str) -> bool {
    matches!(w, "sudo" | "doas") || w.ends_with("/sudo") || w.ends_with("/doas")
}

/// What an operator character begins, for the message.
fn operator(c: char, next: Option<char>) -> (String, &'static str) {
    let two = next.map(|n| format!("{c}{n}"));
    match (c, two.as_deref()) {
        ('|', Some("||")) => ("||".into(), "a list of commands (`||`)"),
        ('&', Some("&&")) => ("&&".into(), "a list of commands (`&&`)"),
        ('|', _) => ("|".into(), "a pipe"),
        ('&', Some("&>")) => ("&>".into(), "a redirection"),
        ('&', _) => ("&".into(), "running in the background (`&`)"),
        (';', _) => (";".into(), "a list of commands (`;`)"),
        ('<', Some("<<")) => ("<<".into(), "a here-document"),
        ('>', Some(">>")) => (">>".into(), "a redirection"),
        ('<' | '>', _) => (c.to_string(), "a redirection"),
        _ => (c.to_string(), "a subshell"),
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After a `$`: an error when a shell would expand it; `Ok` when the `$` is
/// a plain character (`$` before a blank, `/`, `:`, the end, ...).
fn dollar(chars: &mut Chars, quoted: bool) -> Result<(), ShellError> {
    let Some(&n) = chars.peek() else {
        return Ok(());
    };
    let shown = match n {
        '(' => {
            if chars.clone().nth(1) == Some('(') {
                "$((...))".to_string()
            } else {
                "$(...)".to_string()
            }
        }
        '{' => {
            let inner: String = chars.clone().skip(1).take_while(|&c| c != '}').collect();
            format!("${{{inner}}}")
        }
        c if c.is_ascii_alphabetic() || c == '_' => {
            let name: String = chars
                .clone()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            format!("${name}")
        }
        c if c.is_ascii_digit() || "@*#?$!-".contains(c) => format!("${c}"),
        '\'' | '"' if !quoted => format!("${n}...{n}"),
        _ => return Ok(()),
    };
    Err(ShellError::Expansion(shown))
}

/// Splits `text` into the words of one command (see the module's comment).
pub fn split(text: &str) -> Result<Words, ShellError> {
    let text = strip_prompt(text);
    let mut chars: Chars = text.chars().peekable();
    let mut toks = Vec::new();
    let mut warnings = Vec::new();
    let mut w = Word::default();
    let finish = |w: &mut Word, toks: &mut Vec<Tok>, warnings: &mut Vec<String>| {
        let w = std::mem::take(w);
        if !w.started {
            return;
        }
        if let Some(g) = w.glob {
            warnings.push(format!(
                "`{}`: a shell would expand the unquoted `{g}` against the files of its current folder; kept as written",
                w.written
            ));
        }
        toks.push(Tok::Word(w.text));
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(n) => {
                    w.text.push(n);
                    w.written.push(c);
                    w.written.push(n);
                    w.started = true;
                }
                None => return Err(ShellError::TrailingBackslash),
            },
            '\'' => {
                let at = format!("{}'", w.written);
                w.started = true;
                w.written.push('\'');
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => {
                            w.text.push(q);
                            w.written.push(q);
                        }
                        None => return Err(ShellError::UnclosedQuote("single", at)),
                    }
                }
                w.written.push('\'');
            }
            '"' => {
                let at = format!("{}\"", w.written);
                w.started = true;
                w.written.push('"');
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('\n') => {}
                            Some(e @ ('$' | '`' | '"' | '\\')) => {
                                w.text.push(e);
                                w.written.push('\\');
                                w.written.push(e);
                            }
                            Some(e) => {
                                w.text.push('\\');
                                w.text.push(e);
                                w.written.push('\\');
                                w.written.push(e);
                            }
                            None => return Err(ShellError::UnclosedQuote("double", at)),
                        },
                        Some('$') => {
                            dollar(&mut chars, true)?;
                            w.text.push('$');
                            w.written.push('$');
                        }
                        Some('`') => return Err(ShellError::Expansion("`...`".into())),
                        Some(q) => {
                            w.text.push(q);
                            w.written.push(q);
                        }
                        None => return Err(ShellError::UnclosedQuote("double", at)),
                    }
                }
                w.written.push('"');
            }
            '$' => {
                dollar(&mut chars, false)?;
                w.text.push('$');
                w.written.push('$');
                w.started = true;
            }
            '`' => return Err(ShellError::Expansion("`...`".into())),
            '|' | '&' | ';' | '<' | '>' | '(' | ')' => {
                let (op, what) = operator(c, chars.peek().copied());
                return Err(ShellError::Operator(op, what));
            }
            '#' if !w.started => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '~' if !w.started => {
                let rest: String = chars.clone().take_while(|c| !c.is_whitespace()).collect();
                return Err(ShellError::Tilde(format!("~{rest}")));
            }
            '\n' => {
                finish(&mut w, &mut toks, &mut warnings);
                toks.push(Tok::Newline);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            ' ' | '\t' => finish(&mut w, &mut toks, &mut warnings),
            c => {
                if matches!(c, '*' | '?' | '[') && w.glob.is_none() {
                    w.glob = Some(c);
                }
                w.text.push(c);
                w.written.push(c);
                w.started = true;
            }
        }
    }
    finish(&mut w, &mut toks, &mut warnings);
    // Commands are separated by newlines; blank and comment lines hold none.
    let mut commands: Vec<Vec<String>> = vec![Vec::new()];
    for t in toks {
        match t {
            Tok::Word(s) => commands.last_mut().map_or((), |c| c.push(s)),
            Tok::Newline => commands.push(Vec::new()),
        }
    }
    let mut commands = commands.into_iter().filter(|c| !c.is_empty());
    let words = commands.next().ok_or(ShellError::Empty)?;
    if let Some(second) = commands.next() {
        return Err(ShellError::SeveralCommands(
            second.into_iter().next().unwrap_or_default(),
        ));
    }
    Ok(Words { words, warnings })
}

/// Whether `w` is a shell variable assignment (`NAME=value`).
fn is_assignment(w: &str) -> bool {
    let Some((name, _)) = w.split_once('=') else {
        return false;
    };
    let mut cs = name.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// sudo's options that take a value (`-u root`, `--user root`).
const SUDO_SHORT_VALUE: &str = "CDghprRtTuU";
const SUDO_LONG_VALUE: &[&str] = &[
    "close-from",
    "chdir",
    "chroot",
    "group",
    "host",
    "prompt",
    "role",
    "type",
    "command-timeout",
    "other-user",
    "user",
];

/// Drops what a copied command line has before podman: a `$` prompt word,
/// `sudo`/`doas` with their options (with a warning: the unit is a system
/// unit then). A variable assignment before the program is an error.
pub fn strip_prelude(words: &mut Vec<String>) -> Result<Vec<String>, ShellError> {
    let mut warnings = Vec::new();
    let mut i = 0;
    if words.first().is_some_and(|w| w == "$") {
        i = 1;
    }
    if let Some(e) = words.get(i).filter(|w| is_elevator(w)).cloned() {
        i += 1;
        while let Some(w) = words.get(i) {
            if w == "--" {
                i += 1;
                break;
            }
            if let Some(long) = w.strip_prefix("--") {
                i += if !long.contains('=') && SUDO_LONG_VALUE.contains(&long) {
                    2
                } else {
                    1
                };
                continue;
            }
            if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
                // `-u root`, `-Eu root`; `-uroot` carries its value.
                let takes_next = shorts
                    .char_indices()
                    .find(|&(_, c)| SUDO_SHORT_VALUE.contains(c))
                    .is_some_and(|(p, c)| p + c.len_utf8() == shorts.len());
                i += if takes_next { 2 } else { 1 };
                continue;
            }
            break;
        }
        warnings.push(format!(
            "`{e}`: the command runs podman as root, so the unit is a system unit: put it in /etc/containers/systemd/"
        ));
    }
    if let Some(a) = words.get(i).filter(|w| is_assignment(w)) {
        return Err(ShellError::Assignment(a.clone()));
    }
    words.drain(..i.min(words.len()));
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Vec<String> {
        split(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).words
    }

    fn err(s: &str) -> String {
        split(s).expect_err(s).to_string()
    }

    #[test]
    fn blanks_and_quotes() {
        assert_eq!(
            ok("podman run -d --name web -e 'A=b c' nginx"),
            ["podman", "run", "-d", "--name", "web", "-e", "A=b c", "nginx"]
        );
        assert_eq!(ok("  a\t\tb  "), ["a", "b"]);
        assert_eq!(ok(r#"-e "A=it's" 'B="q"'"#), ["-e", "A=it's", r#"B="q""#]);
        // quotes join with what touches them; empty quotes are a word
        assert_eq!(ok(r#"a'b c'"d e"f '' """#), ["ab cd ef", "", ""]);
        // nothing is special inside single quotes
        assert_eq!(ok(r"'$HOME \ `x` ~ | ;'"), [r"$HOME \ `x` ~ | ;"]);
    }

    #[test]
    fn backslashes() {
        assert_eq!(ok(r"a\ b c\'d \$X \\"), ["a b", "c'd", "$X", r"\"]);
        // in double quotes a backslash escapes only $ ` " \ and newline
        assert_eq!(ok(r#""\$ \` \" \\ \n \%""#), [r#"$ ` " \ \n \%"#]);
        assert_eq!(ok("\"a\\\nb\""), ["ab"]);
    }

    #[test]
    fn continuation_lines_as_pasted() {
        let text = "podman run -d \\\n  --name web \\\r\n  -p 8080:80 \\\n  nginx:1.25\n";
        assert_eq!(
            ok(text),
            [
                "podman",
                "run",
                "-d",
                "--name",
                "web",
                "-p",
                "8080:80",
                "nginx:1.25"
            ]
        );
        // a continuation inside a word joins its halves
        assert_eq!(ok("ngi\\\nnx"), ["nginx"]);
    }

    #[test]
    fn prompts_and_comments() {
        assert_eq!(ok("$ podman run nginx"), ["podman", "run", "nginx"]);
        assert_eq!(ok("\n  # podman run nginx"), ["podman", "run", "nginx"]);
        assert_eq!(ok("$ sudo podman run x"), ["sudo", "podman", "run", "x"]);
        // not a prompt: a comment line, then the command
        assert_eq!(
            ok("# start it\npodman run x # the web"),
            ["podman", "run", "x"]
        );
        // `#` inside a word is a character
        assert_eq!(ok("-e A=b#c"), ["-e", "A=b#c"]);
        // `$` before a blank, `:` or `/` is a character
        assert_eq!(ok("-e A=$ -e B=$/x:$"), ["-e", "A=$", "-e", "B=$/x:$"]);
    }

    #[test]
    fn literal_percent_and_equals_survive() {
        assert_eq!(
            ok("-e DATE_FORMAT=%Y-%m-%d --label a=b=c"),
            ["-e", "DATE_FORMAT=%Y-%m-%d", "--label", "a=b=c"]
        );
    }

    #[test]
    fn unbalanced_quotes_are_named() {
        assert_eq!(
            err("podman run -e 'A=b nginx"),
            "unbalanced quotes: the single quote opened at `'` is never closed"
        );
        assert_eq!(
            err(r#"run -e A="b nginx"#),
            "unbalanced quotes: the double quote opened at `A=\"` is never closed"
        );
        assert_eq!(
            err("run nginx \\"),
            "the command ends in a backslash: it is incomplete"
        );
    }

    #[test]
    fn shell_syntax_is_refused_by_name() {
        for (s, word) in [
            ("podman run x | tee log", "|"),
            ("podman pull x && podman run x", "&&"),
            ("podman run x || true", "||"),
            ("podman run x; echo", ";"),
            ("podman run x &", "&"),
            ("podman run x > log", ">"),
            ("podman run x 2>&1", ">"),
            ("podman run x >> log", ">>"),
            ("podman run x < in", "<"),
            ("(podman run x)", "("),
            ("podman run -v $(pwd):/d x", "$(...)"),
            ("podman run -e \"A=$(date)\" x", "$(...)"),
            ("podman run -e A=$((1+2)) x", "$((...))"),
            ("podman run -e A=`date` x", "`...`"),
            ("podman run -v $PWD:/d x", "$PWD"),
            ("podman run -e \"H=${HOME}/x\" x", "${HOME}"),
            ("podman run -e A=$1 x", "$1"),
            ("podman run -e A=$'\\t' x", "$'...'"),
            ("podman run -v ~/data:/data x", "~/data:/data"),
        ] {
            let e = err(s);
            assert!(e.starts_with(&format!("`{word}`: ")), "{s}: {e}");
        }
        assert!(err("podman run x | tee").contains("a pipe"));
        assert!(err("run x && y").contains("a list of commands"));
    }

    #[test]
    fn quoted_syntax_is_plain_text() {
        assert_eq!(
            ok(r#"run --health-cmd 'curl -f localhost || exit 1' x sh -c "a; b > c""#),
            [
                "run",
                "--health-cmd",
                "curl -f localhost || exit 1",
                "x",
                "sh",
                "-c",
                "a; b > c"
            ]
        );
        assert_eq!(ok(r"-e A=\$HOME \~ \|"), ["-e", "A=$HOME", "~", "|"]);
        // `~` inside a word is not expanded
        assert_eq!(ok("-v=~/x a~b"), ["-v=~/x", "a~b"]);
    }

    #[test]
    fn one_command_only() {
        assert_eq!(
            err("podman pull nginx\npodman run nginx"),
            "several commands (the second starts with `podman`): convert takes one at a time"
        );
        assert_eq!(ok("\n\npodman run x\n\n# done\n"), ["podman", "run", "x"]);
        assert_eq!(split("  \n # nothing\n"), Err(ShellError::Empty));
        assert_eq!(split(""), Err(ShellError::Empty));
    }

    #[test]
    fn globs_are_kept_with_a_warning() {
        let r = split("run x ls *.txt 'a*'").unwrap();
        assert_eq!(r.words, ["run", "x", "ls", "*.txt", "a*"]);
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].starts_with("`*.txt`: "), "{:?}", r.warnings);
    }

    fn prelude(s: &str) -> Result<(Vec<String>, usize), ShellError> {
        let mut w = ok(s);
        let warnings = strip_prelude(&mut w)?;
        Ok((w, warnings.len()))
    }

    #[test]
    fn prelude_is_dropped() {
        let run = |s| prelude(s).unwrap();
        assert_eq!(
            run("podman run x"),
            (vec!["podman".into(), "run".into(), "x".into()], 0)
        );
        assert_eq!(run("$ podman run x").0, ["podman", "run", "x"]);
        assert_eq!(
            run("sudo podman run x"),
            (vec!["podman".into(), "run".into(), "x".into()], 1)
        );
        assert_eq!(
            run("sudo -E -u root podman run x").0,
            ["podman", "run", "x"]
        );
        assert_eq!(run("sudo -Eu root podman run x").0, ["podman", "run", "x"]);
        assert_eq!(
            run("sudo -uroot --preserve-env podman run x").0,
            ["podman", "run", "x"]
        );
        assert_eq!(
            run("sudo --user root -- podman run x").0,
            ["podman", "run", "x"]
        );
        assert_eq!(run("/usr/bin/doas podman run x").0, ["podman", "run", "x"]);
        // only before the program
        assert_eq!(run("run x sudo").0, ["run", "x", "sudo"]);
        assert_eq!(
            prelude("FOO=bar podman run x").unwrap_err().to_string(),
            "`FOO=bar`: a variable for podman itself, not for the container; drop it, or give the container the variable with `-e`"
        );
        assert!(matches!(
            prelude("sudo TMPDIR=/t podman run x"),
            Err(ShellError::Assignment(_))
        ));
        // `-e A=b` is no assignment
        assert_eq!(run("run -e A=b x").0, ["run", "-e", "A=b", "x"]);
        let mut empty = Vec::new();
        assert_eq!(strip_prelude(&mut empty), Ok(vec![]));
        let mut just_sudo = vec!["sudo".to_string(), "-u".to_string()];
        assert!(strip_prelude(&mut just_sudo).is_ok());
        assert!(just_sudo.is_empty());
    }
}
