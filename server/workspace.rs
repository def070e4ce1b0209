//! The one way to files. Everything that reads a unit, lists a directory or
//! resolves a reference goes through [`Workspace`], which sits on an [`Fs`]
//! (the disk, or memory in tests) plus the editor's unsaved buffers.
//!
//! The workspace is indexed once (the unit search directories, podman's
//! first-name-wins unit table and every `*.d` drop-in directory) and updated
//! per file afterwards, so a lookup never walks the disk.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Largest file we read. Bigger files get a clear error instead of being
/// loaded.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("not valid UTF-8 (first bad byte at offset {0})")]
    InvalidUtf8(usize),
    #[error("looks like a binary file (it contains NUL bytes)")]
    Binary,
    #[error("too large ({0} bytes; the limit is {MAX_FILE_SIZE})")]
    TooLarge(u64),
}

/// File-system access. Paths are absolute.
pub trait Fs: Send + Sync {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Names of the entries of a directory, sorted.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>>;
    /// Follows symlinks.
    fn is_dir(&self, path: &Path) -> bool;
    /// Follows symlinks.
    fn is_file(&self, path: &Path) -> bool;
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
    fn len(&self, path: &Path) -> io::Result<u64>;
    /// Like [`Fs::read_dir`], with each entry's kind when it is known
    /// without following symlinks (free on most disks). Lets the indexer
    /// skip a `stat` per plain file.
    fn read_dir_kinds(&self, path: &Path) -> io::Result<Vec<(String, EntryKind)>> {
        Ok(self
            .read_dir(path)?
            .into_iter()
            .map(|n| (n, EntryKind::Unknown))
            .collect())
    }
}

/// What a directory entry is, as far as the listing tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (not a symlink).
    File,
    /// Anything else, or not known: ask the file system.
    Unknown,
}

/// The real disk.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskFs;

impl Fs for DiskFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for e in std::fs::read_dir(path)? {
            let e = e?;
            names.push(e.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
    fn len(&self, path: &Path) -> io::Result<u64> {
        Ok(std::fs::metadata(path)?.len())
    }
    fn read_dir_kinds(&self, path: &Path) -> io::Result<Vec<(String, EntryKind)>> {
        let mut names = Vec::new();
        for e in std::fs::read_dir(path)? {
            let e = e?;
            let kind = match e.file_type() {
                Ok(t) if t.is_file() => EntryKind::File,
                _ => EntryKind::Unknown,
            };
            names.push((e.file_name().to_string_lossy().into_owned(), kind));
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(names)
    }
}

/// An in-memory file system for tests. Directories exist implicitly above
/// every file, or explicitly through [`MemFs::dir`].
#[derive(Debug, Default, Clone)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: HashSet<PathBuf>,
}

impl MemFs {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn file(mut self, path: impl Into<PathBuf>, text: impl Into<Vec<u8>>) -> Self {
        self.insert(path, text);
        self
    }
    pub fn dir(mut self, path: impl Into<PathBuf>) -> Self {
        let p: PathBuf = path.into();
        for a in p.ancestors() {
            self.dirs.insert(a.to_path_buf());
        }
        self
    }
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<Vec<u8>>) {
        let p: PathBuf = path.into();
        if let Some(parent) = p.parent() {
            for a in parent.ancestors() {
                self.dirs.insert(a.to_path_buf());
            }
        }
        self.files.insert(p, text.into());
    }
    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }
}

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "no such file or directory")
}

impl Fs for MemFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files.get(path).cloned().ok_or_else(not_found)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        if !self.dirs.contains(path) {
            return Err(not_found());
        }
        let mut names: Vec<String> = self
            .files
            .keys()
            .map(|p| p.as_path())
            .chain(self.dirs.iter().map(|p| p.as_path()))
            .filter(|p| p.parent() == Some(path))
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.dirs.contains(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        if self.is_dir(path) || self.is_file(path) {
            Ok(path.to_path_buf())
        } else {
            Err(not_found())
        }
    }
    fn len(&self, path: &Path) -> io::Result<u64> {
        self.files
            .get(path)
            .map(|f| f.len() as u64)
            .ok_or_else(not_found)
    }
}

/// The eight Quadlet unit types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum UnitKind {
    Container,
    Volume,
    Network,
    Kube,
    Image,
    Build,
    Pod,
    Artifact,
}

