//! The converters: one Quadlet unit (merged with its drop-ins) plus the
//! table of all units → the systemd service podman 5.8 generates.
//!
//! Where podman emits a group of flags by iterating a Go map (random order
//! from run to run), we emit them in the fixed order listed in each table
//! below (README "Preview" documents this).

use super::unitfile::UnitFile;
use crate::model::split::SplitError;
use crate::schema::{self, EmitGroup, Version};
use crate::workspace::UnitKind;
use std::collections::HashMap;

pub const UNIT: &str = "Unit";

const fn v(major: u16, minor: u16) -> Version {
    Version { major, minor }
}
const V5_0: Version = v(5, 0);
const V5_2: Version = v(5, 2);
const V5_3: Version = v(5, 3);
const V5_5: Version = v(5, 5);
const V5_6: Version = v(5, 6);
const V5_7: Version = v(5, 7);
const V5_8: Version = v(5, 8);
const V6_0: Version = v(6, 0);
pub const SERVICE: &str = "Service";
pub const QUADLET: &str = "Quadlet";

/// What other units need to know about a unit.
#[derive(Debug, Clone, Default)]
pub struct UnitInfo {
    pub service_name: String,
    pub resource_name: String,
    /// For pods: services of the containers that start with the pod.
    pub containers_to_start: Vec<String>,
}

impl UnitInfo {
    pub fn service_file(&self) -> String {
        format!("{}.service", self.service_name)
    }
}

pub type InfoMap = HashMap<String, UnitInfo>;

/// The environment of one conversion.
pub struct Ctx<'a> {
    pub user: bool,
    /// The podman binary (`$PODMAN` or `/usr/bin/podman`).
    pub podman: &'a str,
    /// Whether a host path exists (for `AddDevice=-…`).
    pub exists: &'a dyn Fn(&str) -> bool,
    /// The podman release line to reproduce.
    pub release: Version,
}

/// A successful conversion.
#[derive(Debug, Clone)]
pub struct Converted {
    pub service: UnitFile,
    pub warnings: Vec<String>,
}

/// A failed conversion: the error and any warnings printed before it.
#[derive(Debug, Clone)]
pub struct Failed {
    pub error: String,
    pub warnings: Vec<String>,
    /// The release's generator crashes here instead (`error` is its
    /// message); nothing after this unit is generated.
    pub panic: bool,
}

type Res<T> = Result<T, Stop>;

pub fn kind_of(filename: &str) -> Option<UnitKind> {
    UnitKind::from_file_name(filename)
}

fn ext_of(name: &str) -> &str {
    match name.rfind('.') {
        Some(p) => &name[p..],
        None => "",
    }
}

fn is_supported_ext(ext: &str) -> bool {
    ext.strip_prefix('.')
        .is_some_and(|e| UnitKind::from_ext(e).is_some())
}

fn remove_extension(name: &str, prefix: &str) -> String {
    let base = match name.rfind('.') {
        Some(p) if p > 0 => &name[..p],
        _ => name,
    };
    format!("{prefix}{base}")
}

// ---------------------------------------------------------------------------
// Names

pub fn service_name(unit: &UnitFile, kind: UnitKind, release: Version) -> String {
    // ServiceName= arrived in 5.3.
    if let Some(n) = unit
        .lookup(kind.section(), "ServiceName")
        .filter(|_| release >= V5_3)
    {
        return n;
    }
    let mut base = remove_extension(&unit.filename, "");
    let mut suffix = kind.service_suffix().to_string();
    // Since 5.7 a template keeps its `@` at the end: `foo@.volume` gives
    // `foo-volume@.service` (before, `foo@-volume.service`).
    if base.ends_with('@') && release >= V5_7 {
        base.pop();
        suffix.push('@');
    }
    base + &suffix
}

/// Whether a unit file is a template (`foo@.container`), not an instance
/// (`foo@bar.container`) or a plain unit.
fn is_template(filename: &str) -> bool {
    remove_extension(filename, "").ends_with('@')
}

fn container_name(unit: &UnitFile, release: Version) -> String {
    match unit.lookup_nonempty("Container", "ContainerName") {
        Some(n) => n,
        // Templates got `%p_%i` in 5.2.
        None if unit.filename.contains('@') && release >= V5_2 => "systemd-%p_%i".into(),
        None => "systemd-%N".into(),
    }
}

fn resource_name(unit: &UnitFile, group: &str, key: &str, release: Version) -> String {
    match unit.lookup_nonempty(group, key) {
        Some(n) => n,
        None => {
            let mut r = remove_extension(&unit.filename, "systemd-");
            // Since 5.7 a template's volume or network is named per instance.
            if unit.filename.contains('@') && release >= V5_7 {
                r.pop();
                r.push_str("-%i");
            }
            r
        }
    }
}

fn container_resource_name(unit: &UnitFile, release: Version) -> String {
    let name = container_name(unit, release)
        .replace("%N", &service_name(unit, UnitKind::Container, release));
    if name.contains('%') {
        String::new()
    } else {
        name
    }
}

fn pod_resource_name(unit: &UnitFile) -> String {
    unit.lookup_nonempty("Pod", "PodName")
        .unwrap_or_else(|| remove_extension(&unit.filename, "systemd-"))
}

/// The entry of the unit table before any conversion.
pub fn initial_info(unit: &UnitFile, kind: UnitKind, release: Version) -> UnitInfo {
    let service_name = service_name(unit, kind, release);
    let resource_name = match kind {
        // Containers can be joined as networks since 5.3.
        UnitKind::Container if release >= V5_3 => container_resource_name(unit, release),
        UnitKind::Build => unit
            .lookup_all("Build", "ImageTag")
            .into_iter()
            .next()
            .unwrap_or_default(),
        // Containers join a pod by its name since 5.6 (before, by its
        // pod-id file, named after the pod's service).
        UnitKind::Pod if release >= V5_6 => pod_resource_name(unit),
        _ => String::new(),
    };
    UnitInfo {
        service_name,
        resource_name,
        containers_to_start: Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// Command line

struct Cmd {
    args: Vec<String>,
}

impl Cmd {
    fn add<S: Into<String>>(&mut self, s: S) {
        self.args.push(s.into());
    }
    fn add2<A: Into<String>, B: Into<String>>(&mut self, a: A, b: B) {
        self.args.push(a.into());
        self.args.push(b.into());
    }
    fn add_bool(&mut self, flag: &str, v: bool) {
        if v {
            self.add(flag);
        } else {
            self.add(format!("{flag}=false"));
        }
    }
}

fn base_cmd(ctx: &Ctx, unit: &UnitFile, group: &str) -> Cmd {
    let mut c = Cmd {
        args: vec![ctx.podman.to_string()],
    };
    for m in unit.lookup_all(group, "ContainersConfModule") {
        c.add(format!("--module={m}"));
    }
    c.args.extend(unit.lookup_all_args(group, "GlobalArgs"));
    c
}

/// Emits the keys of one generic emitter group of `group`, as the key table
/// lists them for the release (flag, order, releases).
fn emit(
    ctx: &Ctx,
    unit: &UnitFile,
    group: &str,
    kind: EmitGroup,
    c: &mut Cmd,
    warnings: &mut Vec<String>,
) {
    for e in schema::table().emitters(group, kind) {
        if e.applies(ctx.release) {
            emit_row(unit, group, kind, &e.key, &e.flag, c, warnings);
        }
    }
}

/// The key table's podman flag for a key: the one source of the flags of
/// table-driven keys, also where older releases emitted them in code.
fn table_flag(section: &str, key: &str) -> &'static str {
    // `--entrypoint=VALUE` in the table: the flag is the part before `=`.
    match schema::table()
        .get(section, key)
        .and_then(|k| k.flag.as_deref())
    {
        Some(f) => f.strip_suffix("=VALUE").unwrap_or(f),
        // Only reached with the generator's own key names, never input's;
        // the conformance tests of every line run each of them.
        None => panic!("the key table has no flag for {section} {key}"),
    }
}

/// [`emit`] for one key of the group.
fn emit_key(
    ctx: &Ctx,
    unit: &UnitFile,
    group: &str,
    kind: EmitGroup,
    key: &str,
    c: &mut Cmd,
    warnings: &mut Vec<String>,
) {
    for e in schema::table().emitters(group, kind) {
        if e.key == key && e.applies(ctx.release) {
            emit_row(unit, group, kind, &e.key, &e.flag, c, warnings);
        }
    }
}

/// One key by its emitter's rule. A flag ending in `=` takes its value in
/// the same word (`--arch=VALUE`, podman before 5.3).
fn emit_row(
    unit: &UnitFile,
    group: &str,
    kind: EmitGroup,
    key: &str,
    flag: &str,
    c: &mut Cmd,
    warnings: &mut Vec<String>,
) {
    let add = |c: &mut Cmd, v: String| {
        if flag.ends_with('=') {
            c.add(format!("{flag}{v}"));
        } else {
            c.add2(flag, v);
        }
    };
    match kind {
        EmitGroup::String | EmitGroup::Health => {
            if let Some(v) = unit.lookup_nonempty(group, key) {
                add(c, v);
            }
        }
        EmitGroup::Strings => {
            for v in unit.lookup_all(group, key) {
                add(c, v);
            }
        }
        EmitGroup::Bool => {
            if let Some(v) = unit.lookup_bool(group, key) {
                c.add_bool(flag, v);
            }
        }
        EmitGroup::Keyval => {
            let (map, errs) = unit.lookup_all_key_val(group, key);
            warnings.extend(errs.iter().map(SplitError::to_string));
            for (k, v) in map {
                match v {
                    Some(v) => add(c, format!("{k}={v}")),
                    None => add(c, k),
                }
            }
        }
    }
}

fn add_podman_args(unit: &UnitFile, group: &str, c: &mut Cmd) {
    c.args.extend(unit.lookup_all_args(group, "PodmanArgs"));
}

// ---------------------------------------------------------------------------
// Shared handlers

fn starts_with_specifier(p: &str) -> bool {
    p.starts_with('%') && !p.starts_with("%%")
}

/// Go's `filepath.Clean`.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

fn dir_of(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean_path(&p[..=i]),
        None => ".".into(),
    }
}

