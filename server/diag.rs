//! The one diagnostic type. The CLI and the language server are two renderers
//! of it; fixes ride inside it so that code actions never recompute them.

use crate::syntax::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// One replacement of a byte range in the diagnostic's own document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

/// Whether `quadlet-ls lint --fix` may apply a fix on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// The fix cannot change what the unit means beyond what the
    /// diagnostic's message says (removing an earlier duplicate, moving a
    /// key to the section where it works, an exact equivalent of a legacy
    /// key). Applied by `--fix`.
    Safe,
    /// A guess (the closest key name), or a fix that leaves work to do (an
    /// empty required key). Applied only with `--unsafe-fixes`; always
    /// offered in the editor.
    Unsafe,
}

/// A fix: a title and the edits it makes. Applying it changes only those
/// ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    pub safety: Safety,
}

impl Fix {
    pub fn is_safe(&self) -> bool {
        self.safety == Safety::Safe
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case code, documented in `docs/checks.md`.
    pub code: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    /// Fixes, best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            span,
            message: message.into(),
            fixes: Vec::new(),
        }
    }

    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, span, message)
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, span, message)
    }

    pub fn info(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, span, message)
    }

    /// Adds an unsafe fix (see [`Safety`]): offered, applied by
    /// `lint --fix` only with `--unsafe-fixes`.
    pub fn with_fix(self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.with_fix_of(Safety::Unsafe, title, edits)
    }

    /// Adds a safe fix (see [`Safety`]): `lint --fix` applies it.
    pub fn with_safe_fix(self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.with_fix_of(Safety::Safe, title, edits)
    }

    pub fn with_fix_of(
        mut self,
        safety: Safety,
        title: impl Into<String>,
        edits: Vec<Edit>,
    ) -> Self {
        self.fixes.push(Fix {
            title: title.into(),
            edits,
            safety,
        });
        self
    }
}

/// Applies edits to a text. Edits must not overlap; they are applied from the
/// end so that earlier ranges stay valid. Out-of-range or overlapping edits
/// are skipped rather than corrupting the text.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    let mut limit = usize::MAX;
    for e in sorted {
        if e.span.end > limit
            || e.span.start > e.span.end
            || !out.is_char_boundary(e.span.start)
            || !out.is_char_boundary(e.span.end)
            || e.span.end > out.len()
        {
            continue;
        }
        out.replace_range(e.span.start..e.span.end, &e.new_text);
        limit = e.span.start;
    }
    out
}
