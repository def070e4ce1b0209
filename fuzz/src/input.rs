//! How a fuzz input becomes a folder of files, a release and a mode.
//!
//! Files are separated by a NUL byte; each starts with its name on the
//! first line, the rest is its text. Names are cleaned into a relative path
//! of at most three parts (`app.container`, `app.container.d/10-x.conf`,
//! `sub/pod.yaml`); a piece without a name line becomes `app.container`.

use quadlet_ls::schema::Version;
use quadlet_ls::workspace::{MemFs, Workspace};
use std::path::PathBuf;
use std::sync::Arc;

/// Up to this many files per input.
pub const MAX_FILES: usize = 8;

/// The folder the files are put in.
pub const ROOT: &str = "/q";

pub struct File {
    pub name: String,
    pub text: Vec<u8>,
}

impl File {
    pub fn path(&self) -> PathBuf {
        PathBuf::from(ROOT).join(&self.name)
    }
}

/// Splits `data` into files (see the module docs).
pub fn files(data: &[u8]) -> Vec<File> {
    let mut out: Vec<File> = Vec::new();
    for chunk in data.split(|&b| b == 0).take(MAX_FILES) {
        let (name, text) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (clean_name(&chunk[..i]), chunk[i + 1..].to_vec()),
            None => (None, chunk.to_vec()),
        };
        let name = name.unwrap_or_else(|| "app.container".to_string());
        if out.iter().any(|f| f.name == name) {
            continue;
        }
        out.push(File { name, text });
    }
    out
}

fn clean_name(raw: &[u8]) -> Option<String> {
    let raw = String::from_utf8_lossy(raw);
    let parts: Vec<String> = raw
        .split('/')
        .map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_alphanumeric() || "._@-~+".contains(*c))
                .collect::<String>()
        })
        .filter(|p| !p.is_empty() && p != "." && p != "..")
        .take(3)
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What the first byte picks: a release line (low bits) and rootless mode
/// (the high bit).
pub fn mode(b: u8) -> (Version, bool) {
    let lines = quadlet_ls::release::LINES;
    (lines[usize::from(b & 0x7f) % lines.len()], b & 0x80 != 0)
}

/// The workspace over the files, rooted at [`ROOT`] as podman searches it.
pub fn workspace(files: &[File]) -> Workspace {
    let mut fs = MemFs::new().dir(ROOT);
    for f in files {
        fs.insert(f.path(), f.text.clone());
    }
    Workspace::load(Arc::new(fs), &[PathBuf::from(ROOT)])
}