fn absolute_path(unit: &UnitFile, p: &str) -> String {
    if !starts_with_specifier(p) && !p.starts_with('/') {
        let base = if unit.path.is_empty() {
            "/".to_string()
        } else {
            dir_of(&unit.path)
        };
        return clean_path(&format!("{base}/{p}"));
    }
    p.to_string()
}

fn is_url(s: &str) -> bool {
    // ^((https?)|(git)://)|(github\.com/).+$ — note the alternation: either
    // the start matches `http`, `https` or `git://`, or `github.com/` plus
    // at least one character appears anywhere before the end.
    if s.starts_with("http") || s.starts_with("git://") {
        return true;
    }
    if let Some(i) = s.find("github.com/") {
        return s.len() > i + "github.com/".len();
    }
    false
}

fn is_port_range(p: &str) -> bool {
    // \d+(-\d+)?(/udp|/tcp)?$ unanchored at the start: some suffix matches.
    let b = p.as_bytes();
    let mut end = b.len();
    if p.ends_with("/udp") || p.ends_with("/tcp") {
        end -= 4;
    }
    // Need digits (optionally digits '-' digits) ending at `end`.
    let digits_before = |e: usize| -> usize {
        let mut i = e;
        while i > 0 && b[i - 1].is_ascii_digit() {
            i -= 1;
        }
        e - i
    };
    let n = digits_before(end);
    if n > 0 {
        return true;
    }
    // With the protocol suffix absent from the match, the digits may end
    // right at the string end instead.
    end != b.len() && digits_before(b.len()) > 0
}

/// The service of a referenced unit file before 5.3, when podman derived
/// it from the file name (`db.network` -> `db-network.service`).
fn derived_service(name: &str, kind: UnitKind) -> String {
    format!(
        "{}{}.service",
        remove_extension(name, ""),
        kind.service_suffix()
    )
}

/// The resource name podman before 5.3 knew for a referenced unit: the
/// name of one already converted, if any.
fn converted_name<'a>(infos: &'a InfoMap, name: &str) -> Option<&'a str> {
    infos
        .get(name)
        .map(|i| i.resource_name.as_str())
        .filter(|n| !n.is_empty())
}

fn handle_image_source(
    ctx: &Ctx,
    name: &str,
    service: &mut UnitFile,
    infos: &InfoMap,
) -> Res<String> {
    let mut name = name.to_string();
    // `.build` images arrived in 5.2.
    let suffixes: &[&str] = if ctx.release >= V5_2 {
        &[".build", ".image"]
    } else {
        &[".image"]
    };
    for suffix in suffixes {
        if !name.ends_with(suffix) {
            continue;
        }
        if ctx.release < V5_3 {
            // Only images converted before count; podman before 5.2 named
            // the missing one with the empty string.
            let Some(resolved) = converted_name(infos, &name) else {
                let shown = if ctx.release < V5_2 {
                    ""
                } else {
                    name.as_str()
                };
                return Err(format!("requested Quadlet image {shown} was not found").into());
            };
            let kind = UnitKind::from_file_name(&name).unwrap_or(UnitKind::Image);
            let svc = derived_service(&name, kind);
            service.add(UNIT, "Requires", &svc);
            service.add(UNIT, "After", &svc);
            name = resolved.to_string();
            continue;
        }
        let info = infos
            .get(&name)
            .ok_or_else(|| format!("requested Quadlet image {name} was not found"))?;
        let svc = info.service_file();
        service.add(UNIT, "Requires", &svc);
        service.add(UNIT, "After", &svc);
        name = info.resource_name.clone();
    }
    Ok(name)
}

/// Why a conversion stopped: podman's error, or (before 5.7, for a mount
/// without a source) a crash of the whole generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Error(String),
    Panic(String),
}

impl From<String> for Stop {
    fn from(e: String) -> Self {
        Stop::Error(e)
    }
}

impl From<&str> for Stop {
    fn from(e: &str) -> Self {
        Stop::Error(e.to_string())
    }
}

/// The message of podman's crash on an empty storage source.
pub const EMPTY_SOURCE_PANIC: &str = "panic: runtime error: index out of range [0] with length 0";

fn handle_storage_source(
    ctx: &Ctx,
    unit: &UnitFile,
    service: &mut UnitFile,
    source: &str,
    infos: &InfoMap,
    check_image: bool,
) -> Result<String, Stop> {
    if source.is_empty() {
        // Before 5.7 podman indexed the empty string and crashed.
        if ctx.release < V5_7 {
            return Err(Stop::Panic(EMPTY_SOURCE_PANIC.into()));
        }
        return Err("source cannot be empty".into());
    }
    let mut source = source.to_string();
    if source.starts_with('.') {
        source = absolute_path(unit, &source);
    }
    if source.starts_with('/') {
        // Escaped since 5.8.
        if ctx.release >= V5_8 {
            service.add_escaped(UNIT, "RequiresMountsFor", &source);
        } else {
            service.add(UNIT, "RequiresMountsFor", &source);
        }
    } else if ctx.release < V5_3 {
        // Before 5.3 only volumes are resolved, by file name, whether or
        // not the unit exists.
        if source.ends_with(".volume") {
            let name = converted_name(infos, &source)
                .map(str::to_string)
                .unwrap_or_else(|| remove_extension(&source, "systemd-"));
            let svc = derived_service(&source, UnitKind::Volume);
            service.add(UNIT, "Requires", &svc);
            service.add(UNIT, "After", &svc);
            source = name;
        }
    } else if source.ends_with(".volume")
        || (check_image && source.ends_with(".image"))
        || (source.ends_with(".artifact") && ctx.release >= V5_7)
    {
        let info = infos
            .get(&source)
            .ok_or_else(|| format!("requested Quadlet source {source} was not found"))?;
        let svc = info.service_file();
        service.add(UNIT, "Requires", &svc);
        service.add(UNIT, "After", &svc);
        source = info.resource_name.clone();
    }
    Ok(source)
}

fn add_networks(
    ctx: &Ctx,
    unit: &UnitFile,
    group: &str,
    service: &mut UnitFile,
    infos: &InfoMap,
    c: &mut Cmd,
) -> Res<()> {
    for network in unit.lookup_all(group, "Network") {
        if network.is_empty() {
            continue;
        }
        let (name, options) = match network.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (network.as_str(), None),
        };
        if ctx.release < V5_3 {
            // Before 5.3: `--network=NAME`, a `.network` resolved by file
            // name (converted or not); no joining other containers.
            let mut value = network.clone();
            if name.ends_with(".network") {
                let resolved = converted_name(infos, name)
                    .map(str::to_string)
                    .unwrap_or_else(|| remove_extension(name, "systemd-"));
                let svc = derived_service(name, UnitKind::Network);
                service.add(UNIT, "Requires", &svc);
                service.add(UNIT, "After", &svc);
                value = match options {
                    Some(o) => format!("{resolved}:{o}"),
                    None => resolved,
                };
            }
            c.add(format!("--network={value}"));
            continue;
        }
        let is_net = name.ends_with(".network");
        let is_ctr = name.ends_with(".container");
        let mut value = network.clone();
        if is_net || is_ctr {
            let info = infos
                .get(name)
                .ok_or_else(|| format!("requested Quadlet unit {name} was not found"))?;
            if info.resource_name.is_empty() {
                return Err(format!("cannot get the resource name of {name}").into());
            }
            let svc = info.service_file();
            service.add(UNIT, "Requires", &svc);
            service.add(UNIT, "After", &svc);
            value =
                match (options, is_ctr) {
                    (Some(_), true) => return Err(
                        "extra options are not supported when joining another container's network"
                            .into(),
                    ),
                    (Some(o), false) => format!("{}:{o}", info.resource_name),
                    (None, true) => format!("container:{}", info.resource_name),
                    (None, false) => info.resource_name.clone(),
                };
        }
        c.add2("--network", value);
    }
    Ok(())
}

fn add_volumes(
    ctx: &Ctx,
    unit: &UnitFile,
    service: &mut UnitFile,
    group: &str,
    infos: &InfoMap,
    c: &mut Cmd,
) -> Res<()> {
    for volume in unit.lookup_all(group, "Volume") {
        let parts: Vec<&str> = volume.splitn(3, ':').collect();
        let (mut source, dest) = if parts.len() >= 2 {
            (parts[0].to_string(), parts[1])
        } else {
            (String::new(), parts[0])
        };
        let options = if parts.len() >= 3 {
            format!(":{}", parts[2])
        } else {
            String::new()
        };
        if !source.is_empty() {
            source = handle_storage_source(ctx, unit, service, &source, infos, false)?;
        }
        c.add("-v");
        if source.is_empty() {
            c.add(dest);
        } else {
            c.add(format!("{source}:{dest}{options}"));
        }
    }
    Ok(())
}

fn handle_user(ctx: &Ctx, unit: &UnitFile, group: &str, c: &mut Cmd) -> Res<()> {
    let user = unit.lookup_nonempty(group, "User");
    let grp = unit.lookup_nonempty(group, "Group");
    match (user, grp) {
        (None, Some(_)) => Err("invalid Group set without User".into()),
        (None, None) => Ok(()),
        (Some(u), None) => {
            c.add2("--user", u);
            Ok(())
        }
        // One `--user=U:G` word before 5.3.
        (Some(u), Some(g)) if ctx.release < V5_3 => {
            c.add(format!("--user={u}:{g}"));
            Ok(())
        }
        (Some(u), Some(g)) => {
            c.add2("--user", format!("{u}:{g}"));
            Ok(())
        }
    }
}

