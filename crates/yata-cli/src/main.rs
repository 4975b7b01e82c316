//! `yata`: placeholder entry point.
fn main() {}
