//! The generator preview: `quadlet/preview`, the `quadlet-ls.preview`
//! command and the "Preview service" code lens.

use super::{convert, settings::Settings, Server, PREVIEW_COMMAND};
use crate::generate;
use crate::line_index::Encoding;
use crate::workspace::{classify, FileRole, Workspace};
use lsp_types::{CodeLens, CodeLensParams, Command, Range, Uri};
use serde_json::{json, Value};
use std::path::Path;
use std::str::FromStr;

/// `{textDocument: {uri}}`.
pub fn target_from_params(p: &Value) -> Option<Uri> {
    let s = p.get("textDocument")?.get("uri")?.as_str()?;
    Uri::from_str(s).ok()
}

/// `{command, arguments: [uri]}` (a string, or `{uri}`).
pub fn target_from_command(p: &Value) -> Option<Uri> {
    let a = p.get("arguments")?.as_array()?.first()?;
    let s = a.as_str().or_else(|| a.get("uri")?.as_str())?;
    Uri::from_str(s).ok()
}

/// `{serviceName, service, command, diagnostics}`: the generated service
/// (`null` when podman would refuse the unit), the podman command of
/// `ExecStart` (shell-quoted), and the generator's errors and warnings.
pub fn preview(ws: &Workspace, path: &Path, settings: &Settings, _enc: Encoding) -> Value {
    let opts = generate::Options {
        user: settings.user,
        release: settings.podman_version,
        ..generate::Options::default()
    };
    let p = generate::preview(ws, path, &opts);
    let exec = p
        .exec
        .iter()
        .find(|(k, _)| k == "ExecStart")
        .or_else(|| p.exec.first());
    let command = exec
        .map(|(_, argv)| generate::Preview::command_words(argv).1.join(" "))
        .unwrap_or_default();
    let mut diagnostics: Vec<Value> = p
        .errors
        .iter()
        .map(|m| json!({"severity": "error", "code": "generator", "message": m}))
        .collect();
    diagnostics.extend(
        p.warnings
            .iter()
            .map(|m| json!({"severity": "warning", "code": "generator", "message": m})),
    );
    json!({
        "serviceName": p.service_name,
        "service": p.service,
        "command": command,
        "diagnostics": diagnostics,
    })
}

pub fn code_lens(_s: &Server, p: CodeLensParams) -> Option<Vec<CodeLens>> {
    let path = convert::uri_to_path(&p.text_document.uri)?;
    if !matches!(classify(&path), FileRole::Unit(_)) {
        return Some(Vec::new());
    }
    Some(vec![CodeLens {
        range: Range::default(),
        command: Some(Command {
            title: "Preview service".into(),
            command: PREVIEW_COMMAND.into(),
            arguments: Some(vec![json!(p.text_document.uri.as_str())]),
        }),
        data: None,
    }])
}
