//! Validation of Kubernetes YAML: schema errors mapped to the exact key or
//! value, plus the rules the schemas lack and what podman does with each
//! field.

use super::schema::{self, short_name, types_of, At, Bundle};
use super::yaml::{self, resolve_scalar, NodeId, NodeKind, Scalar, Style, Yaml};
use crate::diag::{Diagnostic, Edit, Severity};
use crate::syntax::Span;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::{Map, Number, Value};
use std::collections::HashSet;

/// Recursion bound for passes over the tree (aliases can stack depth).
const MAX_WALK: usize = 4 * yaml::MAX_DEPTH;

pub fn check(text: &str) -> Vec<Diagnostic> {
    let y = yaml::parse(text);
    let mut out = Vec::new();
    for e in &y.errors {
        let sev = if e.code == "yaml-too-large" {
            Severity::Warning
        } else {
            Severity::Error
        };
        out.push(Diagnostic::new(e.code, sev, e.span, e.message.clone()));
    }
    duplicate_keys(&y, &mut out);
    for doc in &y.docs {
        if doc.incomplete || doc.alias_bomb {
            continue;
        }
        let Some(root) = doc.root else { continue };
        check_document(&y, root, 0, &mut out);
    }
    let mut seen = HashSet::new();
    out.retain(|d| seen.insert((d.code, d.span, d.message.clone())));
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

/// podman's first pass (yaml.v3) refuses a mapping with a repeated key.
fn duplicate_keys(y: &Yaml<'_>, out: &mut Vec<Diagnostic>) {
    for n in &y.nodes {
        let NodeKind::Map(pairs) = &n.kind else {
            continue;
        };
        if pairs.len() < 2 {
            continue;
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for &(k, _) in pairs {
            let Some(node) = y.node(k) else { continue };
            let NodeKind::Scalar { value, .. } = &node.kind else {
                continue;
            };
            if value == "<<" {
                continue;
            }
            if !seen.insert(value) {
                out.push(Diagnostic::error(
                    "yaml-duplicate-key",
                    node.span,
                    format!(
                        "key \"{value}\" appears twice in this mapping; podman refuses the file"
                    ),
                ));
            }
        }
    }
}

fn check_document(y: &Yaml<'_>, root: NodeId, level: usize, out: &mut Vec<Diagnostic>) {
    let Some(rid) = y.resolve(root) else { return };
    let Some(node) = y.node(rid) else { return };
    match &node.kind {
        NodeKind::Scalar { value, style, .. } if *style == Style::Plain && value.is_empty() => {
            return; // an empty document
        }
        NodeKind::Map(_) => {}
        _ => {
            out.push(Diagnostic::error(
                "kube-type",
                y.span(root),
                "a Kubernetes document must be a mapping with apiVersion and kind",
            ));
            return;
        }
    }
    let kind = y.get(rid, "kind");
    let api = y.get(rid, "apiVersion");
    let kind_str = kind.and_then(|(_, v)| y.scalar(v)).unwrap_or("");
    let api_str = api.and_then(|(_, v)| y.scalar(v)).unwrap_or("");
    let first_key = y
        .pairs(rid)
        .first()
        .map_or(y.span(rid), |&(k, _)| y.span(k));
    if kind_str.is_empty() {
        out.push(Diagnostic::warning(
            "kube-unsupported-kind",
            first_key,
            "document has no kind; podman kube play skips it",
        ));
        return;
    }
    let kind_span = kind.map_or(first_key, |(_, v)| y.span(v));
    if kind_str == "List" {
        if level == 0 {
            if let Some((_, items)) = y.get(rid, "items") {
                for &item in y.items(items) {
                    check_document(y, item, level + 1, out);
                }
            }
        }
        return;
    }
    let rules = schema::rules();
    match rules.podman.kinds.get(kind_str) {
        None => {
            out.push(Diagnostic::warning(
                "kube-unsupported-kind",
                kind_span,
                format!(
                    "podman kube play does not run kind \"{kind_str}\"; it skips this document"
                ),
            ));
            return;
        }
        Some(s) if !s.played => {
            let sev = severity(s.severity.as_deref().unwrap_or("info"));
            let msg = s
                .message
                .clone()
                .unwrap_or_else(|| format!("podman kube play skips kind \"{kind_str}\""));
            out.push(Diagnostic::new(
                "kube-unsupported-kind",
                sev,
                kind_span,
                msg,
            ));
        }
        Some(_) => {}
    }
    let Some(index) = schema::kind_index(api_str, kind_str) else {
        let span = api.map_or(kind_span, |(_, v)| y.span(v));
        out.push(Diagnostic::info(
            "kube-not-validated",
            span,
            format!(
                "no schema for apiVersion \"{api_str}\" with kind \"{kind_str}\" \
                 (Kubernetes {}); not validated",
                schema::bundle().version
            ),
        ));
        return;
    };
    let nn = &rules.podman.needs_name;
    if nn.kinds.iter().any(|k| k == kind_str) {
        let meta = y.get(rid, "metadata");
        let name = meta.and_then(|(_, m)| y.get(m, "name"));
        let ok = name
            .and_then(|(_, n)| y.scalar(n))
            .is_some_and(|s| !s.is_empty());
        if !ok {
            let span = match (name, meta) {
                (Some((k, _)), _) | (None, Some((k, _))) => y.span(k),
                (None, None) => kind_span,
            };
            out.push(Diagnostic::new(
                "kube-podman-required",
                severity(&nn.severity),
                span,
                nn.message.replace("{kind}", kind_str),
            ));
        }
    }
    let b = schema::bundle();
    if let Some(validator) = schema::validator(index) {
        let mut budget = 4 * yaml::ALIAS_BUDGET as usize + y.nodes.len();
        let json = to_json(y, rid, 0, &mut budget);
        // The quick yes/no first; collecting errors is slower.
        let errors: Vec<_> = if validator.is_valid(&json) {
            Vec::new()
        } else {
            validator.iter_errors(&json).collect()
        };
        for err in errors {
            let segs: Vec<Seg> = err
                .instance_path()
                .iter()
                .map(|s| match s {
                    LocationSegment::Property(p) => Seg::Key(p.to_string()),
                    LocationSegment::Index(i) => Seg::Index(i),
                })
                .collect();
            map_error(
                y,
                b,
                index,
                rid,
                &segs,
                err.kind(),
                err.instance(),
                &err,
                out,
            );
        }
    }
    if let Some(root_at) = b.kind_root(index) {
        let mut f = |p: &Pair<'_>| rule_checks(y, p, out);
        visit(y, b, rid, root_at, "", 0, &mut f);
    }
}

pub fn severity(s: &str) -> Severity {
    match s {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "hint" => Severity::Hint,
        _ => Severity::Info,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Where an instance path lands in the tree.
struct Loc {
    node: NodeId,
    /// The key holding the node, when it is a mapping value.
    key: Option<NodeId>,
    /// The first alias crossed: errors inside aliased content are reported
    /// there.
    alias: Option<Span>,
}

fn locate(y: &Yaml<'_>, root: NodeId, segs: &[Seg]) -> Loc {
    let mut loc = Loc {
        node: root,
        key: None,
        alias: None,
    };
    for seg in segs {
        if loc.alias.is_none() {
            if let Some(NodeKind::Alias(_)) = y.node(loc.node).map(|n| &n.kind) {
                loc.alias = Some(y.span(loc.node));
            }
        }
        match seg {
            Seg::Key(k) => match find_key(y, loc.node, k, 0) {
                Some((kid, vid)) => {
                    loc.key = Some(kid);
                    loc.node = vid;
                }
                None => return loc,
            },
            Seg::Index(i) => match y.items(loc.node).get(*i) {
                Some(&c) => {
                    loc.key = None;
                    loc.node = c;
                }
                None => return loc,
            },
        }
    }
    if loc.alias.is_none() {
        if let Some(NodeKind::Alias(_)) = y.node(loc.node).map(|n| &n.kind) {
            loc.alias = Some(y.span(loc.node));
        }
    }
    loc
}

/// A key in a mapping, looking into `<<` merges when it is not there.
fn find_key(y: &Yaml<'_>, map: NodeId, key: &str, depth: usize) -> Option<(NodeId, NodeId)> {
    if let Some(p) = y.get(map, key) {
        return Some(p);
    }
    if depth > 8 {
        return None;
    }
    let (_, merge) = y.get(map, "<<")?;
    let sources: Vec<NodeId> = if y.is_map(merge) {
        vec![merge]
    } else {
        y.items(merge).to_vec()
    };
    sources
        .into_iter()
        .find_map(|s| find_key(y, s, key, depth + 1))
}

fn schema_at<'s>(b: &'s Bundle, index: usize, segs: &[Seg]) -> Option<At<'s>> {
    let mut at = b.kind_root(index)?;
    for s in segs {
        at = match s {
            Seg::Key(k) => b.property(at, k)?,
            Seg::Index(_) => b.items(at)?,
        };
    }
    Some(at)
}

#[allow(clippy::too_many_arguments)]
fn map_error(
    y: &Yaml<'_>,
    b: &Bundle,
    index: usize,
    root: NodeId,
    segs: &[Seg],
    kind: &ValidationErrorKind,
    instance: &Value,
    err: &jsonschema::ValidationError<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let loc = locate(y, root, segs);
    let value_span = loc.alias.unwrap_or_else(|| y.span(loc.node));
    let at = schema_at(b, index, segs);
    let def_name = at.and_then(|a| a.def).map(short_name).unwrap_or("object");
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known: Vec<&str> = at.map(|a| b.property_names(a)).unwrap_or_default();
            for name in unexpected {
                let key = find_key(y, loc.node, name, 0).map(|(k, _)| k);
                let span = loc
                    .alias
                    .or_else(|| key.map(|k| y.span(k)))
                    .unwrap_or(value_span);
                let suggestion = did_you_mean(name, &known);
                let mut msg = format!("unknown field \"{name}\" in {def_name}");
                if let Some(s) = suggestion {
                    msg.push_str(&format!("; did you mean \"{s}\"?"));
                }
                msg.push_str(" (podman kube play ignores it)");
                let mut d = Diagnostic::warning("kube-unknown-field", span, msg);
                if let (Some(s), Some(k), None) = (suggestion, key, loc.alias) {
                    d = d.with_fix(
                        format!("Rename to \"{s}\""),
                        vec![Edit {
                            span: y.span(k),
                            new_text: s.to_string(),
                        }],
                    );
                }
                out.push(d);
            }
        }
        ValidationErrorKind::Type { .. }
        | ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::AnyOf { .. } => {
            let expected: Vec<&str> = at.map(|a| types_of(a.schema)).unwrap_or_default();
            if expected.is_empty() {
                out.push(Diagnostic::error("kube-type", value_span, err.to_string()));
                return;
            }
            // sigs.k8s.io/yaml, which podman decodes with, turns a plain
            // number or boolean into a string where a string is expected.
            if expected.iter().all(|t| *t == "string") && plain_non_string(y, loc.node) {
                return;
            }
            let expected: Vec<&str> = expected.into_iter().map(type_word).collect();
            out.push(Diagnostic::error(
                "kube-type",
                value_span,
                format!(
                    "expected {}, got {}",
                    expected.join(" or "),
                    describe(instance)
                ),
            ));
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {}
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            let span = match (loc.alias, loc.key) {
                (Some(a), _) => a,
                (None, Some(k)) => y.span(k),
                (None, None) => y
                    .pairs(loc.node)
                    .first()
                    .map_or(value_span, |&(k, _)| y.span(k)),
            };
            out.push(Diagnostic::warning(
                "kube-required",
                span,
                format!("missing required field \"{name}\" in {def_name}"),
            ));
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = match &**options {
                Value::Array(a) => a.iter().map(|v| v.to_string()).collect(),
                v => vec![v.to_string()],
            };
            out.push(Diagnostic::warning(
                "kube-enum",
                value_span,
                format!(
                    "expected one of {}; got {}",
                    opts.join(", "),
                    describe(instance)
                ),
            ));
        }
        _ => out.push(Diagnostic::error(
            "kube-schema",
            value_span,
            err.to_string(),
        )),
    }
}

