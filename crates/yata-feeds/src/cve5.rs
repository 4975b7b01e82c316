//! CVE JSON 5. PLACEHOLDER: being written.
use crate::Parsed;

pub fn parse(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "cve5: not implemented yet");
}
