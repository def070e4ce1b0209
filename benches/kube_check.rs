//! Prints the diagnostics `check_yaml` gives for YAML files (for manual
//! runs and the benchmark script).
use std::time::Instant;

fn main() {
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let t = Instant::now();
        let diags = quadlet_ls::kube::check_yaml(&text, &Default::default());
        let took = t.elapsed();
        for d in &diags {
            let line = text[..d.span.start.min(text.len())].matches('\n').count() + 1;
            println!(
                "{path}:{line}: {} [{}] {:?} {}",
                d.severity.as_str(),
                d.code,
                d.span.slice(&text).chars().take(40).collect::<String>(),
                d.message
            );
        }
        eprintln!("{path}: {} diagnostics in {:.2?}", diags.len(), took);
    }
}
