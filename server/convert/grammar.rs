//! podman's command-line grammar, as far as a converter needs it: which
//! words are flags, which flags take a value, where the image is.
//!
//! podman parses flags the way Go's `pflag` does:
//! * `--flag=value` and `--flag value` for a flag with a value; a boolean
//!   flag never takes the next word (`--rm false` makes `false` the image),
//!   only `--flag=false`;
//! * short flags combine: `-dit`, `-dp 8080:80`, `-p8080:80`, `-p=8080:80`;
//! * `--` ends the flags;
//! * `run` and `create` stop at the first word that is not a flag (the
//!   image): every word after it is the container's command, even `-x`.
//!
//! The flags of each subcommand are the podman flags of the key table
//! (`schemas/quadlet-keys.json`, the `flag` of each key of the unit's
//! section) plus podman's other flags, listed below by name (podman 5.8 and
//! 6.x; boolean and value flags apart).

use crate::schema;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A podman subcommand that has a Quadlet unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subcommand {
    Run,
    Create,
    PodCreate,
    NetworkCreate,
    VolumeCreate,
    KubePlay,
    ImagePull,
    Build,
}

impl Subcommand {
    /// How a user writes it (for messages).
    pub fn display(self) -> &'static str {
        match self {
            Subcommand::Run => "run",
            Subcommand::Create => "create",
            Subcommand::PodCreate => "pod create",
            Subcommand::NetworkCreate => "network create",
            Subcommand::VolumeCreate => "volume create",
            Subcommand::KubePlay => "kube play",
            Subcommand::ImagePull => "image pull",
            Subcommand::Build => "build",
        }
    }

    /// The section of the unit it becomes.
    pub fn section(self) -> &'static str {
        match self {
            Subcommand::Run | Subcommand::Create => "Container",
            Subcommand::PodCreate => "Pod",
            Subcommand::NetworkCreate => "Network",
            Subcommand::VolumeCreate => "Volume",
            Subcommand::KubePlay => "Kube",
            Subcommand::ImagePull => "Image",
            Subcommand::Build => "Build",
        }
    }

    /// Whether flags may follow positional words (`network create NAME
    /// --internal`); `run`, `create` and `build` stop at the first one.
    fn interspersed(self) -> bool {
        !matches!(self, Subcommand::Run | Subcommand::Create)
    }
}

/// How a flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// `--flag` or `--flag=BOOL`.
    Bool,
    /// `--flag VALUE` or `--flag=VALUE`.
    Value,
    /// A value only after `=` (`build --pull`, `--pull=never`).
    Optional,
}

/// The flags of one command (or of podman itself, before the subcommand).
#[derive(Debug, Default)]
pub struct FlagSet {
    long: HashMap<String, Arity>,
    short: HashMap<char, String>,
}

impl FlagSet {
    fn add(&mut self, spec: &str, arity: Arity) {
        for item in spec.split_whitespace() {
            let (long, short) = match item.split_once('/') {
                Some((l, s)) => (l, s.chars().next()),
                None => (item, None),
            };
            self.long.entry(long.to_string()).or_insert(arity);
            if let Some(c) = short {
                self.short.insert(c, long.to_string());
            }
        }
    }

    /// The arity of a long flag (after podman's aliases).
    pub fn arity(&self, long: &str) -> Option<Arity> {
        self.long.get(canonical(long)).copied()
    }

    /// The long name of a short flag.
    pub fn long_of(&self, short: char) -> Option<&str> {
        self.short.get(&short).map(String::as_str)
    }

    /// Whether the set knows the long flag.
    pub fn knows(&self, long: &str) -> bool {
        self.arity(long).is_some()
    }
}

/// podman's aliases for old flag names.
pub fn canonical(long: &str) -> &str {
    match long {
        "net" => "network",
        "dns-opt" => "dns-option",
        "healthcheck-command" => "health-cmd",
        "healthcheck-interval" => "health-interval",
        "healthcheck-retries" => "health-retries",
        "healthcheck-start-period" => "health-start-period",
        "healthcheck-timeout" => "health-timeout",
        "override-arch" => "arch",
        "override-os" => "os",
        "override-variant" => "variant",
        other => other,
    }
}

