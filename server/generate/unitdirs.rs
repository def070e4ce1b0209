//! podman's unit search path, with its filters: in system mode the
//! per-user tree `/etc/containers/systemd/users` is left out; in user mode
//! only its non-numeric subdirectories and the one named after the user's
//! uid are searched. `QUADLET_UNIT_DIRS` (absolute paths, `:`-separated)
//! replaces everything.
//!
//! Three generations of these rules (see [`podman_unit_dirs`]):
//! * before 5.3, a plain recursive walk: symlinked subdirectories are not
//!   followed, `*.d` directories are searched too, a filter drops a
//!   directory but not its subdirectories, no `/run` directories;
//! * 5.3, the walk of today with `/run/containers/systemd` and
//!   `$XDG_RUNTIME_DIR/containers/systemd`, but `/etc/containers/systemd/users`
//!   itself searched last in user mode;
//! * 5.4 and later.

use crate::schema::Version;
use crate::workspace::Fs;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const UNIT_DIR_TEMP: &str = "/run/containers/systemd";
const UNIT_DIR_ADMIN: &str = "/etc/containers/systemd";
const UNIT_DIR_DISTRO: &str = "/usr/share/containers/systemd";

const fn v(major: u16, minor: u16) -> Version {
    Version { major, minor }
}

type Filter<'a> = &'a dyn Fn(&str, bool) -> bool;

struct Paths<'a> {
    fs: &'a dyn Fs,
    sorted: Vec<PathBuf>,
    visited: HashSet<PathBuf>,
    /// podman before 5.3: `filepath.WalkDir`.
    walk: bool,
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
        if self.walk {
            if self.fs.is_dir(&resolved) {
                self.walk_dir(&resolved, is_user, filter, 0);
            }
            return;
        }
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

    /// `filepath.WalkDir` from a resolved directory: every real
    /// subdirectory in name order, pre-order; the filter decides for each
    /// directory on its own.
    fn walk_dir(&mut self, dir: &Path, is_user: bool, filter: Option<Filter>, depth: usize) {
        if filter.is_none_or(|f| f(&dir.to_string_lossy(), is_user)) {
            self.sorted.push(dir.to_path_buf());
        }
        if depth > 64 {
            return;
        }
        let Ok(mut entries) = self.fs.read_dir(dir) else {
            return;
        };
        entries.sort();
        for e in entries {
            let child = dir.join(e);
            // A symlink is not followed: the walk only enters entries that
            // are directories themselves.
            let real = self.fs.canonicalize(&child).is_ok_and(|c| c == child);
            if real && self.fs.is_dir(&child) {
                self.walk_dir(&child, is_user, filter, depth + 1);
            }
        }
    }
}

/// The expanded search directories of `roots` (what `QUADLET_UNIT_DIRS`
/// would give), by a release's rules.
pub fn expand_roots(fs: &dyn Fs, roots: &[PathBuf], release: Version) -> Vec<PathBuf> {
    let mut paths = Paths {
        fs,
        sorted: Vec::new(),
        visited: HashSet::new(),
        walk: release < v(5, 3),
    };
    for r in roots {
        paths.append(r, false, None, 0);
    }
    paths.sorted
}