fn userns_opts(kind: &str, opts: &[String]) -> String {
    if opts.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}:{}", opts.join(","))
    }
}

fn handle_user_mappings(
    ctx: &Ctx,
    unit: &UnitFile,
    group: &str,
    c: &mut Cmd,
    manual: bool,
) -> Res<()> {
    // Before 5.3 the maps were `--uidmap=M` words and the remapped user
    // namespace one `--userns=…` word.
    let old = ctx.release < V5_3;
    let map = |c: &mut Cmd, flag: &str, m: String| {
        if old {
            c.add(format!("{flag}={m}"));
        } else {
            c.add2(flag, m);
        }
    };
    let mut defined = false;
    if let Some(u) = unit.lookup_nonempty(group, "UserNS") {
        c.add2("--userns", u);
        defined = true;
    }
    let uid_maps = unit.lookup_all_strv(group, "UIDMap");
    defined |= !uid_maps.is_empty();
    for m in uid_maps {
        map(c, "--uidmap", m);
    }
    let gid_maps = unit.lookup_all_strv(group, "GIDMap");
    defined |= !gid_maps.is_empty();
    for m in gid_maps {
        map(c, "--gidmap", m);
    }
    if let Some(v) = unit.lookup_nonempty(group, "SubUIDMap") {
        c.add2("--subuidname", v);
        defined = true;
    }
    if let Some(v) = unit.lookup_nonempty(group, "SubGIDMap") {
        c.add2("--subgidname", v);
        defined = true;
    }
    if defined {
        if unit.has_key(group, "RemapUid")
            || unit.has_key(group, "RemapGid")
            || unit.has_key(group, "RemapUsers")
        {
            return Err("deprecated Remap keys are set along with explicit mapping keys".into());
        }
        return Ok(());
    }
    let uid_maps = unit.lookup_all_strv(group, "RemapUid");
    let gid_maps = unit.lookup_all_strv(group, "RemapGid");
    let remap = unit
        .lookup_last(group, "RemapUsers")
        .unwrap_or("")
        .to_string();
    match remap.as_str() {
        "" => {
            if !uid_maps.is_empty() {
                return Err("UidMap set without RemapUsers".into());
            }
            if !gid_maps.is_empty() {
                return Err("GidMap set without RemapUsers".into());
            }
        }
        "manual" => {
            if !manual {
                return Err("RemapUsers=manual is not supported".into());
            }
            for m in uid_maps {
                map(c, "--uidmap", m);
            }
            for m in gid_maps {
                map(c, "--gidmap", m);
            }
        }
        "auto" => {
            let mut opts: Vec<String> = Vec::new();
            opts.extend(uid_maps.iter().map(|m| format!("uidmapping={m}")));
            opts.extend(gid_maps.iter().map(|m| format!("gidmapping={m}")));
            let size = unit.lookup_u32(group, "RemapUidSize", 0);
            if size > 0 {
                opts.push(format!("size={size}"));
            }
            map(c, "--userns", userns_opts("auto", &opts));
        }
        "keep-id" => {
            // Refused for system units before 5.3.
            if old && !ctx.user {
                return Err("RemapUsers=keep-id is unsupported for system units".into());
            }
            let mut opts: Vec<String> = Vec::new();
            if !uid_maps.is_empty() {
                if uid_maps.len() > 1 {
                    return Err(
                        "RemapUsers=keep-id supports only a single value for UID mapping".into(),
                    );
                }
                opts.push(format!("uid={}", uid_maps[0]));
            }
            if !gid_maps.is_empty() {
                if gid_maps.len() > 1 {
                    return Err(
                        "RemapUsers=keep-id supports only a single value for GID mapping".into(),
                    );
                }
                opts.push(format!("gid={}", gid_maps[0]));
            }
            map(c, "--userns", userns_opts("keep-id", &opts));
        }
        other => return Err(format!("unsupported RemapUsers option '{other}'").into()),
    }
    Ok(())
}

fn handle_log(unit: &UnitFile, group: &str, c: &mut Cmd) {
    if let Some(d) = unit.lookup(group, "LogDriver") {
        c.add2("--log-driver", d);
    }
    for o in unit.lookup_all_strv(group, "LogOpt") {
        c.add2("--log-opt", o);
    }
}

fn handle_publish_ports(ctx: &Ctx, unit: &UnitFile, group: &str, c: &mut Cmd) -> Res<()> {
    for p in unit.lookup_all(group, "PublishPort") {
        if ctx.release < V5_3 {
            c.add("--publish");
            c.add(old_publish_port(&p)?);
        } else {
            c.add2("--publish", p);
        }
    }
    Ok(())
}

/// Before 5.3 podman parsed `[ip:][hostPort:]containerPort` itself (an IPv6
/// address in brackets may hold colons), checked the ports, dropped the
/// address `0.0.0.0` and wrote the value back.
fn old_publish_port(value: &str) -> Res<String> {
    let value = value.trim();
    let mut parts: Vec<&str> = Vec::new();
    let b = value.as_bytes();
    let (mut start, mut end) = (0usize, 0usize);
    while end < b.len() {
        match b[end] {
            b'[' => {
                end += 1;
                while end < b.len() && b[end] != b']' {
                    end += 1;
                }
                if end < b.len() {
                    end += 1;
                }
            }
            b':' => {
                parts.push(&value[start..end]);
                end += 1;
                start = end;
            }
            _ => end += 1,
        }
    }
    parts.push(&value[start..end]);
    let (mut ip, host, ctr) = match parts.as_slice() {
        [c] => ("", "", *c),
        [h, c] => ("", *h, *c),
        [i, h, c] => (*i, *h, *c),
        _ => return Err(format!("invalid published port '{value}'").into()),
    };
    if ip == "0.0.0.0" {
        ip = "";
    }
    for port in [host, ctr] {
        if !port.is_empty() && !is_port_range(port) {
            return Err(format!("invalid port format '{port}'").into());
        }
    }
    Ok(match (ip.is_empty(), host.is_empty()) {
        (false, false) => format!("{ip}:{host}:{ctr}"),
        (false, true) => format!("{ip}::{ctr}"),
        (true, false) => format!("{host}:{ctr}"),
        (true, true) => ctr.to_string(),
    })
}

fn handle_set_working_directory(
    ctx: &Ctx,
    unit: &UnitFile,
    service: &mut UnitFile,
    group: &str,
) -> Res<String> {
    // Before 5.2 (kube units only) a `WorkingDirectory=` of the service was
    // checked first, so a bad value then went unnoticed.
    let early = ctx.release < V5_2;
    if early && unit.lookup_nonempty(SERVICE, "WorkingDirectory").is_some() {
        return Ok(String::new());
    }
    let Some(swd) = unit.lookup_nonempty(group, "SetWorkingDirectory") else {
        return Ok(String::new());
    };
    let mut relative_to = String::new();
    let mut context = String::new();
    match swd.to_lowercase().as_str() {
        "yaml" => {
            if group != "Kube" {
                return Err(
                    format!("SetWorkingDirectory={swd} is only supported in .kube files").into(),
                );
            }
            // One Yaml= (the last) before 5.7.
            if ctx.release < V5_7 {
                relative_to = unit
                    .lookup(group, "Yaml")
                    .ok_or_else(|| "no Yaml key specified".to_string())?;
                return finish_working_directory(unit, service, &relative_to, String::new());
            }
            let yamls = unit.lookup_all_strv("Kube", "Yaml");
            if yamls.is_empty() {
                return Err("no Yaml key specified".into());
            } else if yamls.len() != 1 {
                return Err(
                    "SetWorkingDirectory=yaml is only supported when a single Yaml key is provided"
                        .into(),
                );
            }
            relative_to = yamls[0].clone();
        }
        "file" => {
            if group != "Build" {
                return Err(
                    format!("SetWorkingDirectory={swd} is only supported in .build files").into(),
                );
            }
            relative_to = unit
                .lookup(group, "File")
                .ok_or_else(|| "no File key specified".to_string())?;
        }
        "unit" => relative_to = unit.path.clone(),
        _ => {
            if group != "Build" {
                return Err(format!("unsupported value for WorkingDirectory: {swd} ").into());
            }
            context = swd.clone();
            if !context.starts_with('/') {
                relative_to = unit.path.clone();
            }
        }
    }
    finish_working_directory(unit, service, &relative_to, context)
}

fn finish_working_directory(
    unit: &UnitFile,
    service: &mut UnitFile,
    relative_to: &str,
    context: String,
) -> Res<String> {
    if !relative_to.is_empty() && !is_url(&context) {
        if unit.lookup_nonempty(SERVICE, "WorkingDirectory").is_some() {
            return Ok(String::new());
        }
        let f = absolute_path(unit, relative_to);
        service.add(SERVICE, "WorkingDirectory", &dir_of(&f));
    }
    Ok(context)
}

fn default_oneshot(ctx: &Ctx, service: &mut UnitFile, remain: bool) {
    if ctx.release < V5_3 {
        // Before 5.3 these replaced the unit's own values.
        service.set(SERVICE, "Type", "oneshot");
        if remain {
            service.set(SERVICE, "RemainAfterExit", "yes");
        }
        service.set(SERVICE, "SyslogIdentifier", "%N");
        return;
    }
    if service.lookup(SERVICE, "SyslogIdentifier").is_none() {
        service.set(SERVICE, "SyslogIdentifier", "%N");
    }
    if service.lookup(SERVICE, "Type").is_none() {
        service.set(SERVICE, "Type", "oneshot");
    }
    if remain && service.lookup(SERVICE, "RemainAfterExit").is_none() {
        service.set(SERVICE, "RemainAfterExit", "yes");
    }
}

