//! Conversion to Quadlet units.

pub mod systemd;
