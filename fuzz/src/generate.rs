//! Target 3: the generator over a folder, at the release line and mode
//! picked by the first byte: the whole dry run, and the preview of each
//! unit.

use crate::input;
use quadlet_ls::generate::{dry_run, exec_lines, preview, Options};
use quadlet_ls::workspace::UnitKind;

pub fn run(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let files = input::files(rest);
    let ws = input::workspace(&files);
    let (release, user) = input::mode(first);
    let opts = Options {
        user,
        podman: None,
        release,
    };
    let out = dry_run(&ws, &opts);
    let _ = out.stdout();
    for u in &out.units {
        if let Ok(service) = &u.result {
            let _ = exec_lines(service);
        }
    }
    for f in files
        .iter()
        .filter(|f| UnitKind::from_file_name(&f.name).is_some())
        .take(2)
    {
        let p = preview(&ws, &f.path(), &opts);
        let _ = p.to_json();
        let _ = p.command_lines();
    }
}