impl UnitKind {
    pub const ALL: [UnitKind; 8] = [
        UnitKind::Container,
        UnitKind::Volume,
        UnitKind::Network,
        UnitKind::Kube,
        UnitKind::Image,
        UnitKind::Build,
        UnitKind::Pod,
        UnitKind::Artifact,
    ];

    /// From an extension without the dot (`container`).
    pub fn from_ext(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.ext() == ext)
    }

    /// From a file name (`web.container`).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, ext) = name.rsplit_once('.')?;
        Self::from_ext(ext)
    }

    /// The extension without the dot.
    pub fn ext(self) -> &'static str {
        match self {
            UnitKind::Container => "container",
            UnitKind::Volume => "volume",
            UnitKind::Network => "network",
            UnitKind::Kube => "kube",
            UnitKind::Image => "image",
            UnitKind::Build => "build",
            UnitKind::Pod => "pod",
            UnitKind::Artifact => "artifact",
        }
    }

    /// The unit's own section name (`Container`).
    pub fn section(self) -> &'static str {
        match self {
            UnitKind::Container => "Container",
            UnitKind::Volume => "Volume",
            UnitKind::Network => "Network",
            UnitKind::Kube => "Kube",
            UnitKind::Image => "Image",
            UnitKind::Build => "Build",
            UnitKind::Pod => "Pod",
            UnitKind::Artifact => "Artifact",
        }
    }

    /// Suffix added to the base name for the service (`-volume`).
    pub fn service_suffix(self) -> &'static str {
        match self {
            UnitKind::Container | UnitKind::Kube => "",
            UnitKind::Volume => "-volume",
            UnitKind::Network => "-network",
            UnitKind::Image => "-image",
            UnitKind::Build => "-build",
            UnitKind::Pod => "-pod",
            UnitKind::Artifact => "-artifact",
        }
    }

    /// The generator's processing order: referenced resources first, pods
    /// last.
    pub fn rank(self) -> u8 {
        match self {
            UnitKind::Artifact | UnitKind::Image => 1,
            UnitKind::Volume | UnitKind::Network => 2,
            UnitKind::Build => 3,
            UnitKind::Container | UnitKind::Kube => 4,
            UnitKind::Pod => 5,
        }
    }
}

/// A unit file name taken apart: `foo@bar.container` is the instance `bar`
/// of the template `foo@.container`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitName {
    pub file_name: String,
    pub kind: UnitKind,
    /// The name without the extension (`foo@bar`).
    pub stem: String,
    /// The part before `@`, or the whole stem (`foo`).
    pub prefix: String,
    /// `Some("")` for a template, `Some("bar")` for an instance.
    pub instance: Option<String>,
}

impl UnitName {
    pub fn parse(file_name: &str) -> Option<Self> {
        let (stem, ext) = file_name.rsplit_once('.')?;
        let kind = UnitKind::from_ext(ext)?;
        let (prefix, instance) = match stem.split_once('@') {
            Some((p, i)) => (p.to_string(), Some(i.to_string())),
            None => (stem.to_string(), None),
        };
        Some(UnitName {
            file_name: file_name.to_string(),
            kind,
            stem: stem.to_string(),
            prefix,
            instance,
        })
    }

    pub fn is_template(&self) -> bool {
        self.instance.as_deref() == Some("")
    }

    pub fn is_instance(&self) -> bool {
        matches!(self.instance.as_deref(), Some(i) if !i.is_empty())
    }

    /// Whether podman reads drop-ins from a directory of this name for this
    /// unit: the same test as membership in [`UnitName::dropin_dir_names`],
    /// without building the list.
    pub fn uses_dropin_dir(&self, dir: &str) -> bool {
        let ext = self.kind.ext();
        let Some(stem) = dir.strip_suffix(".d") else {
            return false;
        };
        if stem == self.file_name || stem == ext {
            // `web.container.d`, or `container.d` for every unit of the type.
            return true;
        }
        let Some(stem) = stem.strip_suffix(ext).and_then(|s| s.strip_suffix('.')) else {
            return false;
        };
        if stem.is_empty() {
            return false;
        }
        if let Some(t) = stem.strip_suffix('@') {
            if self.is_instance() && t == self.prefix {
                return true;
            }
            // `foo-@.container.d`: truncated template names.
            return self.instance.is_some() && t.ends_with('-') && self.prefix.starts_with(t);
        }
        // `foo-.container.d`: truncated names, at a dash boundary.
        stem.ends_with('-') && self.prefix.starts_with(stem)
    }