fn translate_dependencies(service: &mut UnitFile, infos: &InfoMap) -> Res<()> {
    for key in crate::model::DEPENDENCY_KEYS {
        let deps = service.lookup_all_strv(UNIT, key);
        if deps.is_empty() {
            continue;
        }
        let mut out = Vec::with_capacity(deps.len());
        let mut translated = false;
        for dep in deps {
            if is_supported_ext(ext_of(&dep)) {
                let info = infos
                    .get(&dep)
                    .ok_or_else(|| format!("unable to translate dependency for {dep}"))?;
                out.push(info.service_file());
                translated = true;
            } else {
                out.push(dep);
            }
        }
        if translated {
            service.unset(UNIT, key);
            service.add(UNIT, key, &out.join(" "));
        }
    }
    Ok(())
}

fn init_service(ctx: &Ctx, unit: &UnitFile, infos: &InfoMap, kind: UnitKind) -> Res<UnitFile> {
    let group = kind.section();
    let info = infos.get(&unit.filename).ok_or_else(|| {
        format!(
            "internal error while processing container {}",
            unit.filename
        )
    })?;
    // The `[Quadlet]` group arrived in 5.3; before, it was any other group.
    let groups: &[&str] = if ctx.release >= V5_3 {
        &[group, QUADLET]
    } else {
        &[group]
    };
    for &g in groups {
        for key in unit.list_keys(g) {
            let known = schema::table()
                .get(g, key)
                .is_some_and(|k| k.accepted_in(ctx.release));
            if !known {
                return Err(
                    format!("unsupported key '{key}' in group '{g}' in {}", unit.path).into(),
                );
            }
        }
    }
    let mut service = UnitFile {
        rules: unit.rules,
        groups: Vec::new(),
        filename: info.service_file(),
        path: String::new(),
    };
    service.merge(unit);
    // `[Unit]` dependencies on Quadlet files are translated since 5.5.
    if ctx.release >= V5_5 {
        translate_dependencies(&mut service, infos)?;
    }
    // The default network dependency: since 5.2 for containers, images and
    // builds, since 5.3 for every unit, switchable with `[Quadlet]` and with
    // podman's own waiting service in user mode.
    let default_deps = if ctx.release >= V5_3 {
        service.lookup_bool_or(QUADLET, "DefaultDependencies", true)
    } else {
        ctx.release >= V5_2
            && matches!(
                kind,
                UnitKind::Container | UnitKind::Image | UnitKind::Build
            )
    };
    if default_deps {
        let target = if ctx.user && ctx.release >= V5_3 {
            "podman-user-wait-network-online.service"
        } else {
            "network-online.target"
        };
        service.prepend_line(UNIT, "After", target);
        service.prepend_line(UNIT, "Wants", target);
    }
    // Before 5.6 each converter set up its own service: a .build wrote
    // `RequiresMountsFor` before `SourcePath`, a .container wrote it after
    // the image's dependencies (see `convert_container`), and before 5.3
    // volumes and networks had no `SourcePath`.
    let mounts_first = ctx.release < V5_6 && kind == UnitKind::Build;
    let mounts_later = ctx.release < V5_6 && kind == UnitKind::Container;
    let source_path = ctx.release >= V5_3 || !matches!(kind, UnitKind::Volume | UnitKind::Network);
    if mounts_first {
        service.add(UNIT, "RequiresMountsFor", "%t/containers");
    }
    if !unit.path.is_empty() && source_path {
        service.add(UNIT, "SourcePath", &unit.path);
    }
    if !mounts_first && !mounts_later {
        service.add(UNIT, "RequiresMountsFor", "%t/containers");
    }
    service.rename_group(group, &format!("X-{group}"));
    if ctx.release >= V5_3 {
        service.rename_group(QUADLET, "X-Quadlet");
    }
    Ok(service)
}

// ---------------------------------------------------------------------------
// Converters

pub fn convert(
    ctx: &Ctx,
    unit: &UnitFile,
    kind: UnitKind,
    infos: &mut InfoMap,
) -> Result<Converted, Failed> {
    let mut warnings = Vec::new();
    let r = match kind {
        UnitKind::Container => convert_container(ctx, unit, infos, &mut warnings),
        UnitKind::Volume => convert_volume(ctx, unit, infos, &mut warnings),
        UnitKind::Network => convert_network(ctx, unit, infos, &mut warnings),
        UnitKind::Kube => convert_kube(ctx, unit, infos),
        UnitKind::Image => convert_image(ctx, unit, infos, &mut warnings),
        UnitKind::Build => convert_build(ctx, unit, infos, &mut warnings),
        UnitKind::Artifact => convert_artifact(ctx, unit, infos, &mut warnings),
        UnitKind::Pod => convert_pod(ctx, unit, infos, &mut warnings),
    };
    match r {
        Ok(service) => Ok(Converted { service, warnings }),
        Err(Stop::Error(error)) => Err(Failed {
            error,
            warnings,
            panic: false,
        }),
        Err(Stop::Panic(error)) => Err(Failed {
            error,
            warnings,
            panic: true,
        }),
    }
}

fn set_resource(infos: &mut InfoMap, unit: &UnitFile, name: String) {
    if let Some(i) = infos.get_mut(&unit.filename) {
        i.resource_name = name;
    }
}

fn check_kill_mode(service: &mut UnitFile) -> Res<()> {
    match service.lookup(SERVICE, "KillMode") {
        Some(m) if m == "mixed" || m == "control-group" => Ok(()),
        Some(m) => Err(format!("invalid KillMode '{m}'").into()),
        None => {
            service.set(SERVICE, "KillMode", "mixed");
            Ok(())
        }
    }
}

fn convert_container(
    ctx: &Ctx,
    unit: &UnitFile,
    infos: &mut InfoMap,
    warnings: &mut Vec<String>,
) -> Res<UnitFile> {
    const G: &str = "Container";
    let mut service = init_service(ctx, unit, infos, UnitKind::Container)?;
    let mut image = unit.lookup(G, "Image").unwrap_or_default();
    let rootfs = unit.lookup(G, "Rootfs").unwrap_or_default();
    if image.is_empty() && rootfs.is_empty() {
        return Err("no Image or Rootfs key specified".into());
    }
    if !image.is_empty() && !rootfs.is_empty() {
        return Err("the Image And Rootfs keys conflict can not be specified together".into());
    }
    if !image.is_empty() {
        image = handle_image_source(ctx, &image, &mut service, infos)?;
    }
    let name = container_name(unit, ctx.release);
    service.add(SERVICE, "Environment", "PODMAN_SYSTEMD_UNIT=%n");
    check_kill_mode(&mut service)?;
    if ctx.release < V5_6 {
        // Before 5.6 this came after the image's dependencies.
        service.add(UNIT, "RequiresMountsFor", "%t/containers");
    }

    // Before 5.6 the container id went to a file that the stop commands
    // used; later they name the container.
    let target = if ctx.release < V5_6 {
        "--cidfile=%t/%N.cid".to_string()
    } else {
        name.clone()
    };
    let mut stop = base_cmd(ctx, unit, G);
    stop.args.extend(["rm", "-v", "-f", "-i"].map(String::from));
    stop.add(target);
    service.add_cmdline(SERVICE, "ExecStop", &stop.args);
    stop.args[0] = format!("-{}", stop.args[0]);
    service.add_cmdline(SERVICE, "ExecStopPost", &stop.args);

    // ExecReload
    let signal = unit.lookup_nonempty(G, "ReloadSignal");
    let reload = match unit.lookup_last_args(G, "ReloadCmd") {
        Ok(v) => v.filter(|a| !a.is_empty()),
        Err(e) => {
            warnings.push(e.to_string());
            None
        }
    };
    match (reload, signal) {
        (Some(_), Some(_)) => {
            return Err("ReloadCmd and ReloadSignal are mutually exclusive but both are set".into())
        }
        (Some(cmd), None) => {
            let mut r = base_cmd(ctx, unit, G);
            r.add2("exec", name.clone());
            r.args.extend(cmd);
            service.add_cmdline(SERVICE, "ExecReload", &r.args);
        }
        (None, Some(sig)) => {
            let mut r = base_cmd(ctx, unit, G);
            r.add2("kill", "--signal");
            r.add2(sig, name.clone());
            service.add_cmdline(SERVICE, "ExecReload", &r.args);
        }
        (None, None) => {}
    }

    let mut c = base_cmd(ctx, unit, G);
    c.add("run");
    let mut run = RunCtx {
        ctx,
        unit,
        service: &mut service,
        infos,
        warnings,
        name: &name,
        image: &image,
        rootfs: &rootfs,
    };
    // podman 5.3 rebuilt the converter around tables of flags; before, each
    // key had its own code, in another order and mostly as `--flag=value`.
    let steps = if ctx.release >= V5_3 {
        RUN_STEPS
    } else {
        RUN_STEPS_OLD
    };
    for step in steps {
        run.step(*step, &mut c)?;
    }
    service.add_cmdline(SERVICE, "ExecStart", &c.args);
    Ok(service)
}