const GLOBAL_BOOL: &str = "remote/r syslog transient-store trace debug noout help version/v";
const GLOBAL_VALUE: &str = "log-level connection/c url host/H config context identity tls-cert \
    tls-key tls-ca out module db-backend cgroup-manager cpu-profile memory-profile conmon \
    network-cmd-path network-config-dir default-mounts-file events-backend hooks-dir \
    cdi-spec-dir max-workers namespace network-backend root registries-conf runroot imagestore \
    runtime runtime-flag storage-driver storage-opt tmpdir volumepath pull-option ssh \
    cni-config-dir";

const RUN_BOOL: &str = "detach/d interactive/i tty/t rm rmi privileged init read-only \
    read-only-tmpfs replace env-host http-proxy no-healthcheck no-hosts no-hostname \
    oom-kill-disable publish-all/P quiet/q rootfs sig-proxy passwd unsetenv-all \
    disable-content-trust help tls-verify";
const RUN_VALUE: &str = "add-host annotation arch attach/a authfile blkio-weight \
    blkio-weight-device cap-add cap-drop cert-dir cgroup-conf cgroup-parent cgroupns cgroups \
    chrootdirs cidfile conmon-pidfile cpu-period cpu-quota cpu-rt-period cpu-rt-runtime \
    cpu-shares/c cpus cpuset-cpus cpuset-mems creds decryption-key detach-keys device \
    device-cgroup-rule device-read-bps device-read-iops device-write-bps device-write-iops dns \
    dns-option dns-search entrypoint env/e env-file env-merge expose gidmap gpus group-add \
    group-entry health-cmd health-interval health-log-destination health-max-log-count \
    health-max-log-size health-on-failure health-retries health-start-period health-startup-cmd \
    health-startup-interval health-startup-retries health-startup-success \
    health-startup-timeout health-timeout hostname/h hosts-file hostuser image-volume init-path \
    ip ip6 ipc kernel-memory label/l label-file log-driver log-opt mac-address memory/m \
    memory-reservation memory-swap memory-swappiness mount name network network-alias \
    oom-score-adj os passwd-entry personality pid pidfile pids-limit platform pod pod-id-file \
    preserve-fd preserve-fds publish/p pull rdt-class requires restart retry retry-delay \
    sdnotify seccomp-policy secret security-opt shm-size shm-size-systemd signature-policy \
    stop-signal stop-timeout subgidname subuidname sysctl systemd timeout tmpfs tz uidmap \
    ulimit umask unsetenv user/u userns uts variant volume/v volumes-from workdir/w";

const POD_BOOL: &str = "infra replace share-parent help no-hosts no-hostname";
const POD_VALUE: &str = "name/n exit-policy infra-image infra-name infra-command \
    infra-conmon-pidfile pod-id-file share label/l label-file add-host cgroup-parent cpus \
    cpuset-cpus cpuset-mems device device-read-bps device-write-bps blkio-weight \
    blkio-weight-device dns dns-option dns-search gidmap uidmap gpus hostname hosts-file ip ip6 \
    mac-address memory/m memory-swap network network-alias publish/p restart security-opt \
    shm-size shm-size-systemd subgidname subuidname sysctl userns uts volume/v volumes-from \
    pid";

const NETWORK_BOOL: &str = "internal ipv6 disable-dns ignore help";
const NETWORK_VALUE: &str = "driver/d opt/o ip-range macvlan label gateway ipam-driver \
    subnet route interface-name dns";

const VOLUME_BOOL: &str = "ignore help";
const VOLUME_VALUE: &str = "driver/d label/l opt/o uid gid";

const KUBE_BOOL: &str = "no-hostname no-hosts quiet/q tls-verify start force down replace \
    publish-all wait/w no-trunc no-pod-prefix build service-container help";
const KUBE_VALUE: &str = "annotation creds mac-address network log-driver log-opt userns \
    authfile publish configmap cert-dir seccomp-profile-root context-dir signature-policy \
    service-exit-code-propagation ip";