    /// The drop-in directory names to search, most specific first (podman's
    /// order).
    pub fn dropin_dir_names(&self) -> Vec<String> {
        let ext = self.kind.ext();
        let dext = format!(".{ext}.d");
        let mut v = vec![format!("{ext}.d")];
        let parts: Vec<&str> = self.prefix.split('-').collect();
        if parts.len() > 1 {
            for i in 0..parts.len() - 1 {
                let trunc = format!("{}-", parts[..=i].join("-"));
                v.push(format!("{trunc}{dext}"));
                if self.instance.is_some() {
                    v.push(format!("{trunc}@{dext}"));
                }
            }
        }
        if self.is_instance() {
            v.push(format!("{}@{dext}", self.prefix));
        }
        v.push(format!("{}.d", self.file_name));
        v.reverse();
        v
    }
}

/// What a path is to Quadlet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRole {
    /// A unit file.
    Unit(UnitName),
    /// A `*.conf` inside a `*.d` directory; the directory name tells which
    /// units it applies to (`foo.container.d`, `container.d`, `foo-.container.d`).
    DropIn {
        dir_name: String,
        kind: UnitKind,
    },
    /// A YAML file (possibly referenced by a `.kube` unit).
    Yaml,
    Other,
}

/// Classifies a path by name and place, never by editor language id.
pub fn classify(path: &Path) -> FileRole {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return FileRole::Other;
    };
    if let Some(u) = UnitName::parse(name) {
        return FileRole::Unit(u);
    }
    if name.ends_with(".conf") {
        if let Some(dir) = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
        {
            if let Some(stripped) = dir.strip_suffix(".d") {
                let ext = stripped.rsplit('.').next().unwrap_or(stripped);
                if let Some(kind) = UnitKind::from_ext(ext) {
                    return FileRole::DropIn {
                        dir_name: dir.to_string(),
                        kind,
                    };
                }
            }
        }
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        return FileRole::Yaml;
    }
    FileRole::Other
}

/// Whether a path lies in a folder that only podman's rootless (user)
/// generator reads: `~/.config/containers/systemd/`, or a
/// `containers/systemd/users/` tree (`/etc/containers/systemd/users/`), in a
/// repository as well as on a live system.
pub fn is_rootless_path(path: &Path) -> bool {
    let parts: Vec<&std::ffi::OsStr> = path.parent().map_or(Vec::new(), |p| p.iter().collect());
    parts.windows(3).any(|w| {
        (w[0] == ".config" && w[1] == "containers" && w[2] == "systemd")
            || (w[0] == "containers" && w[1] == "systemd" && w[2] == "users")
    })
}

/// Expands unit roots into podman's ordered list of search directories: each
/// root, then its subdirectories depth-first in name order, symlinks
/// resolved, each directory once, `*.d` directories skipped. A root that does
/// not exist stays in the list (as podman keeps it).
pub fn expand_search_dirs(fs: &dyn Fs, roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for r in roots {
        append_sub_paths(fs, r, &mut out, &mut seen, 0);
    }
    out
}

fn append_sub_paths(
    fs: &dyn Fs,
    path: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut HashSet<PathBuf>,
    depth: usize,
) {
    let resolved = match fs.canonicalize(path) {
        Ok(p) => p,
        Err(_) => {
            if depth == 0 {
                out.push(path.to_path_buf());
            }
            return;
        }
    };
    if seen.contains(&resolved)
        || resolved.to_string_lossy().ends_with(".d")
        || !fs.is_dir(&resolved)
    {
        return;
    }
    // Guard against pathological depth (a symlink loop is stopped by `seen`).
    if depth > 64 {
        return;
    }
    seen.insert(resolved.clone());
    out.push(resolved.clone());
    let Ok(entries) = fs.read_dir_kinds(&resolved) else {
        return;
    };
    for (e, kind) in entries {
        // A plain file is never a directory: no need to resolve it.
        if kind != EntryKind::File {
            append_sub_paths(fs, &resolved.join(e), out, seen, depth + 1);
        }
    }
}