fn plain_non_string(y: &Yaml<'_>, id: NodeId) -> bool {
    let Some(n) = y.resolve(id).and_then(|i| y.node(i)) else {
        return false;
    };
    match &n.kind {
        NodeKind::Scalar { value, style, tag } => matches!(
            resolve_scalar(value, *style, tag.as_deref()),
            Scalar::Bool(_) | Scalar::Int(_) | Scalar::Float(_)
        ),
        _ => false,
    }
}

fn type_word(t: &str) -> &str {
    match t {
        "object" => "a mapping",
        "array" => "a list",
        other => other,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => {
            let mut t: String = s.chars().take(40).collect();
            if t.len() < s.len() {
                t.push('…');
            }
            format!("string {:?}", t)
        }
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

/// The closest known name, if close enough to be a typo.
pub fn did_you_mean<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    if let Some(k) = known.iter().find(|k| k.to_ascii_lowercase() == lower) {
        return Some(k);
    }
    let limit = (name.chars().count() / 3).clamp(1, 3);
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 3 || a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The YAML tree as JSON, aliases and `<<` merges expanded within a budget.
pub fn to_json(y: &Yaml<'_>, id: NodeId, depth: usize, budget: &mut usize) -> Value {
    if depth > MAX_WALK || *budget == 0 {
        return Value::Null;
    }
    *budget -= 1;
    let Some(node) = y.node(id) else {
        return Value::Null;
    };
    match &node.kind {
        NodeKind::Alias(Some(t)) => to_json(y, *t, depth + 1, budget),
        NodeKind::Alias(None) => Value::Null,
        NodeKind::Scalar { value, style, tag } => {
            match resolve_scalar(value, *style, tag.as_deref()) {
                Scalar::Null => Value::Null,
                Scalar::Bool(b) => Value::Bool(b),
                Scalar::Int(i) => Value::Number(i.into()),
                Scalar::Float(f) => Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(value.to_string())),
                Scalar::Str => Value::String(value.to_string()),
            }
        }
        NodeKind::Seq(items) => Value::Array(
            items
                .iter()
                .map(|&c| to_json(y, c, depth + 1, budget))
                .collect(),
        ),
        NodeKind::Map(pairs) => {
            let mut m = Map::new();
            let mut merges = Vec::new();
            for &(k, v) in pairs {
                let key = key_string(y, k);
                if key == "<<"
                    && matches!(
                        y.node(k).map(|n| &n.kind),
                        Some(NodeKind::Scalar {
                            style: Style::Plain,
                            ..
                        })
                    )
                {
                    merges.push(v);
                    continue;
                }
                let val = to_json(y, v, depth + 1, budget);
                m.insert(key, val);
            }
            for v in merges {
                let sources: Vec<NodeId> = if y.is_map(v) {
                    vec![v]
                } else {
                    y.items(v).to_vec()
                };
                for s in sources {
                    if let Value::Object(src) = to_json(y, s, depth + 1, budget) {
                        for (k, val) in src {
                            m.entry(k).or_insert(val);
                        }
                    }
                }
            }
            Value::Object(m)
        }
    }
}

fn key_string(y: &Yaml<'_>, k: NodeId) -> String {
    match y.scalar(k) {
        Some(s) => s.to_string(),
        None => String::from("?"),
    }
}

/// One mapping entry met while walking a document with its schema.
pub struct Pair<'s> {
    /// The definition of the mapping holding the entry.
    pub def: Option<&'s str>,
    /// The key under which the mapping sits (`containers`, `ports`...).
    pub context: &'s str,
    pub name: &'s str,
    pub key: NodeId,
    pub value: NodeId,
    /// The mapping itself.
    pub map: NodeId,
    /// Set once per mapping, before its entries (then `name` is empty and
    /// `key`/`value` are the mapping).
    pub enter: bool,
}