const PULL_BOOL: &str = "all-tags/a disable-content-trust quiet/q tls-verify help";
const PULL_VALUE: &str = "creds arch os variant platform policy authfile decryption-key \
    retry retry-delay cert-dir signature-policy";

const BUILD_BOOL: &str = "force-rm layers all-platforms compress compat-volumes \
    inherit-labels inherit-annotations created-annotation disable-compression/D \
    disable-content-trust logsplit log-rusage no-cache no-hostname no-hosts pull-always \
    pull-never quiet/q omit-history identity-label rm skip-unused-stages rewrite-timestamp \
    squash squash-all stdin tls-verify http-proxy help";
const BUILD_VALUE: &str = "group-add userns userns-uid-map userns-gid-map \
    userns-uid-map-user userns-gid-map-group cgroupns ipc network pid uts cni-config-dir \
    cni-plugin-path arch annotation authfile hooks-dir build-arg build-arg-file build-context \
    cache-from cache-to cache-ttl cert-dir cpp-flag creds cw env from ignorefile file/f format \
    iidfile jobs label layer-label logfile loglevel manifest os os-feature os-version \
    runtime-flag sbom sbom-scanner-image sbom-scanner-command sbom-merge-strategy sbom-output \
    sbom-image-output sbom-purl-output sbom-image-purl-output secret sign-by signature-policy \
    source-date-epoch ssh tag/t output/o target timestamp variant unsetenv unsetlabel \
    unsetannotation add-host blob-cache cap-add cap-drop cdi-config-dir cgroup-parent \
    cpu-period cpu-quota cpu-shares/c cpuset-cpus cpuset-mems decryption-key device dns-search \
    dns dns-option isolation memory/m memory-swap retry retry-delay platform security-opt \
    shm-size ulimit volume/v rusage-logfile";
const BUILD_OPTIONAL: &str = "pull";

/// The podman flag a key-table `flag` names: its first word, without a
/// `=VALUE` tail; `None` for what is not a flag (`<pod resource name>`).
pub fn flag_name(table_flag: &str) -> Option<&str> {
    let first = table_flag.split_whitespace().next()?;
    let first = first.split('=').next()?;
    if let Some(l) = first.strip_prefix("--") {
        return (!l.is_empty()).then_some(l);
    }
    None
}

/// The flags of the key table's rows of `section`, as (long name, arity).
fn table_flags(section: &str) -> Vec<(String, Arity)> {
    let mut out = Vec::new();
    for k in schema::table().keys(section) {
        // `--module` is podman's own flag, before the subcommand.
        if k.key == "ContainersConfModule" {
            continue;
        }
        let Some(f) = k.flag.as_deref() else { continue };
        let Some(name) = flag_name(f) else { continue };
        // `--security-opt=no-new-privileges`, `--label io...=V`: the flag
        // itself takes a value even when the key is a boolean.
        let whole = f.split_whitespace().next().unwrap_or(f);
        let arity = if k.kind == "bool" && !whole.contains('=') && !f.contains(' ') {
            Arity::Bool
        } else {
            Arity::Value
        };
        out.push((name.to_string(), arity));
    }
    out
}

fn build_set(section: Option<&str>, lists: &[(&str, Arity)]) -> FlagSet {
    let mut s = FlagSet::default();
    // The hand lists first: they hold the short names and win on arity.
    for (spec, arity) in lists {
        s.add(spec, *arity);
    }
    if let Some(sec) = section {
        for (name, arity) in table_flags(sec) {
            s.long.entry(name).or_insert(arity);
        }
    }
    s
}

/// podman's own flags, before the subcommand.
pub fn global_flags() -> &'static FlagSet {
    static S: OnceLock<FlagSet> = OnceLock::new();
    S.get_or_init(|| {
        build_set(
            None,
            &[(GLOBAL_BOOL, Arity::Bool), (GLOBAL_VALUE, Arity::Value)],
        )
    })
}