/// One piece of the `podman run` command line of a container. The order of
/// the pieces is [`RUN_STEPS`] (5.3 and later) or [`RUN_STEPS_OLD`].
#[derive(Debug, Clone, Copy)]
enum Run {
    Name,
    CidFile,
    ReplaceRm,
    Log,
    Cgroups,
    Entrypoint,
    Group(EmitGroup),
    Networks,
    Notify,
    NoNewPrivileges,
    LabelDisable,
    LabelNested,
    LabelOpts,
    AppArmor,
    Devices,
    Seccomp,
    Capabilities,
    Sysctl,
    ReadOnly,
    VolatileTmp,
    User,
    UserMappings,
    Volumes,
    AutoUpdate,
    Expose,
    Publish,
    Masks,
    EnvFiles,
    Secrets,
    Mounts,
    Pod,
    PodmanArgs,
    Image,
    Exec,
    // Keys with their own code before 5.3 (in the tables later).
    Key(&'static str),
}

const RUN_STEPS: &[Run] = &[
    Run::Name,
    Run::CidFile,
    Run::ReplaceRm,
    Run::Log,
    Run::Cgroups,
    Run::Entrypoint,
    Run::Group(EmitGroup::String),
    Run::Group(EmitGroup::Strings),
    Run::Group(EmitGroup::Bool),
    Run::Networks,
    Run::Notify,
    Run::NoNewPrivileges,
    Run::LabelDisable,
    Run::LabelNested,
    Run::LabelOpts,
    Run::AppArmor,
    Run::Devices,
    Run::Seccomp,
    Run::Capabilities,
    Run::Sysctl,
    Run::ReadOnly,
    Run::VolatileTmp,
    Run::User,
    Run::UserMappings,
    Run::Volumes,
    Run::AutoUpdate,
    Run::Expose,
    Run::Publish,
    Run::Group(EmitGroup::Keyval),
    Run::Masks,
    Run::EnvFiles,
    Run::Secrets,
    Run::Mounts,
    Run::Group(EmitGroup::Health),
    Run::Pod,
    Run::PodmanArgs,
    Run::Image,
    Run::Exec,
];

/// podman 4.4 to 5.2 (v4.9.5's order, with the keys 5.0 to 5.2 added).
const RUN_STEPS_OLD: &[Run] = &[
    Run::Name,
    Run::CidFile,
    Run::ReplaceRm,
    Run::Log,
    Run::Cgroups,
    Run::Key("Timezone"),
    Run::Networks,
    Run::Key("NetworkAlias"),
    Run::Key("RunInit"),
    Run::Notify,
    Run::NoNewPrivileges,
    Run::LabelDisable,
    Run::LabelNested,
    Run::Key("PidsLimit"),
    Run::LabelOpts,
    Run::Key("Ulimit"),
    Run::Devices,
    Run::Seccomp,
    Run::Key("DNS"),
    Run::Key("DNSOption"),
    Run::Key("DNSSearch"),
    Run::Capabilities,
    Run::Key("ShmSize"),
    Run::Entrypoint,
    Run::Sysctl,
    Run::ReadOnly,
    Run::Key("ReadOnlyTmpfs"),
    Run::VolatileTmp,
    Run::User,
    Run::Key("WorkingDir"),
    Run::UserMappings,
    Run::Key("GroupAdd"),
    Run::Key("Tmpfs"),
    Run::Volumes,
    Run::AutoUpdate,
    Run::Expose,
    Run::Publish,
    Run::Key("Environment"),
    Run::Key("IP"),
    Run::Key("IP6"),
    Run::Key("Label"),
    Run::Key("Annotation"),
    Run::Masks,
    Run::EnvFiles,
    Run::Key("EnvironmentHost"),
    Run::Secrets,
    Run::Mounts,
    Run::Group(EmitGroup::Health),
    Run::Key("HostName"),
    Run::Key("Pull"),
    Run::Pod,
    Run::Key("StopSignal"),
    Run::Key("StopTimeout"),
    Run::PodmanArgs,
    Run::Image,
    Run::Exec,
];

struct RunCtx<'a, 'c> {
    ctx: &'a Ctx<'c>,
    unit: &'a UnitFile,
    service: &'a mut UnitFile,
    infos: &'a mut InfoMap,
    warnings: &'a mut Vec<String>,
    name: &'a str,
    image: &'a str,
    rootfs: &'a str,
}

impl RunCtx<'_, '_> {
    fn step(&mut self, step: Run, c: &mut Cmd) -> Res<()> {
        const G: &str = "Container";
        let (ctx, unit) = (self.ctx, self.unit);
        let old = ctx.release < V5_3;
        // `--flag=value` before 5.3, `--flag value` later.
        let flag = |c: &mut Cmd, f: &str, v: String| {
            if old {
                c.add(format!("{f}={v}"));
            } else {
                c.add2(f, v);
            }
        };
        match step {
            Run::Name => flag(c, "--name", self.name.to_string()),
            Run::CidFile => {
                if ctx.release < V5_6 {
                    c.add("--cidfile=%t/%N.cid");
                }
            }
            Run::ReplaceRm => c.add2("--replace", "--rm"),
            Run::Log => {
                handle_log(unit, G, c);
                self.service.add(SERVICE, "Delegate", "yes");
            }
            Run::Cgroups => match unit.lookup_nonempty(G, "CgroupsMode") {
                Some(m) => c.add2("--cgroups", m),
                None => c.add("--cgroups=split"),
            },
            Run::Entrypoint => {
                // 5.0 to 5.2: `--entrypoint=V` whenever the key is set; 5.3 to
                // 5.7: a string-table row (empty skipped); 5.8.2 again
                // `--entrypoint=V`, so that `Entrypoint=` clears the image's.
                if ctx.release >= V5_8 || old {
                    if let Some(e) = unit.lookup(G, "Entrypoint") {
                        c.add(format!("{}={e}", table_flag(G, "Entrypoint")));
                    }
                }
            }
            Run::Group(g) => emit(ctx, unit, G, g, c, self.warnings),
            Run::Networks => add_networks(ctx, unit, G, self.service, self.infos, c)?,
            Run::Notify => {
                let stype = self.service.lookup(SERVICE, "Type");
                if let Some(t) = &stype {
                    if t != "notify" && t != "oneshot" {
                        return Err(format!("invalid service Type '{t}'").into());
                    }
                }
                if stype.as_deref() != Some("oneshot") {
                    let notify = unit.lookup(G, "Notify");
                    // `Notify=healthy` arrived in 5.0.
                    if ctx.release >= V5_0
                        && notify
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case("healthy"))
                    {
                        c.add("--sdnotify=healthy");
                    } else if unit.lookup_bool_or(G, "Notify", false) {
                        c.add("--sdnotify=container");
                    } else {
                        c.add("--sdnotify=conmon");
                    }
                    self.service.set(SERVICE, "Type", "notify");
                    self.service.set(SERVICE, "NotifyAccess", "all");
                    c.add("-d");
                }
                if !unit.has_key(SERVICE, "SyslogIdentifier") {
                    self.service.set(SERVICE, "SyslogIdentifier", "%N");
                }
            }
            Run::NoNewPrivileges => {
                if unit.lookup_bool_or(G, "NoNewPrivileges", false) {
                    c.add("--security-opt=no-new-privileges");
                }
            }
            // `label:disable` and `label:nested` before 5.3.
            Run::LabelDisable => {
                if unit.lookup_bool_or(G, "SecurityLabelDisable", false) {
                    c.add2(
                        "--security-opt",
                        if old {
                            "label:disable"
                        } else {
                            "label=disable"
                        },
                    );
                }
            }
            Run::LabelNested => {
                if unit.lookup_bool_or(G, "SecurityLabelNested", false) {
                    c.add2(
                        "--security-opt",
                        if old { "label:nested" } else { "label=nested" },
                    );
                }
            }
            Run::LabelOpts => {
                for (key, prefix) in [
                    ("SecurityLabelType", "label=type:"),
                    ("SecurityLabelFileType", "label=filetype:"),
                    ("SecurityLabelLevel", "label=level:"),
                ] {
                    if let Some(v) = unit.lookup_nonempty(G, key) {
                        c.add2("--security-opt", format!("{prefix}{v}"));
                    }
                }
            }
            Run::AppArmor => {
                if let Some(v) = unit.lookup_nonempty(G, "AppArmor") {
                    c.add2("--security-opt", format!("apparmor={v}"));
                }
            }
            Run::Devices => {
                for dev in unit.lookup_all_strv(G, "AddDevice") {
                    let dev = match dev.strip_prefix('-') {
                        Some(rest) => {
                            let host = rest.split(':').next().unwrap_or("");
                            if !(ctx.exists)(host) {
                                continue;
                            }
                            rest.to_string()
                        }
                        None => dev,
                    };
                    flag(c, "--device", dev);
                }
            }
            Run::Seccomp => {
                if let Some(s) = unit.lookup(G, "SeccompProfile") {
                    c.add2("--security-opt", format!("seccomp={s}"));
                }
            }
            Run::Capabilities => {
                for cap in unit.lookup_all_strv(G, "DropCapability") {
                    flag(c, "--cap-drop", cap.to_lowercase());
                }
                for cap in unit.lookup_all_strv(G, "AddCapability") {
                    flag(c, "--cap-add", cap.to_lowercase());
                }
            }
            Run::Sysctl => {
                for s in unit.lookup_all_strv(G, "Sysctl") {
                    flag(c, "--sysctl", s);
                }
            }
            Run::ReadOnly => {
                if let Some(ro) = unit.lookup_bool(G, "ReadOnly") {
                    c.add_bool("--read-only", ro);
                }
            }
            Run::VolatileTmp => {
                let read_only = unit.lookup_bool(G, "ReadOnly");
                if unit.lookup_bool_or(G, "VolatileTmp", false) && read_only != Some(true) {
                    c.add2("--tmpfs", "/tmp:rw,size=512M,mode=1777");
                }
            }
            Run::User => handle_user(ctx, unit, G, c)?,
            Run::UserMappings => handle_user_mappings(ctx, unit, G, c, true)?,
            Run::Volumes => add_volumes(ctx, unit, self.service, G, self.infos, c)?,
            Run::AutoUpdate => {
                if let Some(u) = unit.lookup_nonempty(G, "AutoUpdate") {
                    c.add2("--label", format!("io.containers.autoupdate={u}"));
                }
            }
            Run::Expose => {
                for p in unit.lookup_all(G, "ExposeHostPort") {
                    let p = p.trim();
                    if !is_port_range(p) {
                        return Err(format!("invalid port format '{p}'").into());
                    }
                    flag(c, "--expose", p.to_string());
                }
            }
            Run::Publish => handle_publish_ports(ctx, unit, G, c)?,
            Run::Masks => {
                for m in unit.lookup_all_args(G, "Mask") {
                    c.add2("--security-opt", format!("mask={m}"));
                }
                for m in unit.lookup_all_args(G, "Unmask") {
                    c.add2("--security-opt", format!("unmask={m}"));
                }
            }
            Run::EnvFiles => {
                for f in unit.lookup_all_args(G, "EnvironmentFile") {
                    c.add2("--env-file", absolute_path(unit, &f));
                }
            }
            Run::Secrets => {
                for s in unit.lookup_all_args(G, "Secret") {
                    c.add2("--secret", s);
                }
            }
            Run::Mounts => {
                for m in unit.lookup_all_args(G, "Mount") {
                    let m = resolve_mount(ctx, unit, self.service, &m, self.infos)?;
                    c.add2("--mount", m);
                }
            }
            Run::Pod => {
                let Some(pod) = unit.lookup_nonempty(G, "Pod") else {
                    return Ok(());
                };
                if !pod.ends_with(".pod") {
                    return Err(format!("pod {pod} is not Quadlet based").into());
                }
                let Some(info) = self.infos.get_mut(&pod) else {
                    return Err(format!("quadlet pod unit {pod} does not exist").into());
                };
                if ctx.release < V5_6 {
                    // Before 5.6 the pod was joined through its id file.
                    c.add2("--pod-id-file", format!("%t/{}.pod-id", info.service_name));
                } else {
                    c.add2("--pod", info.resource_name.clone());
                }
                let svc = info.service_file();
                // Since 6.0 a template is not started with the pod: the pod
                // cannot want a service that has no instance.
                let template = ctx.release >= V6_0 && is_template(&unit.filename);
                if !template && unit.lookup_bool_or(G, "StartWithPod", true) {
                    info.containers_to_start.push(self.service.filename.clone());
                }
                self.service.add(UNIT, "BindsTo", &svc);
                self.service.add(UNIT, "After", &svc);
            }
            Run::PodmanArgs => add_podman_args(unit, G, c),
            Run::Image => {
                if !self.image.is_empty() {
                    c.add(self.image);
                } else {
                    c.add2("--rootfs", self.rootfs);
                }
            }
            Run::Exec => match unit.lookup_last_args(G, "Exec") {
                Ok(Some(a)) => c.args.extend(a),
                Ok(None) => {}
                Err(e) => self.warnings.push(e.to_string()),
            },
            Run::Key(key) => self.old_key(key, c)?,
        }
        Ok(())
    }