/// Walks a document alongside its schema, calling `f` on every entry of
/// every mapping whose schema is known.
pub fn visit<'y, 's>(
    y: &'s Yaml<'y>,
    b: &'s Bundle,
    node: NodeId,
    at: At<'s>,
    context: &'s str,
    depth: usize,
    f: &mut dyn FnMut(&Pair<'s>),
) {
    if depth > MAX_WALK {
        return;
    }
    let Some(id) = y.resolve(node) else { return };
    let Some(n) = y.node(id) else { return };
    match &n.kind {
        NodeKind::Map(pairs) => {
            f(&Pair {
                def: at.def,
                context,
                name: "",
                key: id,
                value: id,
                map: id,
                enter: true,
            });
            for &(k, v) in pairs {
                let Some(name) = y.scalar(k) else { continue };
                f(&Pair {
                    def: at.def,
                    context,
                    name,
                    key: k,
                    value: v,
                    map: id,
                    enter: false,
                });
                if let Some(child) = b.property(at, name) {
                    visit(y, b, v, child, name, depth + 1, f);
                }
            }
        }
        NodeKind::Seq(items) => {
            if let Some(child) = b.items(at) {
                for &c in items {
                    visit(y, b, c, child, context, depth + 1, f);
                }
            }
        }
        _ => {}
    }
}

fn rule_checks(y: &Yaml<'_>, p: &Pair<'_>, out: &mut Vec<Diagnostic>) {
    let Some(def) = p.def else { return };
    let rules = schema::rules();
    if p.enter {
        mapping_checks(y, def, p, out);
        return;
    }
    let key_span = y.span(p.key);
    if let Some(values) = rules.enum_values(def, p.name) {
        let targets: Vec<NodeId> = if y.items(p.value).is_empty() {
            vec![p.value]
        } else {
            y.items(p.value).to_vec()
        };
        for t in targets {
            let Some(v) = y.scalar(t) else { continue };
            if y
                .resolve(t)
                .and_then(|i| y.node(i))
                .is_some_and(|n| matches!(&n.kind, NodeKind::Scalar { value, style: Style::Plain, .. } if value.is_empty()))
            {
                continue;
            }
            let over = rules.podman_enum(def, p.name);
            let accepted = match over {
                Some(o) if o.case_insensitive => o.values.iter().any(|a| a.eq_ignore_ascii_case(v)),
                Some(o) => o.values.iter().any(|a| a == v),
                None => values.iter().any(|a| a == v),
            };
            if accepted {
                continue;
            }
            let sev = over.map_or(Severity::Warning, |o| severity(&o.severity));
            let shown: Vec<&str> = values
                .iter()
                .filter(|a| !a.is_empty())
                .map(String::as_str)
                .collect();
            let mut d = Diagnostic::new(
                "kube-enum",
                sev,
                y.span(t),
                format!(
                    "\"{v}\" is not a valid {}; expected one of {}",
                    p.name,
                    shown.join(", ")
                ),
            );
            if let Some(s) = did_you_mean(v, &shown) {
                d = d.with_fix(
                    format!("Change to \"{s}\""),
                    vec![Edit {
                        span: y.span(t),
                        new_text: s.to_string(),
                    }],
                );
            }
            out.push(d);
        }
    }
    if def == "io.k8s.api.core.v1.Container" && p.name == "image" {
        if let Some(v) = y.scalar(p.value).map(str::trim) {
            if !v.is_empty() && !v.contains(['$', '%', '{']) && !fully_qualified(v) {
                let base = v.split(['@', ':']).next().unwrap_or(v);
                let example = if base.contains('/') {
                    format!("docker.io/{v}")
                } else {
                    format!("docker.io/library/{v}")
                };
                out.push(Diagnostic::warning(
                    "kube-short-image-name",
                    y.span(p.value),
                    format!(
                        "\"{v}\" names no registry; under systemd podman cannot ask which registry \
                         to pull from, so name it (e.g. {example})"
                    ),
                ));
            }
        }
    }
    if rules.is_base64_map(def, p.name) {
        for &(k, v) in y.pairs(p.value) {
            let Some(text) = y.scalar(v) else { continue };
            if let Some(Scalar::Null) = scalar_value(y, v) {
                continue;
            }
            if let Err(why) = check_base64(text) {
                let key = y.scalar(k).unwrap_or("?");
                out.push(Diagnostic::error(
                    "kube-base64",
                    y.span(v),
                    format!(
                        "the value of \"{key}\" in {} is not base64 ({why}); podman fails to decode it{}",
                        p.name,
                        if p.name == "data" { " (use stringData for plain text)" } else { "" }
                    ),
                ));
            }
        }
    }
    if rules.is_port(def, p.name) {
        if let Some(Scalar::Int(n)) = scalar_value(y, p.value) {
            if !(1..=65535).contains(&n) {
                out.push(Diagnostic::error(
                    "kube-port-range",
                    y.span(p.value),
                    format!("port {n} is out of range; ports are 1 to 65535"),
                ));
            }
        }
    }
    for r in &rules.podman.fields {
        if r.definition != def || r.field != p.name {
            continue;
        }
        if let Some(c) = &r.context {
            if c != p.context {
                continue;
            }
        }
        if let Some(max) = r.max {
            match scalar_value(y, p.value) {
                Some(Scalar::Int(n)) if n > max => {}
                _ => continue,
            }
        }
        let sev = severity(&r.severity);
        let code = if sev == Severity::Info {
            "kube-ignored-field"
        } else {
            "kube-podman-unsupported"
        };
        out.push(Diagnostic::new(code, sev, key_span, r.message.clone()));
    }
    let vs = &rules.podman.volume_sources;
    if vs.definition == def && !vs.supported.iter().any(|s| s == p.name) {
        let known = schema::bundle()
            .def(def)
            .and_then(|d| d.get("properties"))
            .is_some_and(|props| props.get(p.name).is_some());
        if known {
            out.push(Diagnostic::new(
                "kube-podman-unsupported",
                severity(&vs.severity),
                key_span,
                format!("{} (not {})", vs.message, p.name),
            ));
        }
    }
}

/// Checks on a whole mapping: fields podman needs, and volume mounts that
/// must name a volume of the pod.
fn mapping_checks(y: &Yaml<'_>, def: &str, p: &Pair<'_>, out: &mut Vec<Diagnostic>) {
    let podman = &schema::rules().podman;
    for r in &podman.required_fields {
        if r.definition != def {
            continue;
        }
        let present = find_key(y, p.map, &r.field, 0)
            .and_then(|(_, v)| y.scalar(v).map(|s| !s.is_empty()).or(Some(true)))
            .unwrap_or(false);
        if present {
            continue;
        }
        // Report on the first key of the mapping (or the mapping itself).
        let span = y
            .pairs(p.map)
            .first()
            .map_or(y.span(p.map), |&(k, _)| y.span(k));
        out.push(Diagnostic::new(
            "kube-podman-required",
            severity(&r.severity),
            span,
            r.message.clone(),
        ));
    }
    if def == "io.k8s.api.core.v1.PodSpec" {
        let mut volumes: Vec<&str> = Vec::new();
        if let Some((_, vs)) = y.get(p.map, "volumes") {
            for &v in y.items(vs) {
                if let Some(n) = find_key(y, v, "name", 0).and_then(|(_, n)| y.scalar(n)) {
                    volumes.push(n);
                }
            }
        }
        // Container names become podman container names (pod-container):
        // a repeated one cannot be created.
        let mut names: Vec<&str> = Vec::new();
        for list in ["initContainers", "containers"] {
            let Some((_, cs)) = find_key(y, p.map, list, 0) else {
                continue;
            };
            for &c in y.items(cs) {
                let Some((_, n)) = find_key(y, c, "name", 0) else {
                    continue;
                };
                let Some(name) = y.scalar(n).filter(|s| !s.is_empty()) else {
                    continue;
                };
                if names.contains(&name) {
                    out.push(Diagnostic::error(
                        "kube-duplicate-name",
                        y.span(n),
                        format!(
                            "another container of this pod is already named \"{name}\"; \
                             podman kube play cannot create both"
                        ),
                    ));
                } else {
                    names.push(name);
                }
            }
        }
        let vm = &podman.volume_mounts;
        for list in ["containers", "initContainers"] {
            let Some((_, cs)) = y.get(p.map, list) else {
                continue;
            };
            for &c in y.items(cs) {
                let Some((_, mounts)) = find_key(y, c, "volumeMounts", 0) else {
                    continue;
                };
                for &m in y.items(mounts) {
                    let Some((_, n)) = find_key(y, m, "name", 0) else {
                        continue;
                    };
                    let Some(name) = y.scalar(n) else { continue };
                    if volumes.contains(&name) {
                        continue;
                    }
                    let mut d = Diagnostic::new(
                        "kube-volume-mount",
                        severity(&vm.severity),
                        y.span(n),
                        vm.message.replace("{name}", name),
                    );
                    if let Some(s) = did_you_mean(name, &volumes) {
                        d = d.with_fix(
                            format!("Change to \"{s}\""),
                            vec![Edit {
                                span: y.span(n),
                                new_text: s.to_string(),
                            }],
                        );
                    }
                    out.push(d);
                }
            }
        }
    }
}

pub fn scalar_value(y: &Yaml<'_>, id: NodeId) -> Option<Scalar> {
    let n = y.node(y.resolve(id)?)?;
    match &n.kind {
        NodeKind::Scalar { value, style, tag } => {
            Some(resolve_scalar(value, *style, tag.as_deref()))
        }
        _ => None,
    }
}

/// Every `containerPort` declared in any played document, with its protocol.
pub fn container_ports(text: &str) -> Vec<(u16, String)> {
    let y = yaml::parse(text);
    let b = schema::bundle();
    let mut out = Vec::new();
    for doc in &y.docs {
        if doc.alias_bomb {
            continue;
        }
        let Some(root) = doc.root else { continue };
        collect_ports(&y, b, root, 0, &mut out);
    }
    out
}

fn collect_ports(
    y: &Yaml<'_>,
    b: &Bundle,
    root: NodeId,
    level: usize,
    out: &mut Vec<(u16, String)>,
) {
    let kind = y
        .get(root, "kind")
        .and_then(|(_, v)| y.scalar(v))
        .unwrap_or("");
    let api = y
        .get(root, "apiVersion")
        .and_then(|(_, v)| y.scalar(v))
        .unwrap_or("");
    if kind == "List" && level == 0 {
        if let Some((_, items)) = y.get(root, "items") {
            for &i in y.items(items) {
                collect_ports(y, b, i, 1, out);
            }
        }
        return;
    }
    // podman picks the kind by name alone; match the apiVersion loosely.
    let index = schema::kind_index(api, kind)
        .or_else(|| schema::KINDS.iter().position(|&(_, k)| k == kind));
    let Some(at) = index.and_then(|i| b.kind_root(i)) else {
        return;
    };
    let mut f = |p: &Pair<'_>| {
        if p.def == Some("io.k8s.api.core.v1.ContainerPort") && p.name == "containerPort" {
            if let Some(Scalar::Int(n)) = scalar_value(y, p.value) {
                if let Ok(port) = u16::try_from(n) {
                    let proto = y
                        .get(p.map, "protocol")
                        .and_then(|(_, v)| y.scalar(v))
                        .filter(|s| !s.is_empty())
                        .unwrap_or("TCP")
                        .to_string();
                    out.push((port, proto));
                }
            }
        }
    };
    visit(y, b, root, at, "", 0, &mut f);
}