/// The flags of a subcommand.
pub fn flags(cmd: Subcommand) -> &'static FlagSet {
    static S: OnceLock<HashMap<Subcommand, FlagSet>> = OnceLock::new();
    let all = S.get_or_init(|| {
        use Arity::*;
        let mut m = HashMap::new();
        let run = || build_set(Some("Container"), &[(RUN_BOOL, Bool), (RUN_VALUE, Value)]);
        m.insert(Subcommand::Run, run());
        m.insert(Subcommand::Create, run());
        m.insert(
            Subcommand::PodCreate,
            build_set(Some("Pod"), &[(POD_BOOL, Bool), (POD_VALUE, Value)]),
        );
        m.insert(
            Subcommand::NetworkCreate,
            build_set(
                Some("Network"),
                &[(NETWORK_BOOL, Bool), (NETWORK_VALUE, Value)],
            ),
        );
        m.insert(
            Subcommand::VolumeCreate,
            build_set(
                Some("Volume"),
                &[(VOLUME_BOOL, Bool), (VOLUME_VALUE, Value)],
            ),
        );
        m.insert(
            Subcommand::KubePlay,
            build_set(Some("Kube"), &[(KUBE_BOOL, Bool), (KUBE_VALUE, Value)]),
        );
        m.insert(
            Subcommand::ImagePull,
            build_set(Some("Image"), &[(PULL_BOOL, Bool), (PULL_VALUE, Value)]),
        );
        m.insert(
            Subcommand::Build,
            build_set(
                Some("Build"),
                &[
                    (BUILD_BOOL, Bool),
                    (BUILD_VALUE, Value),
                    (BUILD_OPTIONAL, Optional),
                ],
            ),
        );
        m
    });
    // Every subcommand is in the map.
    &all[&cmd]
}

/// One flag as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    /// The long name, without dashes, after podman's aliases (`network`
    /// for `--net`, `detach` for `-d`).
    pub name: String,
    /// The value: `None` for a boolean flag given bare (or an optional
    /// value left out).
    pub value: Option<String>,
    /// The words as the user wrote them (one or two; a combined `-dit`
    /// gives `-d`, `-i`, `-t`).
    pub words: Vec<String>,
}

impl Opt {
    /// A boolean flag's value: bare means true.
    pub fn is_true(&self) -> bool {
        self.value
            .as_deref()
            .is_none_or(|v| parse_bool(v).unwrap_or(false))
    }

    /// The words spelled `--long value` (`--long=value` for an empty value,
    /// which a word list cannot carry; `--long=BOOL` for a boolean given a
    /// value).
    pub fn long_words(&self, arity: Arity) -> Vec<String> {
        match (&self.value, arity) {
            (None, _) => vec![format!("--{}", self.name)],
            (Some(v), Arity::Value) if !v.is_empty() => {
                vec![format!("--{}", self.name), v.clone()]
            }
            (Some(v), _) => vec![format!("--{}={v}", self.name)],
        }
    }
}

/// Go's `strconv.ParseBool`, which pflag uses.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A podman command line taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// podman's own flags, before the subcommand.
    pub globals: Vec<Opt>,
    pub command: Subcommand,
    /// The subcommand's flags, in order.
    pub opts: Vec<Opt>,
    /// The other words: for `run`, the image and then the command.
    pub args: Vec<String>,
}

impl Parsed {
    /// The last value of a flag.
    pub fn last(&self, name: &str) -> Option<&Opt> {
        self.opts.iter().rev().find(|o| o.name == name)
    }
}

/// Why a command line cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrammarError {
    #[error("nothing to convert: give a podman command after `--`")]
    Empty,
    #[error("`{0}` is not a podman command quadlet-ls converts (it takes run, create, pod create, network create, volume create, kube play, image pull and build)")]
    UnknownCommand(String),
    #[error("unknown flag `{flag}` for `podman {command}`")]
    UnknownFlag { flag: String, command: String },
    #[error("flag `{0}` needs a value")]
    MissingValue(String),
    #[error("flag `{flag}` takes true or false, not `{value}`")]
    BadBool { flag: String, value: String },
}