    /// The keys that had their own code before podman 5.3. Their flags come
    /// from the key table, as the later table rows' do.
    fn old_key(&mut self, key: &str, c: &mut Cmd) -> Res<()> {
        const G: &str = "Container";
        let unit = self.unit;
        let last = || unit.lookup(G, key);
        let nonempty = || unit.lookup_nonempty(G, key);
        let f = table_flag(G, key);
        match key {
            "Timezone" => {
                if let Some(v) = nonempty() {
                    c.add(format!("{f}={v}"));
                }
            }
            "NetworkAlias" => {
                for v in unit.lookup_all(G, key) {
                    c.add2(f, v);
                }
            }
            "StopSignal" | "StopTimeout" | "PidsLimit" | "IP" | "IP6" | "Pull" => {
                if let Some(v) = nonempty() {
                    c.add2(f, v);
                }
            }
            "RunInit" | "ReadOnlyTmpfs" | "EnvironmentHost" => {
                if let Some(v) = unit.lookup_bool(G, key) {
                    c.add_bool(f, v);
                }
            }
            "Ulimit" => {
                // One value before 5.0, every value since.
                if self.ctx.release >= V5_0 {
                    for v in unit.lookup_all(G, key) {
                        c.add2(f, v);
                    }
                } else if let Some(v) = nonempty() {
                    c.add2(f, v);
                }
            }
            "DNS" | "DNSOption" | "DNSSearch" | "GroupAdd" => {
                for v in unit.lookup_all(G, key) {
                    c.add(format!("{f}={v}"));
                }
            }
            // Written whenever the key is set, even empty.
            "ShmSize" => {
                if let Some(v) = last() {
                    c.add(format!("{f}={v}"));
                }
            }
            // Before 5.3 podman wrote the short `-w`, not the table's flag.
            "WorkingDir" => {
                if let Some(v) = last() {
                    c.add(format!("-w={v}"));
                }
            }
            "HostName" => {
                if let Some(v) = last() {
                    c.add2(f, v);
                }
            }
            "Tmpfs" => {
                for v in unit.lookup_all(G, key) {
                    if v.matches(':').count() > 1 {
                        return Err(format!("invalid tmpfs format '{v}'").into());
                    }
                    c.add2(f, v);
                }
            }
            "Environment" | "Label" | "Annotation" => {
                emit_key(self.ctx, unit, G, EmitGroup::Keyval, key, c, self.warnings);
            }
            _ => {}
        }
        Ok(())
    }
}

fn convert_network(
    ctx: &Ctx,
    unit: &UnitFile,
    infos: &mut InfoMap,
    warnings: &mut Vec<String>,
) -> Res<UnitFile> {
    const G: &str = "Network";
    let mut service = init_service(ctx, unit, infos, UnitKind::Network)?;
    let name = resource_name(unit, G, "NetworkName", ctx.release);
    if unit.lookup_bool_or(G, "NetworkDeleteOnStop", false) {
        let mut s = base_cmd(ctx, unit, G);
        s.add2("network", "rm");
        s.add(name.clone());
        service.add_cmdline(SERVICE, "ExecStopPost", &s.args);
    }
    let mut c = base_cmd(ctx, unit, G);
    c.args
        .extend(["network", "create", "--ignore"].map(String::from));
    // Before 5.3 each key had its own code: `--flag=value` words, and the
    // booleans only when true.
    let old = ctx.release < V5_3;
    let flag = |c: &mut Cmd, f: &str, v: String| {
        if old {
            c.add(format!("{f}={v}"));
        } else {
            c.add2(f, v);
        }
    };
    if old {
        if unit.lookup_bool_or(G, "DisableDNS", false) {
            c.add(table_flag(G, "DisableDNS"));
        }
        for v in unit.lookup_all(G, "DNS") {
            flag(&mut c, table_flag(G, "DNS"), v);
        }
        if let Some(d) = unit.lookup_nonempty(G, "Driver") {
            flag(&mut c, table_flag(G, "Driver"), d);
        }
    } else {
        emit(ctx, unit, G, EmitGroup::Bool, &mut c, warnings);
        emit(ctx, unit, G, EmitGroup::String, &mut c, warnings);
        emit(ctx, unit, G, EmitGroup::Strings, &mut c, warnings);
    }
    let subnets = unit.lookup_all(G, "Subnet");
    let gateways = unit.lookup_all(G, "Gateway");
    let ranges = unit.lookup_all(G, "IPRange");
    if !subnets.is_empty() {
        if gateways.len() > subnets.len() {
            return Err("cannot set more gateways than subnets".into());
        }
        if ranges.len() > subnets.len() {
            return Err("cannot set more ranges than subnets".into());
        }
        for (i, s) in subnets.iter().enumerate() {
            flag(&mut c, "--subnet", s.clone());
            if let Some(g) = gateways.get(i) {
                flag(&mut c, "--gateway", g.clone());
            }
            if let Some(r) = ranges.get(i) {
                flag(&mut c, "--ip-range", r.clone());
            }
        }
    } else if !ranges.is_empty() || !gateways.is_empty() {
        return Err("cannot set gateway or range without subnet".into());
    }
    if old {
        if unit.lookup_bool_or(G, "Internal", false) {
            c.add(table_flag(G, "Internal"));
        }
        if let Some(d) = unit.lookup_nonempty(G, "IPAMDriver") {
            flag(&mut c, table_flag(G, "IPAMDriver"), d);
        }
        if unit.lookup_bool_or(G, "IPv6", false) {
            c.add(table_flag(G, "IPv6"));
        }
    }
    emit(ctx, unit, G, EmitGroup::Keyval, &mut c, warnings);
    add_podman_args(unit, G, &mut c);
    c.add(name.clone());
    service.add_cmdline(SERVICE, "ExecStart", &c.args);
    default_oneshot(ctx, &mut service, true);
    set_resource(infos, unit, name);
    Ok(service)
}

fn convert_volume(
    ctx: &Ctx,
    unit: &UnitFile,
    infos: &mut InfoMap,
    warnings: &mut Vec<String>,
) -> Res<UnitFile> {
    const G: &str = "Volume";
    let mut service = init_service(ctx, unit, infos, UnitKind::Volume)?;
    let name = resource_name(unit, G, "VolumeName", ctx.release);
    let mut c = base_cmd(ctx, unit, G);
    c.args
        .extend(["volume", "create", "--ignore"].map(String::from));
    // UID= and GID= (6.0) come first, as given, even when empty.
    for (key, flag) in [("UID", "--uid"), ("GID", "--gid")] {
        if let Some(id) = unit.lookup(G, key).filter(|_| ctx.release >= V6_0) {
            c.add2(flag, id);
        }
    }
    let driver = unit.lookup(G, "Driver");
    if let Some(d) = &driver {
        // One `--driver=D` word before 5.3.
        if ctx.release < V5_3 {
            c.add(format!("--driver={d}"));
        } else {
            c.add2("--driver", d.clone());
        }
    }
    let mut opts = String::new();
    if driver.as_deref() == Some("image") {
        opts.push_str("image=");
        let img = unit
            .lookup(G, "Image")
            .ok_or_else(|| "the key Image is mandatory when using the image driver".to_string())?;
        let img = handle_image_source(ctx, &img, &mut service, infos)?;
        opts.push_str(&img);
    } else {
        opts.push_str("o=");
        if unit.has_key(G, "User") {
            let uid = unit.lookup_u32(G, "User", 0);
            if opts.len() > 2 {
                opts.push(',');
            }
            opts.push_str(&format!("uid={uid}"));
        }
        if unit.has_key(G, "Group") {
            let gid = unit.lookup_u32(G, "Group", 0);
            if opts.len() > 2 {
                opts.push(',');
            }
            opts.push_str(&format!("gid={gid}"));
        }
        if let Some(copy) = unit.lookup_bool(G, "Copy") {
            c.add2("--opt", if copy { "copy" } else { "nocopy" });
        }
        let dev = unit.lookup_nonempty(G, "Device");
        if let Some(d) = &dev {
            c.add2("--opt", format!("device={d}"));
        }
        if let Some(t) = unit.lookup_nonempty(G, "Type") {
            match &dev {
                Some(d) => {
                    c.add2("--opt", format!("type={t}"));
                    // A bind volume needs its device's mount since 5.6.
                    if t == "bind" && ctx.release >= V5_6 {
                        service.add_escaped(UNIT, "RequiresMountsFor", d);
                    }
                }
                None => return Err("key Type can't be used without Device".into()),
            }
        }
        if let Some(o) = unit.lookup_nonempty(G, "Options") {
            // Options= no longer needs Device= since 6.0.
            if dev.is_some() || ctx.release >= V6_0 {
                if opts.len() > 2 {
                    opts.push(',');
                }
                opts.push_str(&o);
            } else {
                return Err("key Options can't be used without Device".into());
            }
        }
    }
    if opts.len() > 2 {
        c.add2("--opt", opts);
    }
    emit(ctx, unit, G, EmitGroup::Keyval, &mut c, warnings);
    add_podman_args(unit, G, &mut c);
    c.add(name.clone());
    service.add_cmdline(SERVICE, "ExecStart", &c.args);
    default_oneshot(ctx, &mut service, true);
    set_resource(infos, unit, name);
    Ok(service)
}

