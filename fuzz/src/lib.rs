//! What the fuzz targets share: how an input becomes files, releases and
//! offsets, and the invariants checked on every result. Each target in
//! `fuzz_targets/` is one call into this library.

pub mod checks;
pub mod features;
pub mod generate;
pub mod input;
pub mod kube;
pub mod parser;
pub mod stdio;