/// The expanded search directories podman's generator reads, in order.
/// `env` looks up environment variables; `uid` is the current user's id
/// (user mode only; `None` if unknown).
pub fn podman_unit_dirs(
    fs: &dyn Fs,
    user: bool,
    env: &dyn Fn(&str) -> Option<String>,
    uid: Option<u32>,
    release: Version,
) -> Vec<PathBuf> {
    let walk = release < v(5, 3);
    let mut paths = Paths {
        fs,
        sorted: Vec::new(),
        visited: HashSet::new(),
        walk,
    };
    if let Some(dirs) = env("QUADLET_UNIT_DIRS").filter(|s| !s.is_empty()) {
        for d in dirs.split(':') {
            if !d.starts_with('/') {
                if walk {
                    // Before 5.3 a relative entry dropped the whole list.
                    return Vec::new();
                }
                break;
            }
            paths.append(Path::new(d), false, None, 0);
        }
        return paths.sorted;
    }
    if walk {
        return walk_dirs(&mut paths, user, env, uid);
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
        // 5.3 filtered out the users directory itself (and added it last).
        let keep_root = release >= v(5, 4);
        let non_numeric = |p: &str, _: bool| {
            if !p.starts_with(&admin_users) {
                return true;
            }
            let parts: Vec<&str> = p.split('/').collect();
            match parts.len().cmp(&level) {
                std::cmp::Ordering::Equal => keep_root,
                std::cmp::Ordering::Greater => !parts[level].bytes().all(|b| b.is_ascii_digit()),
                std::cmp::Ordering::Less => false,
            }
        };
        if let Some(rt) = env("XDG_RUNTIME_DIR") {
            paths.append(&Path::new(&rt).join("containers/systemd"), false, None, 0);
        }
        let Some(config) = config_dir(env) else {
            return paths.sorted;
        };
        paths.append(&config.join("containers/systemd"), false, None, 0);
        // Since 6.0 the distribution's `users` tree is searched after the
        // administrator's. The filters still name only the administrator's
        // tree, so every subdirectory of the distribution's is searched.
        let bases: &[&str] = if release >= v(6, 0) {
            &[UNIT_DIR_ADMIN, UNIT_DIR_DISTRO]
        } else {
            &[UNIT_DIR_ADMIN]
        };
        for base in bases {
            let users = Path::new(base).join("users");
            match uid {
                Some(uid) => {
                    paths.append(&users, true, Some(&non_numeric), 0);
                    paths.append(&users.join(uid.to_string()), true, Some(&user_level), 0);
                    if !keep_root {
                        paths.add(users);
                    }
                }
                None => paths.add(users),
            }
        }
    } else {
        paths.append(Path::new(UNIT_DIR_TEMP), false, Some(&user_level), 0);
        paths.append(Path::new(UNIT_DIR_ADMIN), false, Some(&user_level), 0);
        // The distribution's directory is filtered too since 6.0 (which
        // matters only when a link in it leads to the users tree).
        let distro_filter: Option<Filter> = if release >= v(6, 0) {
            Some(&user_level)
        } else {
            None
        };
        paths.append(Path::new(UNIT_DIR_DISTRO), false, distro_filter, 0);
    }
    paths.sorted
}

/// `os.UserConfigDir`: `$XDG_CONFIG_HOME`, else `$HOME/.config`.
fn config_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    match env("XDG_CONFIG_HOME").filter(|s| !s.is_empty()) {
        Some(c) => Some(PathBuf::from(c)),
        None => env("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| Path::new(&h).join(".config")),
    }
}

