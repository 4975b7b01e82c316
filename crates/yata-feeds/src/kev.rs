//! CISA KEV. PLACEHOLDER: being written.
use crate::Parsed;

pub fn parse_json(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "kev: not implemented yet");
}

pub fn parse_csv(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "kev: not implemented yet");
}
