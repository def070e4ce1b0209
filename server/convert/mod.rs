//! From podman commands (and, in [`systemd`] and [`compose`], from units
//! `podman generate systemd` wrote and from compose files) to Quadlet units.
//!
//! * [`grammar`] takes a podman command line apart the way podman does;
//! * [`shell`] takes a command pasted as one text (one argument, stdin,
//!   the editor) apart into words as a POSIX shell would;
//! * [`draft`] writes a unit, encoding each value so that podman's
//!   generator and systemd read back exactly the words that went in;
//! * [`podman`] maps each subcommand's flags onto the keys of the target
//!   release; a flag without a key there goes to `PodmanArgs=` as written,
//!   under a comment naming it.
//!
//! The core is pure: it turns words into [`Draft`]s. Writing files is the
//! CLI's business (`quadlet-ls convert`), or the language server's (a
//! workspace edit).

pub mod compose;
pub mod draft;
pub mod grammar;
pub mod podman;
pub mod shell;
pub mod systemd;

pub use draft::{encode, Draft, Unencodable};
pub use grammar::{parse, GrammarError, Parsed, Subcommand};
pub use podman::{convert_command, convert_parsed, keys_of_flag};

use crate::schema::Version;

/// What a conversion targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The podman release whose keys the unit may use.
    pub release: Version,
    /// The unit's file name without extension; `None`: from the command
    /// (`--name`, the image's base name, ...).
    pub name: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            release: Version::DEFAULT,
            name: None,
        }
    }
}

/// The result of a conversion: the units, and what the user should hear
/// about (on stderr at the CLI).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    pub units: Vec<Draft>,
    pub warnings: Vec<String>,
}

/// Why nothing could be converted. The CLI exits with status 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error(transparent)]
    Grammar(#[from] GrammarError),
    #[error(transparent)]
    Shell(#[from] shell::ShellError),
    #[error("`podman {0}` needs {1}")]
    Missing(&'static str, &'static str),
    #[error("`{word}`: {why}")]
    Unsupported { word: String, why: String },
}

/// Converts a command given as one text (pasted with its quotes,
/// backslash-newlines, a `$ ` prompt or `sudo`): split as a POSIX shell
/// would ([`shell::split`]), then converted.
pub fn convert_text(text: &str, opts: &Options) -> Result<Converted, ConvertError> {
    let split = shell::split(text)?;
    convert_words(split.words, split.warnings, opts)
}

/// Converts the words of a command line as the CLI got them after `--`.
/// A single word that holds blanks is the whole command in one argument
/// (`-- "podman run -e 'A=b c' nginx"`), split as by [`convert_text`].
pub fn convert_args(words: &[String], opts: &Options) -> Result<Converted, ConvertError> {
    if let [one] = words {
        if one.contains([' ', '\t', '\n', '\r']) {
            return convert_text(one, opts);
        }
    }
    convert_words(words.to_vec(), Vec::new(), opts)
}

fn convert_words(
    mut words: Vec<String>,
    mut warnings: Vec<String>,
    opts: &Options,
) -> Result<Converted, ConvertError> {
    warnings.extend(shell::strip_prelude(&mut words)?);
    let mut c = convert_command(&words, opts)?;
    warnings.append(&mut c.warnings);
    c.warnings = warnings;
    Ok(c)
}

/// A name usable as a unit file name: the characters systemd accepts in a
/// unit name (`[A-Za-z0-9:_.\-]`), others replaced by `-`; never empty.
pub fn unit_name(raw: &str) -> String {
    let s: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches(['-', '.']).to_string();
    if s.is_empty() {
        "unit".to_string()
    } else {
        s
    }
}

/// The base name of an image reference: `docker.io/library/nginx:1.25` →
/// `nginx`, `ghcr.io/a/b@sha256:…` → `b`.
pub fn image_base_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let no_tag = last.split(':').next().unwrap_or(last);
    unit_name(no_tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_images() {
        assert_eq!(image_base_name("docker.io/library/nginx:1.25"), "nginx");
        assert_eq!(image_base_name("ghcr.io/a/my-app@sha256:ab"), "my-app");
        assert_eq!(image_base_name("localhost:5000/x/y:z"), "y");
        assert_eq!(image_base_name("redis"), "redis");
        assert_eq!(unit_name("a b/c"), "a-b-c");
        assert_eq!(unit_name("///"), "unit");
    }
}