fn convert_kube(ctx: &Ctx, unit: &UnitFile, infos: &mut InfoMap) -> Res<UnitFile> {
    const G: &str = "Kube";
    let mut service = init_service(ctx, unit, infos, UnitKind::Kube)?;
    // Several Yaml= since 5.7; before, the last one.
    let yamls = if ctx.release >= V5_7 {
        unit.lookup_all_strv(G, "Yaml")
    } else {
        unit.lookup_nonempty(G, "Yaml").into_iter().collect()
    };
    if yamls.is_empty() {
        return Err("no Yaml key specified".into());
    }
    let yamls: Vec<String> = yamls.iter().map(|y| absolute_path(unit, y)).collect();
    check_kill_mode(&mut service)?;
    service.add(SERVICE, "Environment", "PODMAN_SYSTEMD_UNIT=%n");
    let stype = service.lookup(SERVICE, "Type");
    if let Some(t) = &stype {
        if t != "notify" && t != "oneshot" {
            return Err(format!("invalid service Type '{t}'").into());
        }
    }
    if stype.as_deref() != Some("oneshot") {
        service.set(SERVICE, "Type", "notify");
        service.set(SERVICE, "NotifyAccess", "all");
    }
    if !unit.has_key(SERVICE, "SyslogIdentifier") {
        service.set(SERVICE, "SyslogIdentifier", "%N");
    }
    let mut c = base_cmd(ctx, unit, G);
    c.add2("kube", "play");
    c.add2("--replace", "--service-container=true");
    if let Some(e) = unit.lookup_nonempty(G, "ExitCodePropagation") {
        c.add(format!("--service-exit-code-propagation={e}"));
    }
    handle_log(unit, G, &mut c);
    handle_user_mappings(ctx, unit, G, &mut c, false)?;
    add_networks(ctx, unit, G, &mut service, infos, &mut c)?;
    for u in unit.lookup_all_strv(G, "AutoUpdate") {
        let mut annotation = "--annotation=io.containers.autoupdate".to_string();
        let mut typ = u.clone();
        if let Some((ctr, t)) = u.split_once('/') {
            annotation.push('/');
            annotation.push_str(ctr);
            typ = t.to_string();
        }
        c.add(format!("{annotation}={typ}"));
    }
    for cm in unit.lookup_all_strv(G, "ConfigMap") {
        c.add2("--configmap", absolute_path(unit, &cm));
    }
    handle_publish_ports(ctx, unit, G, &mut c)?;
    add_podman_args(unit, G, &mut c);
    c.args.extend(yamls.iter().cloned());
    service.add_cmdline(SERVICE, "ExecStart", &c.args);
    let mut stop = base_cmd(ctx, unit, G);
    stop.add2("kube", "down");
    if let Some(f) = unit.lookup_bool(G, "KubeDownForce") {
        stop.add_bool("--force", f);
    }
    stop.args.extend(yamls);
    service.add_cmdline(SERVICE, "ExecStopPost", &stop.args);
    handle_set_working_directory(ctx, unit, &mut service, G)?;
    Ok(service)
}

fn convert_image(
    ctx: &Ctx,
    unit: &UnitFile,
    infos: &mut InfoMap,
    warnings: &mut Vec<String>,
) -> Res<UnitFile> {
    const G: &str = "Image";
    let mut service = init_service(ctx, unit, infos, UnitKind::Image)?;
    let Some(image) = unit.lookup_nonempty(G, "Image") else {
        return Err("no Image key specified".into());
    };
    let mut c = base_cmd(ctx, unit, G);
    c.add2("image", "pull");
    emit(ctx, unit, G, EmitGroup::String, &mut c, warnings);
    emit(ctx, unit, G, EmitGroup::Bool, &mut c, warnings);
    add_podman_args(unit, G, &mut c);
    c.add(image.clone());
    service.add_cmdline(SERVICE, "ExecStart", &c.args);
    default_oneshot(ctx, &mut service, true);
    let name = unit.lookup_nonempty(G, "ImageTag").unwrap_or(image);
    set_resource(infos, unit, name);
    Ok(service)
}

/// Whether `File=` needs no working directory: absolute, or (since 5.7)
/// starting with a specifier.
fn file_is_absolute(ctx: &Ctx, file: &str) -> bool {
    file.starts_with('/') || (ctx.release >= V5_7 && starts_with_specifier(file))
}

fn convert_build(
    ctx: &Ctx,
    unit: &UnitFile,
    infos: &mut InfoMap,
    warnings: &mut Vec<String>,
) -> Res<UnitFile> {
    const G: &str = "Build";
    let no_tag = infos
        .get(&unit.filename)
        .is_none_or(|i| i.resource_name.is_empty());
    // Before 5.6 a missing ImageTag failed before the unknown keys.
    if no_tag && ctx.release < V5_6 {
        return Err("no ImageTag key specified".into());
    }
    let mut service = init_service(ctx, unit, infos, UnitKind::Build)?;
    if no_tag {
        return Err("no ImageTag key specified".into());
    }
    let mut c = base_cmd(ctx, unit, G);
    c.add("build");
    if let Some(p) = unit.lookup_nonempty(G, "Pull") {
        c.add(format!("--pull={p}"));
    }
    emit(ctx, unit, G, EmitGroup::String, &mut c, warnings);
    emit(ctx, unit, G, EmitGroup::Bool, &mut c, warnings);
    emit(ctx, unit, G, EmitGroup::Strings, &mut c, warnings);
    emit(ctx, unit, G, EmitGroup::Keyval, &mut c, warnings);
    add_networks(ctx, unit, G, &mut service, infos, &mut c)?;
    for s in unit.lookup_all_args(G, "Secret") {
        c.add2("--secret", s);
    }
    add_volumes(ctx, unit, &mut service, G, infos, &mut c)?;
    let context = handle_set_working_directory(ctx, unit, &mut service, G)?;
    let wd = service
        .lookup(SERVICE, "WorkingDirectory")
        .unwrap_or_default();
    let file = unit.lookup(G, "File").unwrap_or_default();
    if wd.is_empty() && file.is_empty() && context.is_empty() {
        return Err("neither SetWorkingDirectory, nor File key specified".into());
    }
    if !file.is_empty() {
        c.add2("--file", file.clone());
    }
    add_podman_args(unit, G, &mut c);
    if !context.is_empty() {
        c.add(context);
    } else if !file_is_absolute(ctx, &file) && !is_url(&file) {
        if wd.is_empty() {
            return Err(
                "relative path in File key requires SetWorkingDirectory key to be set".into(),
            );
        }
        c.add(wd);
    }
    service.add_cmdline(SERVICE, "ExecStart", &c.args);
    default_oneshot(ctx, &mut service, false);
    Ok(service)
}

fn convert_artifact(
    ctx: &Ctx,
    unit: &UnitFile,
    infos: &mut InfoMap,
    warnings: &mut Vec<String>,
) -> Res<UnitFile> {
    const G: &str = "Artifact";
    let mut service = init_service(ctx, unit, infos, UnitKind::Artifact)?;
    let Some(name) = unit.lookup_nonempty(G, "Artifact") else {
        return Err("no Artifact key specified".into());
    };
    let mut c = base_cmd(ctx, unit, G);
    c.add2("artifact", "pull");
    emit(ctx, unit, G, EmitGroup::String, &mut c, warnings);
    emit(ctx, unit, G, EmitGroup::Bool, &mut c, warnings);
    add_podman_args(unit, G, &mut c);
    c.add(name.clone());
    service.add_cmdline(SERVICE, "ExecStart", &c.args);
    default_oneshot(ctx, &mut service, true);
    set_resource(infos, unit, name);
    Ok(service)
}