/// podman's standard unit roots for a mode, honouring `QUADLET_UNIT_DIRS`.
/// `env` looks up environment variables (injected for tests).
pub fn standard_roots(user: bool, env: &dyn Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    if let Some(dirs) = env("QUADLET_UNIT_DIRS").filter(|s| !s.is_empty()) {
        let mut v = Vec::new();
        for d in dirs.split(':') {
            if !Path::new(d).is_absolute() {
                break;
            }
            v.push(PathBuf::from(d));
        }
        return v;
    }
    if user {
        let mut v = Vec::new();
        if let Some(rt) = env("XDG_RUNTIME_DIR") {
            v.push(Path::new(&rt).join("containers/systemd"));
        }
        let config = env("XDG_CONFIG_HOME")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| Path::new(&h).join(".config")));
        if let Some(c) = config {
            v.push(c.join("containers/systemd"));
        }
        v.push(PathBuf::from("/etc/containers/systemd/users"));
        v
    } else {
        vec![
            PathBuf::from("/run/containers/systemd"),
            PathBuf::from("/etc/containers/systemd"),
            PathBuf::from("/usr/share/containers/systemd"),
        ]
    }
}

/// A unit known to the workspace.
#[derive(Debug, Clone)]
pub struct UnitEntry {
    pub path: PathBuf,
    pub name: UnitName,
}

/// The indexed workspace. See the module docs.
pub struct Workspace {
    fs: Arc<dyn Fs>,
    /// Expanded search directories, in podman's order.
    dirs: Vec<PathBuf>,
    /// Units in search order (first name wins; shadowed ones are not here).
    units: Vec<UnitEntry>,
    by_name: HashMap<String, usize>,
    /// Every file with a unit extension found, including shadowed ones.
    all_unit_files: Vec<PathBuf>,
    /// `*.d` directories directly inside a search directory → their `.conf`
    /// file names, sorted.
    dropin_dirs: HashMap<PathBuf, Vec<String>>,
    /// Other files seen (YAML etc.), for completion and reference checks.
    other_files: HashSet<PathBuf>,
    /// Unsaved editor buffers, which win over the disk.
    overlays: HashMap<PathBuf, Arc<str>>,
    cache: Mutex<HashMap<PathBuf, Arc<str>>>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("dirs", &self.dirs)
            .field("units", &self.units.len())
            .finish()
    }
}