/// Whether `w` names the podman program (`podman`, `/usr/bin/podman`).
pub fn is_podman_program(w: &str) -> bool {
    w == "podman" || w.ends_with("/podman")
}

/// The subcommand at the start of `words`, and how many words it takes.
fn subcommand(words: &[String]) -> Result<(Subcommand, usize), GrammarError> {
    let first = words.first().ok_or(GrammarError::Empty)?;
    let second = words.get(1).map(String::as_str);
    let two = |c| Ok((c, 2));
    match (first.as_str(), second) {
        ("run", _) => Ok((Subcommand::Run, 1)),
        ("create", _) => Ok((Subcommand::Create, 1)),
        ("container", Some("run")) => two(Subcommand::Run),
        ("container", Some("create")) => two(Subcommand::Create),
        ("pod", Some("create")) => two(Subcommand::PodCreate),
        ("network", Some("create")) => two(Subcommand::NetworkCreate),
        ("volume", Some("create")) => two(Subcommand::VolumeCreate),
        ("kube", Some("play")) | ("play", Some("kube")) => two(Subcommand::KubePlay),
        ("image", Some("pull")) => two(Subcommand::ImagePull),
        ("pull", _) => Ok((Subcommand::ImagePull, 1)),
        ("build", _) | ("buildx", Some("build")) => {
            Ok((Subcommand::Build, if first == "build" { 1 } else { 2 }))
        }
        ("image", Some("build")) => two(Subcommand::Build),
        ("container" | "pod" | "network" | "volume" | "kube" | "image", Some(w)) => {
            Err(GrammarError::UnknownCommand(format!("{first} {w}")))
        }
        _ => Err(GrammarError::UnknownCommand(first.clone())),
    }
}

/// Reads flags from `words[i..]` into `out` until a positional word (when
/// `stop_at_positional`) or the end. Returns the index of the first word
/// not consumed, and the positional words seen (when interspersed).
fn read_flags(
    words: &[String],
    mut i: usize,
    set: &FlagSet,
    command: &str,
    interspersed: bool,
    out: &mut Vec<Opt>,
    positional: &mut Vec<String>,
) -> Result<usize, GrammarError> {
    let unknown = |flag: &str| GrammarError::UnknownFlag {
        flag: flag.to_string(),
        command: command.to_string(),
    };
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            positional.extend(words[i + 1..].iter().cloned());
            return Ok(words.len());
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let long = canonical(name).to_string();
            let arity = set.arity(&long).ok_or_else(|| unknown(w))?;
            match (arity, inline) {
                (Arity::Bool, Some(v)) => {
                    if parse_bool(&v).is_none() {
                        return Err(GrammarError::BadBool {
                            flag: format!("--{name}"),
                            value: v,
                        });
                    }
                    out.push(Opt {
                        name: long,
                        value: Some(v),
                        words: vec![w.clone()],
                    });
                }
                (Arity::Bool | Arity::Optional, None) => out.push(Opt {
                    name: long,
                    value: None,
                    words: vec![w.clone()],
                }),
                (_, Some(v)) => out.push(Opt {
                    name: long,
                    value: Some(v),
                    words: vec![w.clone()],
                }),
                (Arity::Value, None) => {
                    let v = words
                        .get(i + 1)
                        .ok_or_else(|| GrammarError::MissingValue(w.clone()))?;
                    out.push(Opt {
                        name: long,
                        value: Some(v.clone()),
                        words: vec![w.clone(), v.clone()],
                    });
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            let chars: Vec<(usize, char)> = shorts.char_indices().collect();
            let mut k = 0;
            let mut consumed_next = false;
            while k < chars.len() {
                let (pos, c) = chars[k];
                let long = set
                    .long_of(c)
                    .ok_or_else(|| unknown(&format!("-{c}")))?
                    .to_string();
                let arity = set.arity(&long).unwrap_or(Arity::Bool);
                let rest = &shorts[pos + c.len_utf8()..];
                if arity == Arity::Bool || (arity == Arity::Optional && !rest.starts_with('=')) {
                    if let Some(v) = rest.strip_prefix('=') {
                        if parse_bool(v).is_none() {
                            return Err(GrammarError::BadBool {
                                flag: format!("-{c}"),
                                value: v.to_string(),
                            });
                        }
                        out.push(Opt {
                            name: long,
                            value: Some(v.to_string()),
                            words: vec![format!("-{c}={v}")],
                        });
                        break;
                    }
                    out.push(Opt {
                        name: long,
                        value: None,
                        words: vec![format!("-{c}")],
                    });
                    k += 1;
                    continue;
                }
                // A value flag takes the rest of the word, or the next one.
                let spelled_prefix = format!("-{c}");
                if !rest.is_empty() {
                    let v = rest.strip_prefix('=').unwrap_or(rest);
                    out.push(Opt {
                        name: long,
                        value: Some(v.to_string()),
                        words: vec![format!("{spelled_prefix}{rest}")],
                    });
                } else {
                    let v = words
                        .get(i + 1)
                        .ok_or_else(|| GrammarError::MissingValue(spelled_prefix.clone()))?;
                    out.push(Opt {
                        name: long,
                        value: Some(v.clone()),
                        words: vec![spelled_prefix, v.clone()],
                    });
                    consumed_next = true;
                }
                break;
            }
            i += if consumed_next { 2 } else { 1 };
            continue;
        }
        // A positional word (`-` alone included).
        if !interspersed {
            return Ok(i);
        }
        positional.push(w.clone());
        i += 1;
    }
    Ok(i)
}

