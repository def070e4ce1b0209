//! Unified diffs of whole files (`lint --diff`), line by line, three lines
//! of context. Lines keep their bytes (a `\r` stays at the end of its
//! line); a last line without `\n` is marked as `diff` marks it.

use std::fmt::Write;

const CONTEXT: usize = 3;
/// Above this many lines × lines in the part that differs, the whole part is
/// shown as removed and added instead of aligned line by line.
const MAX_CELLS: usize = 4_000_000;

/// Lines with their terminator (`\n`) removed, and whether the last one had
/// none.
fn lines(text: &str) -> (Vec<&str>, bool) {
    if text.is_empty() {
        return (Vec::new(), false);
    }
    let no_eol = !text.ends_with('\n');
    let body = text.strip_suffix('\n').unwrap_or(text);
    (body.split('\n').collect(), no_eol)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Keep,
    Del,
    Add,
}

/// The edit script between two line lists: common prefix and suffix, and a
/// longest-common-subsequence alignment of the middle when it is small.
fn script(a: &[&str], b: &[&str]) -> Vec<(Op, usize, usize)> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut out: Vec<(Op, usize, usize)> = (0..pre).map(|i| (Op::Keep, i, i)).collect();
    if ma.len().saturating_mul(mb.len()) <= MAX_CELLS {
        // lcs[i][j]: length of the LCS of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                out.push((Op::Keep, pre + i, pre + j));
                i += 1;
                j += 1;
            } else if i < ma.len() && (j == mb.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                out.push((Op::Del, pre + i, pre + j));
                i += 1;
            } else {
                out.push((Op::Add, pre + i, pre + j));
                j += 1;
            }
        }
    } else {
        out.extend((0..ma.len()).map(|i| (Op::Del, pre + i, pre)));
        out.extend((0..mb.len()).map(|j| (Op::Add, pre + ma.len(), pre + j)));
    }
    out.extend((0..suf).map(|k| (Op::Keep, a.len() - suf + k, b.len() - suf + k)));
    out
}

/// The unified diff from `old` to `new`, with `--- a/NAME` and `+++ b/NAME`
/// headers; empty when the texts are equal.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, a_no_eol) = lines(old);
    let (b, b_no_eol) = lines(new);
    let ops = script(&a, &b);
    let mut out = String::new();
    let _ = writeln!(out, "--- a/{name}\n+++ b/{name}");
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != Op::Keep)
        .map(|(i, _)| i)
        .collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT + 1 {
            end = changed[k];
            k += 1;
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        let hunk = &ops[start..end];
        let a_start = hunk[0].1;
        let b_start = hunk[0].2;
        let a_len = hunk.iter().filter(|o| o.0 != Op::Add).count();
        let b_len = hunk.iter().filter(|o| o.0 != Op::Del).count();
        let pos = |s: usize, n: usize| if n == 0 { s } else { s + 1 };
        let _ = writeln!(
            out,
            "@@ -{},{a_len} +{},{b_len} @@",
            pos(a_start, a_len),
            pos(b_start, b_len)
        );
        for &(op, i, j) in hunk {
            let (mark, line, last_no_eol) = match op {
                Op::Keep => (' ', a[i], a_no_eol && i + 1 == a.len()),
                Op::Del => ('-', a[i], a_no_eol && i + 1 == a.len()),
                Op::Add => ('+', b[j], b_no_eol && j + 1 == b.len()),
            };
            let _ = writeln!(out, "{mark}{line}");
            let other_no_eol = op == Op::Keep && b_no_eol && j + 1 == b.len();
            if last_no_eol || other_no_eol {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn one_changed_line() {
        let d = unified("a.container", "[C]\nA=1\nB=2\n", "[C]\nA=1\nB=3\n");
        assert_eq!(
            d,
            "--- a/a.container\n+++ b/a.container\n@@ -1,3 +1,3 @@\n [C]\n A=1\n-B=2\n+B=3\n"
        );
    }

    #[test]
    fn insertion_and_missing_newline() {
        let d = unified("x", "a\nb", "# c\na\nb");
        assert_eq!(
            d,
            "--- a/x\n+++ b/x\n@@ -1,2 +1,3 @@\n+# c\n a\n b\n\\ No newline at end of file\n"
        );
        assert_eq!(unified("x", "a\n", "a\n"), "");
    }

    #[test]
    fn far_apart_changes_make_two_hunks() {
        let old: String = (0..20).map(|i| format!("{i}\n")).collect();
        let new = old.replace("2\n", "two\n").replace("17\n", "seventeen\n");
        let d = unified("x", &old, &new);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
    }
}