/// A reference from a pod to a ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMapRef {
    pub name: String,
    /// For `configMapKeyRef`: the key read.
    pub key: Option<String>,
    pub optional: bool,
    /// Where the reference sits: `envFrom`, `env` or `volume`.
    pub via: &'static str,
}

/// The ConfigMaps a YAML file defines (name and data keys) and the ones its
/// pods refer to.
pub fn configmaps(text: &str) -> (Vec<(String, Vec<String>)>, Vec<ConfigMapRef>) {
    let y = yaml::parse(text);
    let b = schema::bundle();
    let mut defined = Vec::new();
    let mut refs = Vec::new();
    let mut roots = Vec::new();
    for doc in &y.docs {
        if doc.alias_bomb {
            continue;
        }
        let Some(root) = doc.root else { continue };
        let kind = y.get(root, "kind").and_then(|(_, v)| y.scalar(v));
        if kind == Some("List") {
            if let Some((_, items)) = y.get(root, "items") {
                roots.extend(y.items(items).iter().copied());
            }
        } else {
            roots.push(root);
        }
    }
    for root in roots {
        let kind = y
            .get(root, "kind")
            .and_then(|(_, v)| y.scalar(v))
            .unwrap_or("");
        let api = y
            .get(root, "apiVersion")
            .and_then(|(_, v)| y.scalar(v))
            .unwrap_or("");
        if kind == "ConfigMap" {
            let name = y
                .get(root, "metadata")
                .and_then(|(_, m)| y.get(m, "name"))
                .and_then(|(_, n)| y.scalar(n));
            if let Some(name) = name {
                let mut keys = Vec::new();
                for field in ["data", "binaryData"] {
                    if let Some((_, d)) = y.get(root, field) {
                        keys.extend(
                            y.pairs(d)
                                .iter()
                                .filter_map(|&(k, _)| y.scalar(k))
                                .map(String::from),
                        );
                    }
                }
                defined.push((name.to_string(), keys));
            }
            continue;
        }
        let index = schema::kind_index(api, kind)
            .or_else(|| schema::KINDS.iter().position(|&(_, k)| k == kind));
        let Some(at) = index.and_then(|i| b.kind_root(i)) else {
            continue;
        };
        let mut f = |p: &Pair<'_>| {
            if !p.enter {
                return;
            }
            let via = match p.def {
                Some("io.k8s.api.core.v1.ConfigMapEnvSource") => "envFrom",
                Some("io.k8s.api.core.v1.ConfigMapKeySelector") => "env",
                Some("io.k8s.api.core.v1.ConfigMapVolumeSource") => "volume",
                _ => return,
            };
            let s = |k: &str| y.get(p.map, k).and_then(|(_, v)| y.scalar(v));
            let Some(name) = s("name") else { return };
            refs.push(ConfigMapRef {
                name: name.to_string(),
                key: if via == "env" {
                    s("key").map(String::from)
                } else {
                    None
                },
                optional: matches!(
                    scalar_value_of(&y, p.map, "optional"),
                    Some(Scalar::Bool(true))
                ),
                via,
            });
        };
        visit(&y, b, root, at, "", 0, &mut f);
    }
    (defined, refs)
}

