//! The service generator, equivalent to podman 5.8's quadlet (to be written:
//! see issue 3).

use crate::workspace::Workspace;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// User (rootless) mode.
    pub user: bool,
}

/// The result of generating one unit.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub service_name: String,
    /// The service text, or `None` when podman would refuse the unit.
    pub service: Option<String>,
    /// `(ExecStart, argv)` pairs in service order.
    pub exec: Vec<(String, Vec<String>)>,
    /// Messages podman prints as errors (the unit is then skipped).
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// Generates the service for one unit.
pub fn preview(_ws: &Workspace, path: &Path, _opts: &Options) -> Preview {
    Preview {
        service_name: String::new(),
        service: None,
        exec: Vec::new(),
        errors: vec![format!(
            "generator not implemented yet for {}",
            path.display()
        )],
        warnings: Vec::new(),
    }
}
