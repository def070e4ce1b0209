//! podman's unit search path, with its filters: in system mode the
//! per-user tree `/etc/containers/systemd/users` is left out; in user mode
//! only its non-numeric subdirectories and the one named after the user's
//! uid are searched. `QUADLET_UNIT_DIRS` (absolute paths, `:`-separated)
//! replaces everything.

use crate::workspace::Fs;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const UNIT_DIR_TEMP: &str = "/run/containers/systemd";
const UNIT_DIR_ADMIN: &str = "/etc/containers/systemd";
const UNIT_DIR_DISTRO: &str = "/usr/share/containers/systemd";

type Filter<'a> = &'a dyn Fn(&str, bool) -> bool;

struct Paths<'a> {
    fs: &'a dyn Fs,
    sorted: Vec<PathBuf>,
    visited: HashSet<PathBuf>,
}

impl Paths<'_> {
    fn add(&mut self, p: PathBuf) {
        self.visited.insert(p.clone());
        self.sorted.push(p);
    }

    fn append(&mut self, path: &Path, is_user: bool, filter: Option<Filter>, depth: usize) {
        let resolved = match self.fs.canonicalize(path) {
            Ok(p) => p,
            Err(_) => {
                self.add(path.to_path_buf());
                return;
            }
        };
        let s = resolved.to_string_lossy();
        if self.visited.contains(&resolved)
            || s.ends_with(".d")
            || filter.is_some_and(|f| !f(&s, is_user))
            || !self.fs.is_dir(&resolved)
            || depth > 64
        {
            return;
        }
        self.add(resolved.clone());
        let Ok(entries) = self.fs.read_dir(&resolved) else {
            return;
        };
        for e in entries {
            self.append(&resolved.join(e), is_user, filter, depth + 1);
        }
    }
}

/// The expanded search directories podman's generator reads, in order.
/// `env` looks up environment variables; `uid` is the current user's id
/// (user mode only; `None` if unknown).
pub fn podman_unit_dirs(
    fs: &dyn Fs,
    user: bool,
    env: &dyn Fn(&str) -> Option<String>,
    uid: Option<u32>,
) -> Vec<PathBuf> {
    let mut paths = Paths {
        fs,
        sorted: Vec::new(),
        visited: HashSet::new(),
    };
    if let Some(dirs) = env("QUADLET_UNIT_DIRS").filter(|s| !s.is_empty()) {
        for d in dirs.split(':') {
            if !d.starts_with('/') {
                break;
            }
            paths.append(Path::new(d), false, None, 0);
        }
        return paths.sorted;
    }
    let admin_users_raw = Path::new(UNIT_DIR_ADMIN).join("users");
    let admin_users = fs
        .canonicalize(&admin_users_raw)
        .unwrap_or(admin_users_raw)
        .to_string_lossy()
        .into_owned();
    let user_level = |p: &str, is_user: bool| !p.starts_with(&admin_users) || is_user;
    if user {
        let level = admin_users.split('/').count();
        let non_numeric = |p: &str, _: bool| {
            if !p.starts_with(&admin_users) {
                return true;
            }
            let parts: Vec<&str> = p.split('/').collect();
            match parts.len().cmp(&level) {
                std::cmp::Ordering::Equal => true,
                std::cmp::Ordering::Greater => !parts[level].bytes().all(|b| b.is_ascii_digit()),
                std::cmp::Ordering::Less => false,
            }
        };
        if let Some(rt) = env("XDG_RUNTIME_DIR") {
            paths.append(&Path::new(&rt).join("containers/systemd"), false, None, 0);
        }
        let config = match env("XDG_CONFIG_HOME").filter(|s| !s.is_empty()) {
            Some(c) => Some(PathBuf::from(c)),
            None => env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| Path::new(&h).join(".config")),
        };
        let Some(config) = config else {
            return paths.sorted;
        };
        paths.append(&config.join("containers/systemd"), false, None, 0);
        match uid {
            Some(uid) => {
                paths.append(Path::new(&admin_users), true, Some(&non_numeric), 0);
                paths.append(
                    &Path::new(UNIT_DIR_ADMIN)
                        .join("users")
                        .join(uid.to_string()),
                    true,
                    Some(&user_level),
                    0,
                );
            }
            None => paths.add(Path::new(UNIT_DIR_ADMIN).join("users")),
        }
    } else {
        paths.append(Path::new(UNIT_DIR_TEMP), false, Some(&user_level), 0);
        paths.append(Path::new(UNIT_DIR_ADMIN), false, Some(&user_level), 0);
        paths.append(Path::new(UNIT_DIR_DISTRO), false, None, 0);
    }
    paths.sorted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemFs;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn fs() -> MemFs {
        MemFs::new()
            .file("/etc/containers/systemd/a.container", "")
            .file("/etc/containers/systemd/users/x.container", "")
            .file("/etc/containers/systemd/users/1000/u.container", "")
            .file("/etc/containers/systemd/users/2000/v.container", "")
            .file("/etc/containers/systemd/users/shared/s.container", "")
            .file("/home/me/.config/containers/systemd/m.container", "")
            .file("/srv/q/sub/z.container", "")
    }

    #[test]
    fn system_mode_skips_the_users_tree() {
        let f = fs();
        let d = podman_unit_dirs(&f, false, &env(&[]), None);
        assert_eq!(
            d,
            [
                PathBuf::from("/run/containers/systemd"),
                PathBuf::from("/etc/containers/systemd"),
                PathBuf::from("/usr/share/containers/systemd"),
            ]
        );
    }

    #[test]
    fn user_mode_searches_own_uid_and_shared_dirs() {
        let f = fs();
        let d = podman_unit_dirs(&f, true, &env(&[("HOME", "/home/me")]), Some(1000));
        assert_eq!(
            d,
            [
                PathBuf::from("/home/me/.config/containers/systemd"),
                PathBuf::from("/etc/containers/systemd/users"),
                PathBuf::from("/etc/containers/systemd/users/shared"),
                PathBuf::from("/etc/containers/systemd/users/1000"),
            ]
        );
    }

    #[test]
    fn env_override_recurses_and_stops_at_a_relative_path() {
        let f = fs();
        let d = podman_unit_dirs(
            &f,
            true,
            &env(&[("QUADLET_UNIT_DIRS", "/srv/q:rel:/etc/containers/systemd")]),
            Some(1),
        );
        assert_eq!(d, [PathBuf::from("/srv/q"), PathBuf::from("/srv/q/sub")]);
    }
}
