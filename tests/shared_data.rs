//! Reports, once per `cargo test`, the checks skipped because `../shared`
//! (podman's test suite and reference data, beside the checkout) is
//! missing; fails instead when `CI` is set. See tests/support/mod.rs.

mod support;

#[test]
fn report_checks_skipped_without_shared() {
    let root = support::shared_root();
    if root.is_dir() {
        return;
    }
    assert!(
        !support::in_ci(),
        "CI is set but {} is missing",
        root.display()
    );
    let n = support::SHARED_CHECKS.len();
    support::note(&format!(
        "note: ../shared not found beside the checkout: skipped {n} check{} that compare with podman ({})",
        if n == 1 { "" } else { "s" },
        support::SHARED_CHECKS.join(", ")
    ));
}
