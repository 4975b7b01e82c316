//! CSAF 2.0. PLACEHOLDER: being written.
use crate::Parsed;

pub fn parse(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "csaf: not implemented yet");
}
