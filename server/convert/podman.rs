//! podman subcommands to units: each flag becomes its key in the target
//! release, or goes to `PodmanArgs=` as written, under a comment that names
//! it. Nothing is dropped without a comment.

use super::draft::{mode_of, Draft, Mode};
use super::grammar::{self, Arity, Opt, Parsed, Subcommand};
use super::{image_base_name, unit_name, ConvertError, Converted, Options};
use crate::generate::unitfile::Rules;
use crate::model::split;
use crate::schema::{self, Version};
use crate::workspace::UnitKind;
use std::collections::{HashMap, HashSet};

/// Converts one podman command line (`[podman] [GLOBAL] SUBCOMMAND ...`).
pub fn convert_command(words: &[String], opts: &Options) -> Result<Converted, ConvertError> {
    let parsed = grammar::parse(words)?;
    let mut out = convert_parsed(&parsed, opts)?;
    // The command as given, on top of the file.
    let shown: Vec<String> = words
        .iter()
        .map(|w| {
            split::shell_quote(w)
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        })
        .collect();
    if let Some(d) = out.units.first_mut() {
        let mut cmd = shown.join(" ");
        if !words.first().is_some_and(|w| grammar::is_podman_program(w)) {
            cmd = format!("podman {cmd}");
        }
        d.header_comment(&format!("Converted by quadlet-ls from: {cmd}"));
    }
    Ok(out)
}

/// Converts a parsed command.
pub fn convert_parsed(p: &Parsed, opts: &Options) -> Result<Converted, ConvertError> {
    let kind = match p.command {
        Subcommand::Run | Subcommand::Create => UnitKind::Container,
        Subcommand::PodCreate => UnitKind::Pod,
        Subcommand::NetworkCreate => UnitKind::Network,
        Subcommand::VolumeCreate => UnitKind::Volume,
        Subcommand::KubePlay => UnitKind::Kube,
        Subcommand::ImagePull => UnitKind::Image,
        Subcommand::Build => UnitKind::Build,
    };
    let mut c = Conv::new(kind, p.command, opts.release);
    c.globals(&p.globals)?;
    match p.command {
        Subcommand::Run | Subcommand::Create => c.container(p)?,
        Subcommand::PodCreate => c.pod(p)?,
        Subcommand::NetworkCreate => c.network(p)?,
        Subcommand::VolumeCreate => c.volume(p)?,
        Subcommand::KubePlay => c.kube(p)?,
        Subcommand::ImagePull => c.image(p)?,
        Subcommand::Build => c.build(p)?,
    }
    c.finish_dropped();
    let name = opts
        .name
        .clone()
        .map(|n| unit_name(&n))
        .or(c.name.take())
        .unwrap_or_else(|| kind.ext().to_string());
    c.draft.name = name;
    Ok(Converted {
        units: vec![c.draft],
        warnings: c.warnings,
    })
}

/// A conversion in progress.
struct Conv {
    draft: Draft,
    command: Subcommand,
    section: &'static str,
    release: Version,
    warnings: Vec<String>,
    /// The flags given a comment already (one comment per flag name).
    noted: HashSet<String>,
    /// Flags Quadlet adds itself, as the user wrote them.
    dropped: Vec<String>,
    /// The file name the unit gets, when the command names it.
    name: Option<String>,
    simple: HashMap<String, String>,
}

impl Conv {
    fn new(kind: UnitKind, command: Subcommand, release: Version) -> Conv {
        let section = kind.section();
        Conv {
            draft: Draft::new(kind, ""),
            command,
            section,
            release,
            warnings: Vec::new(),
            noted: HashSet::new(),
            dropped: Vec::new(),
            name: None,
            simple: grammar::simple_keys(section),
        }
    }

    /// Why `key` cannot be used in the target release, if it cannot.
    fn key_refusal(&self, key: &str) -> Option<String> {
        match schema::table().get(self.section, key) {
            Some(k) if k.accepted_in(self.release) => None,
            Some(k) if k.since > self.release => Some(format!(
                "{key}= needs podman {} (this unit targets {})",
                k.since, self.release
            )),
            Some(_) => Some(format!("podman {} has no {key}=", self.release)),
            None => Some(format!("[{}] has no {key}=", self.section)),
        }
    }

