//! The documentation of every check code, from one source: the pages
//! `docs/checks.md` (unit checks) and `docs/kube-checks.md` (Kubernetes
//! YAML), embedded in the binary. `quadlet-ls rule CODE` prints a code's
//! section as it stands there; `tests/check_docs.rs` holds every section to
//! the same parts (default severity and fixes, what it finds, why it
//! matters, an example that triggers the code) and the summary tables to
//! [`super::CODES`] and [`crate::kube::CODES`].

/// `docs/checks.md`.
pub const CHECKS_MD: &str = include_str!("../../docs/checks.md");
/// `docs/kube-checks.md`.
pub const KUBE_CHECKS_MD: &str = include_str!("../../docs/kube-checks.md");

/// The pages, with their paths in the repository.
pub const PAGES: &[(&str, &str)] = &[
    ("docs/checks.md", CHECKS_MD),
    ("docs/kube-checks.md", KUBE_CHECKS_MD),
];

/// One code's section of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleDoc {
    pub code: &'static str,
    /// The page it is on (`docs/checks.md`).
    pub page: &'static str,
    /// The section: its heading line (`## code`) to the line before the
    /// next heading of the same or a higher level, trimmed.
    pub text: &'static str,
}

impl RuleDoc {
    /// The section's body, without its heading line.
    pub fn body(&self) -> &'static str {
        self.text
            .split_once('\n')
            .map_or("", |(_, rest)| rest.trim_start_matches('\n'))
    }
}

/// Markdown headings of a page outside fenced blocks:
/// `(byte offset of the line, level, title)`.
fn headings(page: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut at = 0;
    for line in page.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        if l.starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence && l.starts_with('#') {
            let level = l.bytes().take_while(|&b| b == b'#').count();
            if let Some(title) = l[level..].strip_prefix(' ') {
                out.push((at, level, title.trim()));
            }
        }
        at += line.len();
    }
    out
}

/// The section of `code` on `page`, if it has one.
fn section_in(page: &'static str, name: &'static str, code: &'static str) -> Option<RuleDoc> {
    let hs = headings(page);
    let i = hs.iter().position(|h| h.2 == code)?;
    let (start, level, _) = hs[i];
    let end = hs[i + 1..]
        .iter()
        .find(|h| h.1 <= level)
        .map_or(page.len(), |h| h.0);
    Some(RuleDoc {
        code,
        page: name,
        text: page[start..end].trim(),
    })
}

/// The documentation of a check code (unit or Kubernetes), or `None` for a
/// code quadlet-ls does not have.
pub fn rule_doc(code: &str) -> Option<RuleDoc> {
    let code = super::all_codes().find(|c| c.0 == code)?.0;
    PAGES
        .iter()
        .find_map(|(name, page)| section_in(page, name, code))
}

/// Every code's documentation, in the order of [`super::all_codes`]. A code
/// without a section is left out (the tests forbid that).
pub fn all_rule_docs() -> Vec<RuleDoc> {
    super::all_codes().filter_map(|c| rule_doc(c.0)).collect()
}

/// The codes closest to a word that is not a code, for "did you mean".
pub fn suggest(word: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = super::all_codes()
        .map(|c| c.0)
        .filter(|c| c.contains(word) && !word.is_empty())
        .collect();
    if let Some(c) = super::util::closest(word, super::all_codes().map(|c| c.0)) {
        if !out.contains(&c) {
            out.insert(0, c);
        }
    }
    out.truncate(5);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_end_at_the_next_heading_and_skip_fenced_comments() {
        let page = "# T\n\n## a\n\ntext\n\n```ini\n# not a heading\n```\n\n## b\n\nmore\n";
        let hs = headings(page);
        assert_eq!(
            hs.iter().map(|h| h.2).collect::<Vec<_>>(),
            vec!["T", "a", "b"]
        );
        let a = section_in(page, "p", "a").expect("a");
        assert_eq!(a.text, "## a\n\ntext\n\n```ini\n# not a heading\n```");
        assert_eq!(a.body(), "text\n\n```ini\n# not a heading\n```");
    }

    #[test]
    fn every_code_has_its_section() {
        for (code, _, _) in super::super::all_codes() {
            let d = rule_doc(code).unwrap_or_else(|| panic!("{code} has no section"));
            assert!(d.text.starts_with('#') && d.text.contains(code));
        }
        assert!(rule_doc("no-such-code").is_none());
        assert_eq!(suggest("unknwn-key").first(), Some(&"unknown-key"));
    }
}
