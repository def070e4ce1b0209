//! The language server (to be written: see issue 4).