impl Workspace {
    /// An empty workspace with no search directories.
    pub fn empty(fs: Arc<dyn Fs>) -> Self {
        Workspace {
            fs,
            dirs: Vec::new(),
            units: Vec::new(),
            by_name: HashMap::new(),
            all_unit_files: Vec::new(),
            dropin_dirs: HashMap::new(),
            other_files: HashSet::new(),
            overlays: HashMap::new(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Indexes the given unit roots (expanded as podman does).
    pub fn load(fs: Arc<dyn Fs>, roots: &[PathBuf]) -> Self {
        let mut ws = Self::empty(fs);
        ws.set_roots(roots);
        ws
    }

    /// Indexes search directories that are already expanded (used as they
    /// are, in this order).
    pub fn load_dirs(fs: Arc<dyn Fs>, dirs: Vec<PathBuf>) -> Self {
        let mut ws = Self::empty(fs);
        ws.dirs = dirs;
        ws.reindex();
        ws
    }

    /// Replaces the roots and re-indexes.
    pub fn set_roots(&mut self, roots: &[PathBuf]) {
        self.dirs = expand_search_dirs(self.fs.as_ref(), roots);
        self.reindex();
    }

    pub fn fs(&self) -> &Arc<dyn Fs> {
        &self.fs
    }

    /// Search directories in podman's order.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Rebuilds the index from the disk. Called once on load; later changes
    /// go through [`Workspace::file_changed`].
    pub fn reindex(&mut self) {
        self.units.clear();
        self.by_name.clear();
        self.all_unit_files.clear();
        self.dropin_dirs.clear();
        self.other_files.clear();
        self.cache_clear();
        let fs = self.fs.clone();
        for dir in self.dirs.clone() {
            let Ok(names) = fs.read_dir_kinds(&dir) else {
                continue;
            };
            for (name, kind) in names {
                let plain = kind == EntryKind::File;
                let path = dir.join(&name);
                if name.ends_with(".d") {
                    if fs.is_dir(&path) {
                        let confs = list_confs(fs.as_ref(), &path);
                        self.dropin_dirs.insert(path, confs);
                    }
                    continue;
                }
                if let Some(un) = UnitName::parse(&name) {
                    if !plain && fs.is_dir(&path) {
                        continue;
                    }
                    self.all_unit_files.push(path.clone());
                    if !self.by_name.contains_key(&name) {
                        self.by_name.insert(name, self.units.len());
                        self.units.push(UnitEntry { path, name: un });
                    }
                } else if plain || fs.is_file(&path) {
                    self.other_files.insert(path);
                }
            }
        }
    }

    fn cache_clear(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }

    /// Updates the index after a file was created, changed or deleted on
    /// disk. Cost: one directory listing at most.
    pub fn file_changed(&mut self, path: &Path) {
        if let Ok(mut c) = self.cache.lock() {
            c.remove(path);
        }
        let Some(parent) = path.parent() else { return };
        let parent_name = parent.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if parent_name.ends_with(".d") {
            if self.dropin_dirs.contains_key(parent)
                || parent
                    .parent()
                    .is_some_and(|pp| self.dirs.iter().any(|d| d == pp))
            {
                let confs = list_confs(self.fs.as_ref(), parent);
                if confs.is_empty() && !self.fs.is_dir(parent) {
                    self.dropin_dirs.remove(parent);
                } else {
                    self.dropin_dirs.insert(parent.to_path_buf(), confs);
                }
            }
            return;
        }
        if !self.dirs.iter().any(|d| d == parent) {
            return;
        }
        let exists = self.fs.is_file(path);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if UnitName::parse(name).is_some() {
            let known = self.all_unit_files.iter().any(|p| p == path);
            if exists != known {
                // The first-name-wins table depends on search order: rebuild
                // just the unit list from the known files (no disk access).
                if exists {
                    self.all_unit_files.push(path.to_path_buf());
                } else {
                    self.all_unit_files.retain(|p| p != path);
                }
                self.rebuild_units();
            }
        } else if exists {
            self.other_files.insert(path.to_path_buf());
        } else {
            self.other_files.remove(path);
        }
    }

    fn rebuild_units(&mut self) {
        let order: HashMap<&Path, usize> = self
            .dirs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.as_path(), i))
            .collect();
        let mut files = std::mem::take(&mut self.all_unit_files);
        files.sort_by(|a, b| {
            let da = a
                .parent()
                .and_then(|p| order.get(p))
                .copied()
                .unwrap_or(usize::MAX);
            let db = b
                .parent()
                .and_then(|p| order.get(p))
                .copied()
                .unwrap_or(usize::MAX);
            da.cmp(&db).then_with(|| a.file_name().cmp(&b.file_name()))
        });
        self.units.clear();
        self.by_name.clear();
        for path in &files {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(un) = UnitName::parse(name) else {
                continue;
            };
            if !self.by_name.contains_key(name) {
                self.by_name.insert(name.to_string(), self.units.len());
                self.units.push(UnitEntry {
                    path: path.clone(),
                    name: un,
                });
            }
        }
        self.all_unit_files = files;
    }

    /// Units in search order (shadowed duplicates excluded).
    pub fn units(&self) -> &[UnitEntry] {
        &self.units
    }

    /// Every unit file seen, including ones shadowed by an earlier file of the
    /// same name.
    pub fn all_unit_files(&self) -> &[PathBuf] {
        &self.all_unit_files
    }

    /// Other (non-unit) files directly in the search directories.
    pub fn other_files(&self) -> impl Iterator<Item = &Path> {
        self.other_files.iter().map(|p| p.as_path())
    }

    /// The unit a bare file name refers to (`db.network`), as podman resolves
    /// it: the first file of that name in the search path.
    pub fn unit(&self, file_name: &str) -> Option<&UnitEntry> {
        self.by_name.get(file_name).map(|&i| &self.units[i])
    }

    /// The drop-in files for a unit, in merge order: for each candidate
    /// directory name (most specific first) in each search directory, the
    /// `.conf` files; the first file of each base name wins; the survivors
    /// sorted by base name.
    pub fn dropins(&self, name: &UnitName) -> Vec<PathBuf> {
        self.dropins_with(&name.dropin_dir_names(), false)
    }

    /// [`Workspace::dropins`] for given candidate directory names (most
    /// specific first); `dir_major` searches every name in one search
    /// directory before the next directory (podman before 5.6).
    pub fn dropins_with(&self, candidates: &[String], dir_major: bool) -> Vec<PathBuf> {
        let mut chosen: BTreeMap<&str, PathBuf> = BTreeMap::new();
        let mut visit = |dir: PathBuf| {
            if let Some(confs) = self.dropin_dirs.get(&dir) {
                for c in confs {
                    chosen.entry(c.as_str()).or_insert_with(|| dir.join(c));
                }
            }
        };
        if dir_major {
            for d in &self.dirs {
                for cand in candidates {
                    visit(d.join(cand));
                }
            }
        } else {
            for cand in candidates {
                for d in &self.dirs {
                    visit(d.join(cand));
                }
            }
        }
        chosen.into_values().collect()
    }

    /// Units that a drop-in directory applies to.
    pub fn units_for_dropin_dir<'a>(
        &'a self,
        dir_name: &'a str,
    ) -> impl Iterator<Item = &'a UnitEntry> + 'a {
        // A `<file>.d` directory belongs to one unit: look it up directly.
        let exact = dir_name
            .strip_suffix(".d")
            .and_then(|f| self.unit(f))
            .filter(|u| u.name.uses_dropin_dir(dir_name));
        let shared = exact.is_none();
        exact.into_iter().chain(
            self.units
                .iter()
                .filter(move |u| shared && u.name.uses_dropin_dir(dir_name)),
        )
    }

