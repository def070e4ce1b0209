//! `quadlet-ls rule [CODE | --all]`: what a check code finds, why it
//! matters, an example, its default severity and its fixes — the code's
//! section of docs/checks.md or docs/kube-checks.md (see
//! [`crate::check::docs`]).

use super::output;
use crate::check::{self, docs};
use crate::{errln, outln};
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The check code to explain (e.g. `unknown-key`). Without one, the
    /// list of codes.
    #[arg(value_name = "CODE", conflicts_with = "all")]
    pub code: Option<String>,
    /// Explain every code.
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: RuleArgs) -> ExitCode {
    let mut out = output::stdout();
    let status = if args.all {
        for (i, d) in docs::all_rule_docs().iter().enumerate() {
            if i > 0 {
                outln!(out);
            }
            outln!(out, "{}", d.text);
        }
        ExitCode::SUCCESS
    } else if let Some(code) = &args.code {
        match docs::rule_doc(code) {
            Some(d) => {
                outln!(out, "{}", d.text);
                ExitCode::SUCCESS
            }
            None => {
                let near = docs::suggest(code);
                if near.is_empty() {
                    errln!("quadlet-ls rule: `{code}` is not a check code (`quadlet-ls rule` lists them)");
                } else {
                    errln!(
                        "quadlet-ls rule: `{code}` is not a check code; did you mean {}?",
                        near.iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                ExitCode::from(2)
            }
        }
    } else {
        let width = check::all_codes().map(|c| c.0.len()).max().unwrap_or(0);
        for (code, sev, summary) in check::all_codes() {
            outln!(out, "{code:width$}  {:7}  {summary}", sev.as_str());
        }
        outln!(out);
        outln!(
            out,
            "`quadlet-ls rule CODE` explains one; `--all` explains every code."
        );
        ExitCode::SUCCESS
    };
    output::finish(out, "quadlet-ls rule", status)
}
