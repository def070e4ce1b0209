//! Reference text the binary prints from the docs/ pages themselves, so that
//! an installed user reads the same words as the repository's docs.

/// docs/cli.md.
pub const CLI_MD: &str = include_str!("../../docs/cli.md");

/// The first fenced block after the line `heading` of a page, without its
/// fences (empty if there is none).
pub fn block_after<'a>(page: &'a str, heading: &str) -> &'a str {
    let Some(at) = page.find(&format!("\n{heading}\n")) else {
        return "";
    };
    let rest = &page[at..];
    let Some(open) = rest.find("\n```") else {
        return "";
    };
    let body = &rest[open + 4..];
    let Some(nl) = body.find('\n') else {
        return "";
    };
    let body = &body[nl + 1..];
    body.find("\n```").map_or("", |end| &body[..end + 1])
}

/// The end of `lint --help`: the JSON schema.
pub fn lint_after_help() -> String {
    format!(
        "JSON schema of --format json (docs/cli.md):\n\n{}",
        block_after(CLI_MD, "### lint JSON schema")
    )
}

/// The end of `preview --help`: the JSON fields.
pub fn preview_after_help() -> String {
    format!(
        "Fields of --format json (docs/cli.md):\n\n{}",
        block_after(CLI_MD, "### preview JSON fields")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_blocks_are_found() {
        assert!(lint_after_help().contains("\"files_checked\""));
        assert!(preview_after_help().contains("\"serviceName\""));
        assert_eq!(block_after("x", "## none"), "");
    }
}