    /// Sets an unsaved buffer for a path (the editor's view wins over disk).
    pub fn set_overlay(&mut self, path: PathBuf, text: Arc<str>) {
        self.overlays.insert(path, text);
    }

    pub fn clear_overlay(&mut self, path: &Path) {
        self.overlays.remove(path);
    }

    pub fn overlay(&self, path: &Path) -> Option<&Arc<str>> {
        self.overlays.get(path)
    }

    /// Whether a file exists (an open buffer counts).
    pub fn exists(&self, path: &Path) -> bool {
        self.overlays.contains_key(path) || self.fs.is_file(path)
    }

    pub fn is_dir(&self, path: &Path) -> bool {
        self.fs.is_dir(path)
    }

    /// The text of a file: the editor's buffer if open, else the disk
    /// (cached). Refuses binary, non-UTF-8 and oversized files.
    pub fn read(&self, path: &Path) -> Result<Arc<str>, ReadError> {
        if let Some(t) = self.overlays.get(path) {
            return Ok(t.clone());
        }
        if let Ok(c) = self.cache.lock() {
            if let Some(t) = c.get(path) {
                return Ok(t.clone());
            }
        }
        let len = self.fs.len(path)?;
        if len > MAX_FILE_SIZE {
            return Err(ReadError::TooLarge(len));
        }
        let bytes = self.fs.read(path)?;
        let text: Arc<str> = decode(bytes)?.into();
        if let Ok(mut c) = self.cache.lock() {
            c.insert(path.to_path_buf(), text.clone());
        }
        Ok(text)
    }
}

/// Decodes file bytes, refusing NUL bytes and invalid UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.contains(&0) {
        return Err(ReadError::Binary);
    }
    String::from_utf8(bytes).map_err(|e| ReadError::InvalidUtf8(e.utf8_error().valid_up_to()))
}