    /// A comment once per flag name.
    fn note(&mut self, flag: &str, text: &str) {
        if self.noted.insert(flag.to_string()) {
            self.draft.comment(self.section, text);
        }
    }

    /// The flag as written, in `PodmanArgs=`, under a comment naming it.
    fn podman_args(&mut self, o: &Opt, why: &str) -> Result<(), ConvertError> {
        let arity = grammar::flags(self.command)
            .arity(&o.name)
            .unwrap_or(Arity::Value);
        let words = if o.words.iter().any(String::is_empty) {
            o.long_words(arity)
        } else {
            o.words.clone()
        };
        if let Some(r) = self.key_refusal("PodmanArgs") {
            return Err(ConvertError::Unsupported {
                word: words.join(" "),
                why: format!("it has no key, and {r}"),
            });
        }
        self.note(
            &o.name,
            &format!("--{}: {why}; passed to podman as written", o.name),
        );
        self.draft
            .words(self.section, "PodmanArgs", &words)
            .map_err(|e| ConvertError::Unsupported {
                word: words.join(" "),
                why: e.to_string(),
            })
    }

    /// `key=value` (read back as `words`), or `PodmanArgs=` when the key
    /// is not in the release or cannot carry the value.
    fn key_words(&mut self, o: &Opt, key: &str, words: &[&str]) -> Result<(), ConvertError> {
        if let Some(why) = self.key_refusal(key) {
            return self.podman_args(o, &why);
        }
        match self.draft.words(self.section, key, words) {
            Ok(()) => Ok(()),
            Err(e) => self.podman_args(o, &e.to_string()),
        }
    }

    fn key(&mut self, o: &Opt, key: &str, value: &str) -> Result<(), ConvertError> {
        self.key_words(o, key, &[value])
    }

    /// A boolean key from a boolean flag.
    fn key_bool(&mut self, o: &Opt, key: &str) -> Result<(), ConvertError> {
        let v = if o.is_true() { "true" } else { "false" };
        self.key(o, key, v)
    }

    /// A flag Quadlet always adds itself.
    fn drop_added(&mut self, o: &Opt) {
        self.dropped.push(o.words.join(" "));
    }

    fn finish_dropped(&mut self) {
        if !self.dropped.is_empty() {
            let list = std::mem::take(&mut self.dropped).join(", ");
            self.draft.comment(
                self.section,
                &format!("Left out, as Quadlet adds them itself: {list}"),
            );
        }
    }

    /// The key of a flag with a one-to-one key, by its reading mode and
    /// kind.
    fn simple(&mut self, o: &Opt) -> Result<bool, ConvertError> {
        let Some(key) = self.simple.get(&o.name).cloned() else {
            return Ok(false);
        };
        let is_bool = schema::table()
            .get(self.section, &key)
            .is_some_and(|k| k.kind == "bool");
        if is_bool {
            self.key_bool(o, &key)?;
            return Ok(true);
        }
        let Some(v) = o.value.clone() else {
            self.podman_args(o, "given without a value")?;
            return Ok(true);
        };
        match mode_of(self.section, &key) {
            Mode::List | Mode::Args | Mode::Plain | Mode::Systemd => self.key(o, &key, &v)?,
        }
        Ok(true)
    }

    /// `K=V` keys (`--env`, `--label`, `--annotation`, `--opt`).
    fn keyval(&mut self, o: &Opt, key: &str) -> Result<(), ConvertError> {
        let v = o.value.clone().unwrap_or_default();
        if !v.contains('=') && !Rules::for_release(self.release).bare_keys {
            return self.podman_args(
                o,
                &format!(
                    "a name without a value needs podman 5.6 in {key}= (this unit targets {})",
                    self.release
                ),
            );
        }
        if v.is_empty() || v.starts_with('=') {
            return self.podman_args(o, &format!("{key}= needs a name"));
        }
        self.key(o, key, &v)
    }

