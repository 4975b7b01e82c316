//! JVN. PLACEHOLDER: being written.
use crate::Parsed;

pub fn parse_rss(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "jvn: not implemented yet");
}

pub fn parse_vuldef(name: &str, _bytes: &[u8], out: &mut Parsed) {
    out.problem(name, "", "jvn: not implemented yet");
}