fn convert_pod(
    ctx: &Ctx,
    unit: &UnitFile,
    infos: &mut InfoMap,
    warnings: &mut Vec<String>,
) -> Res<UnitFile> {
    const G: &str = "Pod";
    let mut service = init_service(ctx, unit, infos, UnitKind::Pod)?;
    let name = pod_resource_name(unit);
    let to_start = infos
        .get(&unit.filename)
        .map(|i| i.containers_to_start.clone())
        .unwrap_or_default();
    for s in &to_start {
        service.add(UNIT, "Wants", s);
        service.add(UNIT, "Before", s);
    }
    if !unit.has_key(SERVICE, "SyslogIdentifier") {
        service.set(SERVICE, "SyslogIdentifier", "%N");
    }
    // Before 5.6 the pod's id went to a file that every command used.
    let id_file = ctx.release < V5_6;
    let mut start = base_cmd(ctx, unit, G);
    start.add2("pod", "start");
    if id_file {
        start.add("--pod-id-file=%t/%N.pod-id");
    } else {
        start.add(name.clone());
    }
    service.add_cmdline(SERVICE, "ExecStart", &start.args);

    let mut stop = base_cmd(ctx, unit, G);
    stop.add2("pod", "stop");
    if id_file {
        stop.add("--pod-id-file=%t/%N.pod-id");
    }
    let timeout = unit.lookup(G, "StopTimeout").unwrap_or_else(|| "10".into());
    stop.add2("--ignore", format!("--time={timeout}"));
    if !id_file {
        stop.add(name.clone());
    }
    service.add_cmdline(SERVICE, "ExecStop", &stop.args);

    let mut post = base_cmd(ctx, unit, G);
    post.add2("pod", "rm");
    if id_file {
        post.add("--pod-id-file=%t/%N.pod-id");
    }
    post.add2("--ignore", "--force");
    if !id_file {
        post.add(name.clone());
    }
    service.add_cmdline(SERVICE, "ExecStopPost", &post.args);

    let mut pre = base_cmd(ctx, unit, G);
    pre.add2("pod", "create");
    if id_file {
        // The exit policy was fixed before 5.6 (no ExitPolicy key).
        pre.add("--infra-conmon-pidfile=%t/%N.pid");
        pre.add2("--pod-id-file=%t/%N.pod-id", "--exit-policy=stop");
        pre.add("--replace");
    } else {
        pre.add2("--infra-conmon-pidfile=%t/%N.pid", "--replace");
        pre.add("--exit-policy");
        pre.add(
            unit.lookup(G, "ExitPolicy")
                .unwrap_or_else(|| "stop".into()),
        );
    }
    // User namespaces for pods arrived in 5.3.
    if ctx.release >= V5_3 {
        handle_user_mappings(ctx, unit, G, &mut pre, true)?;
    }
    handle_publish_ports(ctx, unit, G, &mut pre)?;
    emit(ctx, unit, G, EmitGroup::Keyval, &mut pre, warnings);
    add_networks(ctx, unit, G, &mut service, infos, &mut pre)?;
    emit(ctx, unit, G, EmitGroup::String, &mut pre, warnings);
    emit(ctx, unit, G, EmitGroup::Strings, &mut pre, warnings);
    add_volumes(ctx, unit, &mut service, G, infos, &mut pre)?;
    // The infra container got its own name in 5.3; before, `--name=NAME`.
    if ctx.release >= V5_3 {
        pre.add2("--infra-name", format!("{name}-infra"));
        pre.add2("--name", name);
    } else {
        pre.add(format!("--name={name}"));
    }
    add_podman_args(unit, G, &mut pre);
    service.add_cmdline(SERVICE, "ExecStartPre", &pre.args);
    // Before 5.6 this replaced the unit's own last `Environment=`.
    if ctx.release < V5_6 {
        service.set(SERVICE, "Environment", "PODMAN_SYSTEMD_UNIT=%n");
    } else {
        service.add(SERVICE, "Environment", "PODMAN_SYSTEMD_UNIT=%n");
    }
    service.set(SERVICE, "Type", "forking");
    if ctx.release >= V6_0 {
        // Since 6.0 the unit's own `Restart=` is kept; the default comes
        // last, only when there is none.
        service.set(SERVICE, "PIDFile", "%t/%N.pid");
        if !unit.has_key(SERVICE, "Restart") {
            service.set(SERVICE, "Restart", "on-failure");
        }
    } else {
        service.set(SERVICE, "Restart", "on-failure");
        service.set(SERVICE, "PIDFile", "%t/%N.pid");
    }
    Ok(service)
}

// ---------------------------------------------------------------------------
// Mount= (CSV, as Go's encoding/csv reads and writes it)

fn resolve_mount(
    ctx: &Ctx,
    unit: &UnitFile,
    service: &mut UnitFile,
    mount: &str,
    infos: &InfoMap,
) -> Res<String> {
    let records = csv_read(mount)?;
    if records.len() != 1 {
        return Err("incorrect mount format: should be --mount type=<bind|glob|tmpfs|volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]".into());
    }
    let mut tokens: Vec<String> = Vec::new();
    let mut mount_type: Option<String> = None;
    for s in &records[0] {
        let kv: Vec<&str> = s.split('=').collect();
        if mount_type.is_some() || kv.len() != 2 || kv[0] != "type" {
            tokens.push(s.clone());
            continue;
        }
        mount_type = Some(kv[1].to_string());
    }
    // A mount without `type=` is a volume since 5.6; an error before.
    let mount_type = match mount_type {
        Some(t) => t,
        None if ctx.release >= V5_6 => "volume".into(),
        None => return Err("incorrect mount format: should be --mount type=<bind|glob|tmpfs|volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]".into()),
    };
    // Sources are resolved for image mounts since 5.3, artifacts since 5.7.
    let resolved_type = match mount_type.as_str() {
        "volume" | "bind" | "glob" => true,
        "image" => ctx.release >= V5_3,
        "artifact" => ctx.release >= V5_7,
        _ => false,
    };
    if !resolved_type {
        return Ok(mount.to_string());
    }
    let mut source_index: Option<usize> = None;
    let mut original = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let (k, v) = match t.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (t.as_str(), None),
        };
        if k == "source" || k == "src" {
            let Some(v) = v else {
                return Err("source parameter does not include a value".into());
            };
            source_index = Some(i);
            original = v.to_string();
        }
    }
    if ctx.release >= V6_0 && original.is_empty() {
        // Since 6.0 a volume mount may leave out its source (an anonymous
        // volume); the other types still need one.
        if mount_type != "volume" {
            return Err(format!("source parameter is required for mount type {mount_type}").into());
        }
    } else {
        let resolved = handle_storage_source(ctx, unit, service, &original, infos, true)?;
        // With no source the empty source is refused above, so an index exists.
        if let Some(i) = source_index {
            tokens[i] = format!("source={resolved}");
        }
    }
    tokens.insert(0, format!("type={mount_type}"));
    Ok(csv_write(&tokens))
}

/// Go's `csv.Reader.ReadAll` with default settings.
fn csv_read(input: &str) -> Res<Vec<Vec<String>>> {
    let mut records = Vec::new();
    let lines: Vec<&str> = input.split('\n').collect();
    let mut li = 0usize;
    while li < lines.len() {
        let mut line = lines[li].trim_end_matches('\r').to_string();
        li += 1;
        if line.is_empty() {
            continue;
        }
        let record_line = li;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars: Vec<char> = line.chars().collect();
        let mut i = 0usize;
        loop {
            if chars.get(i) == Some(&'"') {
                // Quoted field.
                i += 1;
                loop {
                    match chars.get(i) {
                        Some('"') => {
                            if chars.get(i + 1) == Some(&'"') {
                                field.push('"');
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(&c) => {
                            field.push(c);
                            i += 1;
                        }
                        None => {
                            if li < lines.len() {
                                field.push('\n');
                                line = lines[li].to_string();
                                li += 1;
                                chars = line.chars().collect();
                                i = 0;
                            } else {
                                return Err(format!(
                                    "record on line {record_line}; parse error on line {}, column {}: extraneous or missing \" in quoted-field",
                                    li + 1,
                                    0
                                ).into());
                            }
                        }
                    }
                }
                match chars.get(i) {
                    None => {
                        fields.push(std::mem::take(&mut field));
                        break;
                    }
                    Some(',') => {
                        fields.push(std::mem::take(&mut field));
                        i += 1;
                    }
                    Some(_) => {
                        return Err(format!(
                            "parse error on line {li}, column {}: extraneous or missing \" in quoted-field",
                            i + 1
                        ).into());
                    }
                }
            } else {
                let rest: String = chars[i.min(chars.len())..].iter().collect();
                let end = rest.find(',');
                let f = match end {
                    Some(e) => &rest[..e],
                    None => rest.as_str(),
                };
                if let Some(q) = f.find('"') {
                    return Err(format!(
                        "parse error on line {li}, column {}: bare \" in non-quoted field",
                        i + f[..q].chars().count() + 1
                    )
                    .into());
                }
                fields.push(f.to_string());
                match end {
                    Some(e) => i += rest[..e].chars().count() + 1,
                    None => break,
                }
            }
        }
        records.push(fields);
    }
    Ok(records)
}

/// Go's `csv.Writer` for one record, without the final newline.
fn csv_write(fields: &[String]) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let needs = !f.is_empty()
            && (f == "\\."
                || f.contains([',', '"', '\r', '\n'])
                || f.chars().next().is_some_and(char::is_whitespace));
        if needs {
            out.push('"');
            for c in f.chars() {
                if c == '"' {
                    out.push_str("\"\"");
                } else {
                    out.push(c);
                }
            }
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_clean() {
        assert_eq!(clean_path("/a/./b/../c/"), "/a/c");
        assert_eq!(clean_path("/../x"), "/x");
        assert_eq!(dir_of("/a/b/c.yml"), "/a/b");
    }

    #[test]
    fn csv_round_trip() {
        let r = csv_read("type=bind,\"src=a,b\",dst=/x").unwrap();
        assert_eq!(r, vec![vec!["type=bind", "src=a,b", "dst=/x"]]);
        assert_eq!(csv_write(&r[0]), "type=bind,\"src=a,b\",dst=/x");
        assert!(csv_read("a\"b").is_err());
    }

    #[test]
    fn port_ranges() {
        assert!(is_port_range("80"));
        assert!(is_port_range("80-90/udp"));
        assert!(is_port_range("x80"));
        assert!(!is_port_range("abc"));
    }
}