/// The search path before podman 5.3: no `/run` directories, and the
/// filters test the unresolved path `/etc/containers/systemd/users` as a
/// substring.
fn walk_dirs(
    paths: &mut Paths,
    user: bool,
    env: &dyn Fn(&str) -> Option<String>,
    uid: Option<u32>,
) -> Vec<PathBuf> {
    let users = format!("{UNIT_DIR_ADMIN}/users");
    let user_level = |p: &str, is_user: bool| !p.contains(users.as_str()) || is_user;
    if !user {
        paths.append(Path::new(UNIT_DIR_ADMIN), false, Some(&user_level), 0);
        paths.append(Path::new(UNIT_DIR_DISTRO), false, None, 0);
        return std::mem::take(&mut paths.sorted);
    }
    // The fifth path component (`/etc/containers/systemd/users/<x>`) must
    // not be numeric; `users` itself has only five and is dropped.
    let non_numeric = |p: &str, _: bool| {
        if !p.contains(users.as_str()) {
            return true;
        }
        let parts: Vec<&str> = p.split('/').collect();
        parts.len() > 5 && !parts[5].bytes().all(|b| b.is_ascii_digit())
    };
    let Some(config) = config_dir(env) else {
        // podman 4 gave up on the whole list.
        return Vec::new();
    };
    paths.append(&config.join("containers/systemd"), false, None, 0);
    match uid {
        Some(uid) => {
            paths.append(Path::new(&users), true, Some(&non_numeric), 0);
            paths.append(
                &Path::new(&users).join(uid.to_string()),
                true,
                Some(&user_level),
                0,
            );
        }
        None => paths.sorted.push(PathBuf::from(&users)),
    }
    std::mem::take(&mut paths.sorted)
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

    const V5_8: Version = Version { major: 5, minor: 8 };
    const V6_0: Version = Version { major: 6, minor: 0 };

    #[test]
    fn system_mode_skips_the_users_tree() {
        let f = fs();
        let d = podman_unit_dirs(&f, false, &env(&[]), None, V5_8);
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
        let d = podman_unit_dirs(&f, true, &env(&[("HOME", "/home/me")]), Some(1000), V5_8);
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
    fn since_6_0_user_mode_also_searches_the_whole_distribution_users_tree() {
        let f = fs()
            .file("/usr/share/containers/systemd/users/1000/d.container", "")
            .file("/usr/share/containers/systemd/users/2000/e.container", "")
            .file("/usr/share/containers/systemd/users/f.container", "");
        let d = podman_unit_dirs(&f, true, &env(&[("HOME", "/home/me")]), Some(1000), V6_0);
        assert_eq!(
            d,
            [
                PathBuf::from("/home/me/.config/containers/systemd"),
                PathBuf::from("/etc/containers/systemd/users"),
                PathBuf::from("/etc/containers/systemd/users/shared"),
                PathBuf::from("/etc/containers/systemd/users/1000"),
                PathBuf::from("/usr/share/containers/systemd/users"),
                PathBuf::from("/usr/share/containers/systemd/users/1000"),
                PathBuf::from("/usr/share/containers/systemd/users/2000"),
            ]
        );
        // Without a uid, both users directories are listed as they are.
        let d = podman_unit_dirs(&f, true, &env(&[("HOME", "/home/me")]), None, V6_0);
        assert_eq!(
            &d[1..],
            [
                PathBuf::from("/etc/containers/systemd/users"),
                PathBuf::from("/usr/share/containers/systemd/users"),
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
            V5_8,
        );
        assert_eq!(d, [PathBuf::from("/srv/q"), PathBuf::from("/srv/q/sub")]);
    }

    #[test]
    fn before_5_3_the_walk_keeps_dropin_dirs_and_drops_the_users_root() {
        let f = fs()
            .file("/etc/containers/systemd/a.container.d/x.conf", "")
            .file("/etc/containers/systemd/users/shared/deep/t.container", "");
        let v49 = Version { major: 4, minor: 9 };
        let d = podman_unit_dirs(&f, false, &env(&[]), None, v49);
        assert_eq!(
            d,
            [
                PathBuf::from("/etc/containers/systemd"),
                PathBuf::from("/etc/containers/systemd/a.container.d"),
                PathBuf::from("/usr/share/containers/systemd"),
            ]
        );
        let d = podman_unit_dirs(&f, true, &env(&[("HOME", "/home/me")]), Some(1000), v49);
        assert_eq!(
            d,
            [
                PathBuf::from("/home/me/.config/containers/systemd"),
                PathBuf::from("/etc/containers/systemd/users/shared"),
                PathBuf::from("/etc/containers/systemd/users/shared/deep"),
                PathBuf::from("/etc/containers/systemd/users/1000"),
            ]
        );
        // No config directory: nothing at all; a relative entry: nothing.
        assert!(podman_unit_dirs(&f, true, &env(&[]), Some(1), v49).is_empty());
        let d = podman_unit_dirs(
            &f,
            false,
            &env(&[("QUADLET_UNIT_DIRS", "/srv/q:rel")]),
            None,
            v49,
        );
        assert!(d.is_empty());
    }

    #[test]
    fn in_5_3_the_users_root_is_skipped_with_its_subdirs_then_added_last() {
        let f = fs();
        let d = podman_unit_dirs(
            &f,
            true,
            &env(&[("HOME", "/home/me")]),
            Some(1000),
            Version { major: 5, minor: 3 },
        );
        assert_eq!(
            d,
            [
                PathBuf::from("/home/me/.config/containers/systemd"),
                PathBuf::from("/etc/containers/systemd/users/1000"),
                PathBuf::from("/etc/containers/systemd/users"),
            ]
        );
    }
}
