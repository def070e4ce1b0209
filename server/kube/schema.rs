//! The embedded Kubernetes schemas and rule tables. Nothing here runs until a
//! YAML file is actually checked: the JSON is parsed on first use, and each
//! kind's validator is compiled on first use of that kind.

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

const BUNDLE: &str = include_str!("../../schemas/kubernetes/kubernetes-1.35.json");
const RULES: &str = include_str!("../../schemas/kubernetes/rules.json");
const PODMAN: &str = include_str!("../../schemas/kubernetes/podman-support.json");

/// The kinds we carry schemas for, in a fixed order (one validator slot
/// each).
pub const KINDS: [(&str, &str); 8] = [
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "Service"),
];

pub struct Bundle {
    pub version: String,
    pub source: String,
    pub defs: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
struct RawRules {
    enums: HashMap<String, HashMap<String, Vec<String>>>,
    ports: HashMap<String, Vec<String>>,
    #[serde(default)]
    base64: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KindSupport {
    pub played: bool,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldRule {
    pub definition: String,
    pub field: String,
    /// Only when the object sits under this key (e.g. `initContainers`).
    #[serde(default)]
    pub context: Option<String>,
    /// Only when the value is a number above this.
    #[serde(default)]
    pub max: Option<i64>,
    pub severity: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VolumeSources {
    pub definition: String,
    pub supported: Vec<String>,
    pub severity: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NeedsName {
    pub kinds: Vec<String>,
    pub severity: String,
    /// `{kind}` is replaced by the kind.
    pub message: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VolumeMounts {
    pub severity: String,
    /// `{name}` is replaced by the mount's name.
    pub message: String,
}

/// A value set as podman reads it (it may accept more values, or any
/// case), replacing the Kubernetes one for the check.
#[derive(Debug, Clone, Deserialize)]
pub struct PodmanEnum {
    pub definition: String,
    pub field: String,
    pub values: Vec<String>,
    #[serde(default)]
    pub case_insensitive: bool,
    pub severity: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Podman {
    #[serde(default)]
    pub enums: Vec<PodmanEnum>,
    pub kinds: HashMap<String, KindSupport>,
    pub fields: Vec<FieldRule>,
    pub volume_sources: VolumeSources,
    #[serde(default)]
    pub needs_name: NeedsName,
    #[serde(default)]
    pub required_fields: Vec<FieldRule>,
    #[serde(default)]
    pub volume_mounts: VolumeMounts,
}

pub struct Rules {
    /// definition -> field -> allowed values
    pub enums: HashMap<String, HashMap<String, Vec<String>>>,
    /// definition -> port fields
    pub ports: HashMap<String, Vec<String>>,
    /// definition -> fields holding a map of base64 values
    pub base64: HashMap<String, Vec<String>>,
    pub podman: Podman,
}

impl Rules {
    pub fn podman_enum(&self, def: &str, field: &str) -> Option<&PodmanEnum> {
        self.podman
            .enums
            .iter()
            .find(|e| e.definition == def && e.field == field)
    }

    pub fn enum_values(&self, def: &str, field: &str) -> Option<&Vec<String>> {
        self.enums.get(def)?.get(field)
    }

    pub fn is_base64_map(&self, def: &str, field: &str) -> bool {
        self.base64
            .get(def)
            .is_some_and(|f| f.iter().any(|x| x == field))
    }

    pub fn is_port(&self, def: &str, field: &str) -> bool {
        self.ports
            .get(def)
            .is_some_and(|f| f.iter().any(|x| x == field))
    }
}

pub fn bundle() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| {
        let v: Value = serde_json::from_str(BUNDLE).unwrap_or(Value::Null);
        let version = v
            .get("kubernetes")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let source = v
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let defs = match v.get("$defs") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        Bundle {
            version,
            source,
            defs,
        }
    })
}

pub fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        let raw: RawRules = serde_json::from_str(RULES).unwrap_or_default();
        let RawRules {
            enums,
            ports,
            base64,
        } = raw;
        let podman: Podman = serde_json::from_str(PODMAN).unwrap_or_default();
        Rules {
            enums,
            ports,
            base64,
            podman,
        }
    })
}

pub fn kind_index(api_version: &str, kind: &str) -> Option<usize> {
    KINDS
        .iter()
        .position(|&(a, k)| a == api_version && k == kind)
}

pub fn kind_def(index: usize) -> Option<String> {
    KINDS.get(index).map(|(_, k)| format!("kind-{k}"))
}

/// The compiled validator for a kind, built on first use.
pub fn validator(index: usize) -> Option<&'static jsonschema::Validator> {
    static SLOTS: [OnceLock<Option<jsonschema::Validator>>; 8] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let slot = SLOTS.get(index)?;
    slot.get_or_init(|| {
        let def = kind_def(index)?;
        let b = bundle();
        let mut schema = Map::new();
        schema.insert(
            "$schema".into(),
            Value::String("https://json-schema.org/draft/2020-12/schema".into()),
        );
        schema.insert("$ref".into(), Value::String(format!("#/$defs/{def}")));
        schema.insert("$defs".into(), Value::Object(b.defs.clone()));
        match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&Value::Object(schema))
        {
            Ok(v) => Some(v),
            Err(e) => {
                eprintln!("quadlet-ls: cannot compile the {def} schema: {e}");
                None
            }
        }
    })
    .as_ref()
}