fn scalar_value_of(y: &Yaml<'_>, map: NodeId, key: &str) -> Option<Scalar> {
    let (_, v) = y.get(map, key)?;
    scalar_value(y, v)
}

/// Standard padded base64 as Go's decoder reads it (it skips CR and LF).
fn check_base64(text: &str) -> Result<(), &'static str> {
    let mut n = 0usize;
    let mut pad = 0usize;
    for c in text.bytes() {
        match c {
            b'\r' | b'\n' => continue,
            b'=' => pad += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                if pad > 0 {
                    return Err("data after padding");
                }
            }
            _ => return Err("a character outside the base64 alphabet"),
        }
        n += 1;
    }
    if n % 4 != 0 {
        return Err("its length is not a multiple of 4");
    }
    if pad > 2 {
        return Err("too much padding");
    }
    Ok(())
}

/// The `kind` of every document (and of every item of a `List`), or
/// `None` when the file does not parse or hits a limit.
pub fn kinds(text: &str) -> Option<Vec<String>> {
    let y = yaml::parse(text);
    if !y.errors.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for doc in &y.docs {
        let Some(root) = doc.root else { continue };
        let kind = y.get(root, "kind").and_then(|(_, v)| y.scalar(v));
        if kind == Some("List") {
            if let Some((_, items)) = y.get(root, "items") {
                for &i in y.items(items) {
                    if let Some(k) = y.get(i, "kind").and_then(|(_, v)| y.scalar(v)) {
                        out.push(k.to_string());
                    }
                }
            }
        } else if let Some(k) = kind {
            out.push(k.to_string());
        }
    }
    Some(out)
}

/// A 64-hex image id, or a name whose first part is a registry host (with a
/// dot or a port, or `localhost`).
fn fully_qualified(name: &str) -> bool {
    let id = name.strip_prefix("sha256:").unwrap_or(name);
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    match name.split_once('/') {
        Some((host, _)) => host.contains(['.', ':']) || host == "localhost",
        None => false,
    }
}
