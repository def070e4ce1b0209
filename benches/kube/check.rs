//! Runs the Kubernetes YAML checks on files and prints the diagnostics and
//! timings. Used by `benches/kube.sh`; also handy by hand:
//!
//! ```sh
//! cargo run --release --example kube-check -- file.yaml
//! cargo run --release --example kube-check -- --compile   # schema compile cost
//! ```

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--compile") {
        // The one-off cost: parse the bundle and compile every kind.
        let kinds = [
            "apiVersion: v1\nkind: Pod\n",
            "apiVersion: apps/v1\nkind: Deployment\n",
            "apiVersion: apps/v1\nkind: DaemonSet\n",
            "apiVersion: batch/v1\nkind: Job\n",
            "apiVersion: v1\nkind: ConfigMap\n",
            "apiVersion: v1\nkind: Secret\n",
            "apiVersion: v1\nkind: PersistentVolumeClaim\n",
            "apiVersion: v1\nkind: Service\n",
        ];
        for k in kinds {
            let t = Instant::now();
            let _ = quadlet_ls::kube::check_yaml(k, &Default::default());
            let first = t.elapsed();
            let t = Instant::now();
            let _ = quadlet_ls::kube::check_yaml(k, &Default::default());
            let again = t.elapsed();
            println!(
                "{:<40} first {:>9.2?} (compile) then {:>9.2?}",
                k.replace('\n', " "),
                first,
                again
            );
        }
        return;
    }
    let repeat = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse::<u32>().ok())
        .unwrap_or(1);
    for path in args {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let t = Instant::now();
        let parsed = quadlet_ls::kube::yaml::parse(&text);
        let parse_time = t.elapsed();
        let nodes = parsed.nodes.len();
        drop(parsed);
        let t = Instant::now();
        let diags = quadlet_ls::kube::check_yaml(&text, &Default::default());
        let first = t.elapsed();
        eprintln!("{path}: YAML parse alone {parse_time:.2?} ({nodes} nodes)");
        let t = Instant::now();
        for _ in 1..repeat {
            let _ = quadlet_ls::kube::check_yaml(&text, &Default::default());
        }
        let rest = t.elapsed() / repeat.saturating_sub(1).max(1);
        for d in &diags {
            let line = text
                .get(..d.span.start)
                .map_or(0, |b| b.matches('\n').count() + 1);
            println!(
                "{path}:{line}: {} [{}] {}",
                d.severity.as_str(),
                d.code,
                d.message
            );
        }
        if repeat > 1 {
            eprintln!(
                "{path}: {} diagnostics; first run {first:.2?}, then {rest:.2?} per run",
                diags.len()
            );
        } else {
            eprintln!("{path}: {} diagnostics in {first:.2?}", diags.len());
        }
    }
}