/// Parses a podman command line: `[podman] [GLOBAL FLAGS] SUBCOMMAND
/// [FLAGS] [ARGS]`. The program word is optional.
pub fn parse(words: &[String]) -> Result<Parsed, GrammarError> {
    let mut i = 0;
    if words.first().is_some_and(|w| is_podman_program(w)) {
        i = 1;
    }
    if i >= words.len() {
        return Err(GrammarError::Empty);
    }
    let mut globals = Vec::new();
    let mut stray = Vec::new();
    i = read_flags(
        words,
        i,
        global_flags(),
        "podman",
        false,
        &mut globals,
        &mut stray,
    )?;
    if let Some(w) = stray.first() {
        // `podman -- run`: nothing after `--` is a subcommand.
        return Err(GrammarError::UnknownCommand(w.clone()));
    }
    let (command, n) = subcommand(&words[i..])?;
    i += n;
    let mut opts = Vec::new();
    let mut args = Vec::new();
    let end = read_flags(
        words,
        i,
        flags(command),
        command.display(),
        command.interspersed(),
        &mut opts,
        &mut args,
    )?;
    args.extend(words[end..].iter().cloned());
    Ok(Parsed {
        globals,
        command,
        opts,
        args,
    })
}

/// The long flags of a key table `flag` column that map one-to-one onto a
/// key (`--hostname` → `HostName`): every key of `section` whose flag is a
/// single `--name` word, by flag name. Keys with compound flags (`--user
/// USER:GROUP`, `--security-opt label=...`) are left to the converter.
pub fn simple_keys(section: &str) -> HashMap<String, String> {
    let mut m = HashMap::new();
    let mut seen = HashSet::new();
    for k in schema::table().keys(section) {
        if !k.is_podman_key() {
            continue;
        }
        let Some(f) = k.flag.as_deref() else { continue };
        if f.contains(' ') || f.contains('=') || f.contains('<') {
            continue;
        }
        let Some(name) = f.strip_prefix("--") else {
            continue;
        };
        // Two keys with one flag (`RemapUid` and `UIDMap`): the newer,
        // podman-documented one wins; the deprecated one is skipped.
        if k.deprecated.is_some() || !seen.insert(name.to_string()) {
            continue;
        }
        m.insert(name.to_string(), k.key.clone());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Parsed, GrammarError> {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    fn names(p: &Parsed) -> Vec<(&str, Option<&str>)> {
        p.opts
            .iter()
            .map(|o| (o.name.as_str(), o.value.as_deref()))
            .collect()
    }

    #[test]
    fn detach_then_name_parses() {
        let r = p("podman run -d --name web -p 8080:80 nginx").unwrap();
        assert_eq!(r.command, Subcommand::Run);
        assert_eq!(
            names(&r),
            [
                ("detach", None),
                ("name", Some("web")),
                ("publish", Some("8080:80"))
            ]
        );
        assert_eq!(r.args, ["nginx"]);
    }

    #[test]
    fn combined_short_flags_and_attached_values() {
        let r = p("run -dit -p8080:80 -e=A=1 -dp 1:2 img").unwrap();
        assert_eq!(
            names(&r),
            [
                ("detach", None),
                ("interactive", None),
                ("tty", None),
                ("publish", Some("8080:80")),
                ("env", Some("A=1")),
                ("detach", None),
                ("publish", Some("1:2")),
            ]
        );
        assert_eq!(r.opts[3].words, ["-p8080:80"]);
    }

    #[test]
    fn words_after_the_image_are_the_command() {
        let r = p("run --rm alpine ls -la --color=auto -- x").unwrap();
        assert_eq!(r.args, ["alpine", "ls", "-la", "--color=auto", "--", "x"]);
        let r = p("run --rm -- alpine -x").unwrap();
        assert_eq!(r.args, ["alpine", "-x"]);
        // A boolean never takes the next word.
        let r = p("run --rm false").unwrap();
        assert_eq!(r.args, ["false"]);
        let r = p("run --rm=false img").unwrap();
        assert_eq!(names(&r), [("rm", Some("false"))]);
    }

    #[test]
    fn globals_and_subcommands() {
        let r = p("podman --log-level=debug --root /r pod create --name p").unwrap();
        assert_eq!(r.command, Subcommand::PodCreate);
        assert_eq!(r.globals.len(), 2);
        assert_eq!(r.globals[1].words, ["--root", "/r"]);
        let r = p("network create --internal net1 --subnet 10.0.0.0/24").unwrap();
        assert_eq!(r.args, ["net1"]);
        assert_eq!(r.opts.len(), 2);
        assert_eq!(p("play kube x.yaml").unwrap().command, Subcommand::KubePlay);
        assert_eq!(p("build --pull -t x .").unwrap().opts[0].value, None);
        assert_eq!(
            p("build --pull=never .").unwrap().opts[0].value.as_deref(),
            Some("never")
        );
    }

    #[test]
    fn clear_errors_name_the_word() {
        assert_eq!(
            p("podman frobnicate x"),
            Err(GrammarError::UnknownCommand("frobnicate".into()))
        );
        assert_eq!(
            p("podman pod rm x"),
            Err(GrammarError::UnknownCommand("pod rm".into()))
        );
        assert_eq!(
            p("run --bogus img"),
            Err(GrammarError::UnknownFlag {
                flag: "--bogus".into(),
                command: "run".into()
            })
        );
        assert_eq!(
            p("run -Z img").unwrap_err().to_string(),
            "unknown flag `-Z` for `podman run`"
        );
        assert_eq!(
            p("run --name"),
            Err(GrammarError::MissingValue("--name".into()))
        );
        assert!(matches!(
            p("run --rm=maybe x"),
            Err(GrammarError::BadBool { .. })
        ));
        assert_eq!(p("podman"), Err(GrammarError::Empty));
    }

    #[test]
    fn key_table_flags_are_known() {
        let run = flags(Subcommand::Run);
        for k in schema::table().keys("Container") {
            if k.key == "ContainersConfModule" {
                assert!(!run.knows("module") && global_flags().knows("module"));
                continue;
            }
            if let Some(n) = k.flag.as_deref().and_then(flag_name) {
                assert!(run.knows(n), "--{n} of {}", k.key);
            }
        }
        let keys = simple_keys("Container");
        assert_eq!(keys.get("hostname").map(String::as_str), Some("HostName"));
        assert_eq!(keys.get("uidmap").map(String::as_str), Some("UIDMap"));
        assert!(!keys.contains_key("user"));
    }
}
