//! OSV JSON and YAML. PLACEHOLDER: being written.
use crate::Parsed;

pub fn parse_json(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "osv: not implemented yet");
}

pub fn parse_yaml(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "osv: not implemented yet");
}