    /// Global options: `--module` → `ContainersConfModule=`, the others
    /// `GlobalArgs=`.
    fn globals(&mut self, globals: &[Opt]) -> Result<(), ConvertError> {
        for g in globals {
            if g.name == "module" {
                if let Some(v) = &g.value {
                    if self.key_refusal("ContainersConfModule").is_none()
                        && self
                            .draft
                            .value(self.section, "ContainersConfModule", v)
                            .is_ok()
                    {
                        continue;
                    }
                }
            }
            let arity = grammar::global_flags()
                .arity(&g.name)
                .unwrap_or(Arity::Value);
            let words = if g.words.iter().any(String::is_empty) {
                g.long_words(arity)
            } else {
                g.words.clone()
            };
            if let Some(r) = self.key_refusal("GlobalArgs") {
                return Err(ConvertError::Unsupported {
                    word: words.join(" "),
                    why: r,
                });
            }
            self.draft
                .words(self.section, "GlobalArgs", &words)
                .map_err(|e| ConvertError::Unsupported {
                    word: words.join(" "),
                    why: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// A relative host path: Quadlet resolves it against the unit's
    /// directory, podman against the current one.
    fn note_relative(&mut self, flag: &str, path: &str) {
        if path.starts_with('.') {
            let text =
                format!("--{flag} {path}: Quadlet reads a relative path from the unit's directory");
            self.note(&format!("{flag} relative"), &text);
        }
    }

    // ------------------------------------------------------------------
    // run / create

    fn container(&mut self, p: &Parsed) -> Result<(), ConvertError> {
        let s = self.section;
        let rootfs = p.opts.iter().rev().find(|o| o.name == "rootfs");
        let rootfs = rootfs.is_some_and(Opt::is_true);
        let Some(image) = p.args.first() else {
            return Err(ConvertError::Missing(
                self.command.display(),
                if rootfs {
                    "a root file system path"
                } else {
                    "an image"
                },
            ));
        };
        let image_key = if rootfs { "Rootfs" } else { "Image" };
        if let Some(r) = self.key_refusal(image_key) {
            return Err(ConvertError::Unsupported {
                word: image.clone(),
                why: r,
            });
        }
        self.draft
            .value(s, image_key, image)
            .map_err(|e| ConvertError::Unsupported {
                word: image.clone(),
                why: e.to_string(),
            })?;
        self.name = Some(image_base_name(image));
        // Before 5.0 Ulimit= kept only its last value.
        let ulimits = p.opts.iter().filter(|o| o.name == "ulimit").count();
        let mut ulimit_seen = 0;
        for o in &p.opts {
            if o.name == "ulimit" && self.release < V5_0 {
                ulimit_seen += 1;
                if ulimit_seen < ulimits {
                    self.podman_args(o, "Ulimit= takes one value before podman 5.0")?;
                    continue;
                }
            }
            self.container_opt(o)?;
        }
        if let Some(n) = p.last("name").and_then(|o| o.value.as_deref()) {
            if !n.is_empty() {
                self.name = Some(unit_name(n));
            }
        }
        let cmd = &p.args[1..];
        if !cmd.is_empty() {
            self.draft
                .words(s, "Exec", cmd)
                .map_err(|e| ConvertError::Unsupported {
                    word: cmd.join(" "),
                    why: format!("the container's command cannot be written: {e}"),
                })?;
        }
        if self.command == Subcommand::Run {
            self.draft.raw("Install", "WantedBy", "default.target");
        }
        Ok(())
    }

    fn container_opt(&mut self, o: &Opt) -> Result<(), ConvertError> {
        let v = o.value.clone().unwrap_or_default();
        match o.name.as_str() {
            "detach" | "rm" | "replace" => self.drop_added(o),
            "rootfs" => {}
            "name" => self.key(o, "ContainerName", &v)?,
            "restart" => self.restart(o)?,
            "sdnotify" => match v.as_str() {
                "container" => self.key(o, "Notify", "true")?,
                "healthy" if self.release >= V5_0 => self.key(o, "Notify", "healthy")?,
                "healthy" => self.podman_args(o, "Notify=healthy needs podman 5.0")?,
                "conmon" => self.drop_added(o),
                _ => self.podman_args(o, "Notify= takes container or healthy")?,
            },
            "cgroups" => self.key(o, "CgroupsMode", &v)?,
            "pod" => self.podman_args(
                o,
                "Pod= names a .pod unit (convert `podman pod create` to get one)",
            )?,
            "user" => match v.split_once(':') {
                Some((u, g)) if !u.is_empty() && !g.is_empty() => {
                    if self.key_refusal("Group").is_some()
                        || super::draft::encode(self.section, "Group", &[g]).is_err()
                    {
                        self.podman_args(o, "the group cannot be written as Group=")?;
                    } else {
                        self.key(o, "User", u)?;
                        let _ = self.draft.value(self.section, "Group", g);
                    }
                }
                Some(_) => self.podman_args(o, "an empty user or group")?,
                None => self.key(o, "User", &v)?,
            },
            "security-opt" => self.security_opt(o, &v)?,
            "label" if v.starts_with("io.containers.autoupdate=") => {
                let policy = &v["io.containers.autoupdate=".len()..];
                self.key(o, "AutoUpdate", policy)?
            }
            "env" => self.keyval(o, "Environment")?,
            "label" => self.keyval(o, "Label")?,
            "annotation" => self.keyval(o, "Annotation")?,
            "tmpfs" if self.release < V5_3 && v.matches(':').count() > 1 => {
                self.podman_args(o, "Tmpfs= takes one `:` before podman 5.3")?
            }
            "expose" if !is_port_range(v.trim()) => {
                self.podman_args(o, "ExposeHostPort= takes a port or a range")?
            }
            "device" if v.starts_with('-') => {
                self.podman_args(o, "a device starting with `-` is optional in AddDevice=")?
            }
            "volume" => {
                let source = v.split(':').next().unwrap_or("");
                if v.contains(':') && is_unit_reference(source) {
                    self.podman_args(o, "Volume= would read the source as a Quadlet unit")?;
                } else {
                    self.note_relative("volume", source);
                    self.key(o, "Volume", &v)?;
                }
            }
            "mount" => {
                let fields: Vec<&str> = v.split(',').collect();
                let source = fields
                    .iter()
                    .find_map(|f| f.strip_prefix("source=").or_else(|| f.strip_prefix("src=")));
                if source.is_some_and(is_unit_reference) {
                    self.podman_args(o, "Mount= would read the source as a Quadlet unit")?;
                } else if self.release < V5_6 && !fields.iter().any(|f| f.starts_with("type=")) {
                    self.podman_args(o, "Mount= needs a type= before podman 5.6")?;
                } else {
                    if let Some(src) = source {
                        self.note_relative("mount", src);
                    }
                    self.key(o, "Mount", &v)?;
                }
            }
            "network" => {
                let name = v.split(':').next().unwrap_or("");
                if v.is_empty() || is_unit_reference(name) {
                    self.podman_args(o, "Network= would read it as a Quadlet unit")?;
                } else {
                    self.key(o, "Network", &v)?;
                }
            }
            "env-file" => {
                self.note_relative("env-file", &v);
                self.key(o, "EnvironmentFile", &v)?;
            }
            "entrypoint" => self.key(o, "Entrypoint", &v)?,
            _ => {
                if !self.simple(o)? {
                    self.podman_args(o, "no Quadlet key")?;
                }
            }
        }
        Ok(())
    }

    /// `--restart` becomes systemd's `Restart=`.
    fn restart(&mut self, o: &Opt) -> Result<(), ConvertError> {
        let v = o.value.clone().unwrap_or_default();
        let (policy, count) = match v.split_once(':') {
            Some((p, c)) => (p, Some(c)),
            None => (v.as_str(), None),
        };
        let restart = match policy {
            "no" => "no",
            "always" => "always",
            "unless-stopped" => "always",
            "on-failure" => "on-failure",
            _ => return self.podman_args(o, "not a restart policy systemd has"),
        };
        if policy == "unless-stopped" {
            self.draft.comment(
                "Service",
                "--restart unless-stopped: systemd restarts unless the unit is stopped",
            );
        }
        if let Some(c) = count {
            self.draft.comment(
                "Service",
                &format!(
                    "--restart {v}: systemd has no retry count for Restart=; \
                     see StartLimitBurst= in [Unit]"
                ),
            );
            let _ = c;
        }
        self.draft.raw("Service", "Restart", restart);
        Ok(())
    }

    fn security_opt(&mut self, o: &Opt, v: &str) -> Result<(), ConvertError> {
        let label = |rest: &str| -> Option<(&'static str, String)> {
            if rest == "disable" {
                Some(("SecurityLabelDisable", "true".into()))
            } else if rest == "nested" {
                Some(("SecurityLabelNested", "true".into()))
            } else if let Some(t) = rest.strip_prefix("type:") {
                Some(("SecurityLabelType", t.to_string()))
            } else if let Some(t) = rest.strip_prefix("filetype:") {
                Some(("SecurityLabelFileType", t.to_string()))
            } else {
                rest.strip_prefix("level:")
                    .map(|t| ("SecurityLabelLevel", t.to_string()))
            }
        };
        let mapped: Option<(&str, String)> = match v {
            "no-new-privileges" | "no-new-privileges=true" | "no-new-privileges:true" => {
                Some(("NoNewPrivileges", "true".into()))
            }
            _ => {
                if let Some(rest) = v
                    .strip_prefix("label=")
                    .or_else(|| v.strip_prefix("label:"))
                {
                    label(rest)
                } else if let Some(p) = v.strip_prefix("apparmor=") {
                    Some(("AppArmor", p.to_string()))
                } else if let Some(p) = v.strip_prefix("seccomp=") {
                    Some(("SeccompProfile", p.to_string()))
                } else if let Some(p) = v.strip_prefix("mask=") {
                    Some(("Mask", p.to_string()))
                } else if let Some(p) = v.strip_prefix("unmask=") {
                    Some(("Unmask", p.to_string()))
                } else {
                    None
                }
            }
        };
        match mapped {
            Some((key, value)) if !value.is_empty() => self.key(o, key, &value),
            _ => self.podman_args(o, "no Quadlet key for this security option"),
        }
    }

    // ------------------------------------------------------------------
    // The other subcommands

    /// The flags every other unit type maps the same way.
    fn common_opt(&mut self, o: &Opt) -> Result<(), ConvertError> {
        let v = o.value.clone().unwrap_or_default();
        match o.name.as_str() {
            "label" => self.keyval(o, "Label"),
            "annotation" => self.keyval(o, "Annotation"),
            "env" => self.keyval(o, "Environment"),
            "build-arg" => self.keyval(o, "BuildArg"),
            "volume" => {
                let source = v.split(':').next().unwrap_or("");
                if v.contains(':') && is_unit_reference(source) {
                    self.podman_args(o, "Volume= would read the source as a Quadlet unit")
                } else {
                    self.note_relative("volume", source);
                    self.key(o, "Volume", &v)
                }
            }
            "network" => {
                let name = v.split(':').next().unwrap_or("");
                if v.is_empty() || is_unit_reference(name) {
                    self.podman_args(o, "Network= would read it as a Quadlet unit")
                } else {
                    self.key(o, "Network", &v)
                }
            }
            _ => {
                if !self.simple(o)? {
                    self.podman_args(o, "no Quadlet key")?;
                }
                Ok(())
            }
        }
    }

    fn one_positional(
        &self,
        p: &Parsed,
        what: &'static str,
    ) -> Result<Option<String>, ConvertError> {
        match p.args.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            [_, extra, ..] => Err(ConvertError::Unsupported {
                word: extra.clone(),
                why: format!("`podman {}` takes one {what}", self.command.display()),
            }),
        }
    }

    /// A name key (`PodName=`, `NetworkName=`, `VolumeName=`) from a
    /// positional word or `--name`.
    fn name_key(&mut self, key: &str, value: &str, o: Option<&Opt>) -> Result<(), ConvertError> {
        self.name = Some(unit_name(value));
        match o {
            Some(o) => self.key(o, key, value),
            None => {
                let fake = Opt {
                    name: "name".into(),
                    value: Some(value.to_string()),
                    words: vec![value.to_string()],
                };
                if let Some(why) = self.key_refusal(key) {
                    return Err(ConvertError::Unsupported {
                        word: value.to_string(),
                        why,
                    });
                }
                self.key(&fake, key, value)
            }
        }
    }

    fn pod(&mut self, p: &Parsed) -> Result<(), ConvertError> {
        if let Some(n) = self.one_positional(p, "pod name")? {
            self.name_key("PodName", &n, None)?;
        }
        for o in &p.opts {
            match o.name.as_str() {
                "replace" => self.drop_added(o),
                "name" => {
                    let v = o.value.clone().unwrap_or_default();
                    self.name_key("PodName", &v, Some(o))?
                }
                "exit-policy" => {
                    let v = o.value.clone().unwrap_or_default();
                    self.key(o, "ExitPolicy", &v)?
                }
                _ => self.common_opt(o)?,
            }
        }
        Ok(())
    }

    fn network(&mut self, p: &Parsed) -> Result<(), ConvertError> {
        if let Some(n) = self.one_positional(p, "network name")? {
            self.name_key("NetworkName", &n, None)?;
        }
        let count = |name: &str| p.opts.iter().filter(|o| o.name == name).count();
        let subnets = count("subnet");
        let paired_ok = count("gateway") <= subnets && count("ip-range") <= subnets;
        for o in &p.opts {
            match o.name.as_str() {
                "ignore" => self.drop_added(o),
                "opt" => self.keyval(o, "Options")?,
                "gateway" | "ip-range" if !paired_ok => self.podman_args(
                    o,
                    "Gateway= and IPRange= pair with Subnet=, and there are fewer subnets",
                )?,
                _ => self.common_opt(o)?,
            }
        }
        Ok(())
    }

    fn volume(&mut self, p: &Parsed) -> Result<(), ConvertError> {
        if let Some(n) = self.one_positional(p, "volume name")? {
            self.name_key("VolumeName", &n, None)?;
        }
        let opt_values: Vec<&str> = p
            .opts
            .iter()
            .filter(|o| o.name == "opt")
            .filter_map(|o| o.value.as_deref())
            .collect();
        let has_device = opt_values.iter().any(|v| v.starts_with("device="));
        let image_driver = p
            .last("driver")
            .and_then(|o| o.value.as_deref())
            .is_some_and(|d| d == "image");
        for o in &p.opts {
            if o.name == "ignore" {
                self.drop_added(o);
                continue;
            }
            if o.name != "opt" {
                self.common_opt(o)?;
                continue;
            }
            let v = o.value.clone().unwrap_or_default();
            let (k, val) = v.split_once('=').unwrap_or((v.as_str(), ""));
            match (k, val) {
                ("copy", "") => self.key(o, "Copy", "true")?,
                ("nocopy", "") => self.key(o, "Copy", "false")?,
                ("device", d) if !d.is_empty() => self.key(o, "Device", d)?,
                ("type", t) if has_device && !t.is_empty() => self.key(o, "Type", t)?,
                ("o", x) if has_device && !x.is_empty() => self.key(o, "Options", x)?,
                ("image", i) if image_driver && !i.is_empty() => self.key(o, "Image", i)?,
                _ => self.podman_args(o, "no Quadlet key for this volume option")?,
            }
        }
        Ok(())
    }

    fn kube(&mut self, p: &Parsed) -> Result<(), ConvertError> {
        if p.args.is_empty() {
            return Err(ConvertError::Missing("kube play", "a YAML file"));
        }
        if p.args.len() > 1 && self.release < V5_7 {
            return Err(ConvertError::Unsupported {
                word: p.args[1].clone(),
                why: format!(
                    "one Yaml= per unit before podman 5.7 (this unit targets {})",
                    self.release
                ),
            });
        }
        for y in &p.args {
            self.draft
                .value(self.section, "Yaml", y)
                .map_err(|e| ConvertError::Unsupported {
                    word: y.clone(),
                    why: e.to_string(),
                })?;
            self.note_relative("yaml", y);
        }
        let file = p.args[0].rsplit('/').next().unwrap_or(&p.args[0]);
        let stem = file
            .strip_suffix(".yaml")
            .or_else(|| file.strip_suffix(".yml"))
            .unwrap_or(file);
        self.name = Some(unit_name(stem));
        for o in &p.opts {
            let v = o.value.clone().unwrap_or_default();
            match o.name.as_str() {
                "replace" => self.drop_added(o),
                "service-container" if o.is_true() => self.drop_added(o),
                "service-exit-code-propagation" => self.key(o, "ExitCodePropagation", &v)?,
                "configmap" => {
                    self.note_relative("configmap", &v);
                    self.key(o, "ConfigMap", &v)?
                }
                "annotation" => self.podman_args(o, "no Quadlet key for annotations here")?,
                _ => self.common_opt(o)?,
            }
        }
        Ok(())
    }

    fn image(&mut self, p: &Parsed) -> Result<(), ConvertError> {
        let Some(img) = self.one_positional(p, "image")? else {
            return Err(ConvertError::Missing("image pull", "an image"));
        };
        self.draft
            .value(self.section, "Image", &img)
            .map_err(|e| ConvertError::Unsupported {
                word: img.clone(),
                why: e.to_string(),
            })?;
        self.name = Some(image_base_name(&img));
        for o in &p.opts {
            self.common_opt(o)?;
        }
        Ok(())
    }

    fn build(&mut self, p: &Parsed) -> Result<(), ConvertError> {
        let context = self.one_positional(p, "context directory")?;
        let tags: Vec<&Opt> = p.opts.iter().filter(|o| o.name == "tag").collect();
        if tags.is_empty() {
            return Err(ConvertError::Missing(
                "build",
                "--tag (a Quadlet build names the image it makes)",
            ));
        }
        if let Some(t) = tags[0].value.as_deref() {
            self.name = Some(image_base_name(t));
        }
        for o in &p.opts {
            let v = o.value.clone().unwrap_or_default();
            match o.name.as_str() {
                "tag" => self.key(o, "ImageTag", &v)?,
                "file" => {
                    self.note_relative("file", &v);
                    self.key(o, "File", &v)?
                }
                "pull" if o.value.is_none() => {
                    self.podman_args(o, "Pull= takes a policy (always, missing, never, newer)")?
                }
                "pull" => self.key(o, "Pull", &v)?,
                _ => self.common_opt(o)?,
            }
        }
        match context {
            Some(ctx) => {
                if !ctx.starts_with('/') && !ctx.contains("://") {
                    self.draft.comment(
                        self.section,
                        &format!(
                            "The build context {ctx} is relative: Quadlet takes it from the unit's directory"
                        ),
                    );
                }
                self.draft
                    .value(self.section, "SetWorkingDirectory", &ctx)
                    .map_err(|e| ConvertError::Unsupported {
                        word: ctx.clone(),
                        why: e.to_string(),
                    })?;
            }
            None if !self.draft.has(self.section, "File") => {
                return Err(ConvertError::Missing(
                    "build",
                    "a context directory or --file",
                ));
            }
            None => {}
        }
        Ok(())
    }
}

const V5_0: Version = Version { major: 5, minor: 0 };
const V5_3: Version = Version { major: 5, minor: 3 };
const V5_6: Version = Version { major: 5, minor: 6 };
const V5_7: Version = Version { major: 5, minor: 7 };

/// Whether Quadlet reads a name as one of its units.
fn is_unit_reference(name: &str) -> bool {
    [
        ".volume",
        ".network",
        ".container",
        ".image",
        ".artifact",
        ".build",
        ".pod",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// What Quadlet accepts in `ExposeHostPort=`: a port or range, with an
/// optional protocol.
fn is_port_range(p: &str) -> bool {
    let p = p
        .strip_suffix("/tcp")
        .or_else(|| p.strip_suffix("/udp"))
        .unwrap_or(p);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match p.split_once('-') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(cmd: &str) -> String {
        let words: Vec<String> = cmd.split_whitespace().map(String::from).collect();
        let c = convert_command(&words, &Options::default()).unwrap();
        c.units[0].to_text()
    }

    #[test]
    fn a_readme_run_line() {
        let t = conv("podman run -d --name web -p 8080:80 -e DATE_FORMAT=%Y-%m-%d --restart always docker.io/library/nginx:1.25");
        assert_eq!(
            t,
            "# Converted by quadlet-ls from: podman run -d --name web -p 8080:80 -e DATE_FORMAT=%Y-%m-%d --restart always docker.io/library/nginx:1.25\n\n\
             [Container]\nImage=docker.io/library/nginx:1.25\nContainerName=web\nPublishPort=8080:80\n\
             Environment=DATE_FORMAT=%%Y-%%m-%%d\n# Left out, as Quadlet adds them itself: -d\n\n\
             [Service]\nRestart=always\n\n[Install]\nWantedBy=default.target\n"
        );
    }

    #[test]
    fn flags_without_keys_go_to_podman_args() {
        let t = conv("run --ipc host --memory 512m alpine sh -c x");
        assert!(
            t.contains(
                "# --ipc: no Quadlet key; passed to podman as written\nPodmanArgs=--ipc host\n"
            ),
            "{t}"
        );
        assert!(t.contains("Memory=512m\n"), "{t}");
        assert!(t.contains("Exec=sh -c x\n"), "{t}");
        let words: Vec<String> = "run --memory 512m alpine"
            .split(' ')
            .map(String::from)
            .collect();
        let old = convert_command(
            &words,
            &Options {
                release: Version { major: 5, minor: 4 },
                name: None,
            },
        )
        .unwrap();
        let t = old.units[0].to_text();
        assert!(
            t.contains("# --memory: Memory= needs podman 5.5 (this unit targets 5.4); passed to podman as written\nPodmanArgs=--memory 512m\n"),
            "{t}"
        );
    }

    #[test]
    fn globals_become_global_args() {
        let t = conv("podman --log-level=debug --module x.conf run alpine");
        assert!(
            t.contains("ContainersConfModule=x.conf\nGlobalArgs=--log-level=debug\n")
                || t.contains("GlobalArgs=--log-level=debug\nContainersConfModule=x.conf\n"),
            "{t}"
        );
    }

    #[test]
    fn other_commands() {
        let t = conv("podman pod create --name app -p 8080:80");
        assert!(
            t.contains("[Pod]\nPodName=app\nPublishPort=8080:80\n"),
            "{t}"
        );
        let t = conv("podman network create --subnet 10.0.0.0/24 --internal backend");
        assert!(
            t.contains("NetworkName=backend\nSubnet=10.0.0.0/24\nInternal=true\n"),
            "{t}"
        );
        let t = conv("podman volume create --label a=b data");
        assert!(t.contains("VolumeName=data\nLabel=a=b\n"), "{t}");
        let t = conv("podman kube play --network n /srv/app.yaml");
        assert!(t.contains("Yaml=/srv/app.yaml\nNetwork=n\n"), "{t}");
        let t = conv("podman image pull --arch arm64 quay.io/x/y:1");
        assert!(t.contains("Image=quay.io/x/y:1\nArch=arm64\n"), "{t}");
        let t = conv("podman build -t localhost/app:1 -f Containerfile /src");
        assert!(t.contains("ImageTag=localhost/app:1\n"), "{t}");
        assert!(t.contains("SetWorkingDirectory=/src\n"), "{t}");
    }

    #[test]
    fn errors_name_the_word() {
        let e = |s: &str| {
            let w: Vec<String> = s.split_whitespace().map(String::from).collect();
            convert_command(&w, &Options::default())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(e("podman run"), "`podman run` needs an image");
        assert!(e("podman frob").contains("`frob`"));
        assert!(e("podman build .").contains("--tag"));
    }
}