/// A schema position: the schema object and the definition it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct At<'s> {
    pub schema: &'s Value,
    /// The named definition this schema is (after following `$ref`).
    pub def: Option<&'s str>,
    /// The description at the place of use (a property's own description
    /// wins over the definition's).
    pub description: Option<&'s str>,
}

impl Bundle {
    pub fn def(&self, name: &str) -> Option<&Value> {
        self.defs.get(name)
    }

    /// The root of a kind's schema.
    pub fn kind_root(&self, index: usize) -> Option<At<'_>> {
        let name = KINDS.get(index).map(|(_, k)| k)?;
        let (key, v) = self.defs.get_key_value(&format!("kind-{name}"))?;
        Some(At {
            schema: v,
            def: Some(key.as_str()),
            description: v.get("description").and_then(Value::as_str),
        })
    }

    /// Follows `$ref`s from a schema.
    pub fn resolve<'s>(&'s self, schema: &'s Value) -> At<'s> {
        let description = schema.get("description").and_then(Value::as_str);
        let mut at = At {
            schema,
            def: None,
            description,
        };
        for _ in 0..16 {
            let Some(r) = at.schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(name) = r.strip_prefix("#/$defs/") else {
                break;
            };
            let Some((key, v)) = self.defs.get_key_value(name) else {
                break;
            };
            at.schema = v;
            at.def = Some(key.as_str());
            if at.description.is_none() {
                at.description = v.get("description").and_then(Value::as_str);
            }
        }
        at
    }

    /// The schema of property `name` inside an object schema.
    pub fn property<'s>(&'s self, at: At<'s>, name: &str) -> Option<At<'s>> {
        if let Some(p) = at.schema.get("properties").and_then(|p| p.get(name)) {
            return Some(self.resolve(p));
        }
        match at.schema.get("additionalProperties") {
            Some(v @ Value::Object(_)) => Some(self.resolve(v)),
            _ => None,
        }
    }

    /// The schema of the items of an array schema.
    pub fn items<'s>(&'s self, at: At<'s>) -> Option<At<'s>> {
        at.schema.get("items").map(|v| self.resolve(v))
    }

    /// Names of the declared properties of an object schema.
    pub fn property_names<'s>(&'s self, at: At<'s>) -> Vec<&'s str> {
        match at.schema.get("properties") {
            Some(Value::Object(m)) => m.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// The JSON types a schema allows, without `null`.
pub fn types_of(schema: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    match schema.get("type") {
        Some(Value::String(s)) => out.push(s.as_str()),
        Some(Value::Array(a)) => out.extend(a.iter().filter_map(Value::as_str)),
        _ => {}
    }
    if let Some(Value::Array(branches)) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
        for b in branches {
            for t in types_of(b) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
    out.retain(|t| *t != "null");
    out
}

/// A short name for a definition: `io.k8s.api.core.v1.Container` →
/// `Container`, `kind-Pod` → `Pod`.
pub fn short_name(def: &str) -> &str {
    if let Some(k) = def.strip_prefix("kind-") {
        return k;
    }
    def.rsplit('.').next().unwrap_or(def)
}
