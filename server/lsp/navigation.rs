//! Go to definition (unit and file references) and find references (the
//! users of a unit or file, from the reverse-reference index).

use super::{convert, refs, Server};
use crate::syntax;
use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, Range, ReferenceParams};
use std::path::{Path, PathBuf};

/// Where a reference target lives, if it exists.
pub fn resolve(s: &Server, from: &Path, t: &refs::Target) -> Option<PathBuf> {
    let ws = s.ws.read().ok()?;
    match t {
        refs::Target::Unit(name) => {
            if let Some(u) = ws.unit(name) {
                return Some(u.path.clone());
            }
            // Not in the search path (a file opened on its own): a
            // neighbour of the same name.
            let p = refs::base_dir(from)?.join(name);
            ws.exists(&p).then_some(p)
        }
        refs::Target::File(p) => ws.exists(p).then(|| p.clone()),
    }
}

pub fn definition(s: &Server, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let pos = p.text_document_position_params;
    let (path, doc) = s.text(&pos.text_document.uri)?;
    let offset = convert::offset(&doc.text, &doc.index, pos.position, s.enc);
    let parsed = syntax::parse(&doc.text);
    let r = refs::extract(&parsed, &path)
        .into_iter()
        .find(|r| r.span.touches(offset))?;
    let target = resolve(s, &path, &r.target)?;
    Some(GotoDefinitionResponse::Scalar(Location {
        uri: convert::path_to_uri(&target)?,
        range: Range::default(),
    }))
}

pub fn references(s: &Server, p: ReferenceParams) -> Option<Vec<Location>> {
    let pos = p.text_document_position;
    let (path, doc) = s.text(&pos.text_document.uri)?;
    let offset = convert::offset(&doc.text, &doc.index, pos.position, s.enc);
    let parsed = syntax::parse(&doc.text);
    // On a reference: its target's users. Elsewhere: this file's users.
    let targets: Vec<refs::Target> = match refs::extract(&parsed, &path)
        .into_iter()
        .find(|r| r.span.touches(offset))
    {
        Some(r) => vec![r.target],
        None => {
            let mut v = vec![refs::Target::File(path.clone())];
            if let Some(n) = path.file_name().and_then(|n| n.to_str()) {
                v.push(refs::Target::Unit(n.to_string()));
            }
            v
        }
    };
    let mut users: Vec<PathBuf> = targets
        .iter()
        .flat_map(|t| s.refs.users(t).map(Path::to_path_buf))
        .collect();
    users.sort();
    users.dedup();
    let mut out = Vec::new();
    for u in users {
        let Some(uri) = convert::path_to_uri(&u) else {
            continue;
        };
        let Some((_, udoc)) = s.text(&uri) else {
            continue;
        };
        let uparsed = syntax::parse(&udoc.text);
        for r in refs::extract(&uparsed, &u) {
            if targets.contains(&r.target) {
                out.push(Location {
                    uri: uri.clone(),
                    range: convert::range(&udoc.text, &udoc.index, r.span, s.enc),
                });
            }
        }
    }
    Some(out)
}