fn list_confs(fs: &dyn Fs, dir: &Path) -> Vec<String> {
    fs.read_dir(dir)
        .map(|names| names.into_iter().filter(|n| n.ends_with(".conf")).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropin_dir_order_matches_podman() {
        let n = UnitName::parse("foo-bar@inst.container").unwrap();
        assert_eq!(
            n.dropin_dir_names(),
            [
                "foo-bar@inst.container.d",
                "foo-bar@.container.d",
                "foo-@.container.d",
                "foo-.container.d",
                "container.d"
            ]
        );
        let n = UnitName::parse("a-b-c.volume").unwrap();
        assert_eq!(
            n.dropin_dir_names(),
            ["a-b-c.volume.d", "a-b-.volume.d", "a-.volume.d", "volume.d"]
        );
    }

    #[test]
    fn uses_dropin_dir_agrees_with_the_candidate_list() {
        let names = [
            "web.container",
            "foo-bar@inst.container",
            "foo-bar@.container",
            "a-b-c.volume",
            "a--b.volume",
            "x@y.pod",
            "plain.kube",
            "-.network",
        ];
        let dirs = [
            "web.container.d",
            "container.d",
            "volume.d",
            "foo-.container.d",
            "foo-@.container.d",
            "foo-bar@.container.d",
            "foo-bar@inst.container.d",
            "a-.volume.d",
            "a-b-.volume.d",
            "a-b-c-.volume.d",
            "a--.volume.d",
            "x@.pod.d",
            "x-@.pod.d",
            "pod.d",
            "kube.d",
            "plain.kube.d",
            "plain-.kube.d",
            "foo.d",
            ".d",
            "-.network.d",
            "network.d",
            "-.network.d.d",
        ];
        for n in names {
            let u = UnitName::parse(n).unwrap();
            let list = u.dropin_dir_names();
            for d in dirs {
                assert_eq!(u.uses_dropin_dir(d), list.iter().any(|x| x == d), "{n} {d}");
            }
        }
    }

    #[test]
    fn index_first_name_wins_and_dropins_merge_by_base_name() {
        let fs = MemFs::new()
            .file("/a/web.container", "[Container]\nImage=a\n")
            .file("/a/sub/web.container", "[Container]\nImage=b\n")
            .file("/a/sub/db.network", "[Network]\n")
            .file("/a/web.container.d/20-x.conf", "")
            .file("/a/container.d/10-y.conf", "")
            .file("/a/container.d/20-x.conf", "")
            .file("/a/sub/web.container.d/05-z.conf", "");
        let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/a")]);
        assert_eq!(ws.dirs(), [PathBuf::from("/a"), PathBuf::from("/a/sub")]);
        assert_eq!(
            ws.unit("web.container").unwrap().path,
            Path::new("/a/web.container")
        );
        assert!(ws.unit("db.network").is_some());
        let d = ws.dropins(&UnitName::parse("web.container").unwrap());
        assert_eq!(
            d,
            [
                PathBuf::from("/a/sub/web.container.d/05-z.conf"),
                PathBuf::from("/a/container.d/10-y.conf"),
                PathBuf::from("/a/web.container.d/20-x.conf"),
            ]
        );
    }

    #[test]
    fn incremental_updates() {
        let mut fs = MemFs::new().file("/a/web.container", "x").dir("/a/sub");
        let mut ws = Workspace::load(Arc::new(fs.clone()), &[PathBuf::from("/a")]);
        assert!(ws.unit("db.network").is_none());
        fs.insert("/a/sub/db.network", "[Network]\n");
        ws.fs = Arc::new(fs.clone());
        ws.file_changed(Path::new("/a/sub/db.network"));
        assert!(ws.unit("db.network").is_some());
        fs.remove(Path::new("/a/sub/db.network"));
        ws.fs = Arc::new(fs);
        ws.file_changed(Path::new("/a/sub/db.network"));
        assert!(ws.unit("db.network").is_none());
    }

    #[test]
    fn classify_by_name_and_place() {
        assert!(matches!(
            classify(Path::new("/x/a@.container")),
            FileRole::Unit(_)
        ));
        assert!(matches!(
            classify(Path::new("/x/foo.container.d/10.conf")),
            FileRole::DropIn {
                kind: UnitKind::Container,
                ..
            }
        ));
        assert!(matches!(
            classify(Path::new("/x/pod.d/10.conf")),
            FileRole::DropIn {
                kind: UnitKind::Pod,
                ..
            }
        ));
        assert_eq!(classify(Path::new("/etc/foo.conf")), FileRole::Other);
        assert_eq!(classify(Path::new("/x/k.yaml")), FileRole::Yaml);
    }

    #[test]
    fn rootless_folders() {
        for p in [
            "/home/me/.config/containers/systemd/a.container",
            "dotfiles/.config/containers/systemd/sub/a.container",
            "/etc/containers/systemd/users/a.container",
            "/etc/containers/systemd/users/1000/a.container",
            "repo/containers/systemd/users/x.container.d/10.conf",
        ] {
            assert!(is_rootless_path(Path::new(p)), "{p}");
        }
        for p in [
            "/etc/containers/systemd/a.container",
            "/srv/users/a.container",
            "/home/me/.config/systemd/a.container",
            "/etc/containers/systemd/users.container",
        ] {
            assert!(!is_rootless_path(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn read_refuses_binary_and_bad_utf8() {
        let fs = MemFs::new()
            .file("/a/b.container", vec![0u8, 1])
            .file("/a/c.container", vec![b'a', 0xff]);
        let ws = Workspace::load(Arc::new(fs), &[PathBuf::from("/a")]);
        assert!(matches!(
            ws.read(Path::new("/a/b.container")),
            Err(ReadError::Binary)
        ));
        assert!(matches!(
            ws.read(Path::new("/a/c.container")),
            Err(ReadError::InvalidUtf8(1))
        ));
    }
}
