//! Cargo's own layout of `Cargo.lock`, read without a TOML parser.
//!
//! Cargo writes `# comment` lines, `version = N`, `[[package]]` tables of
//! `key = "string"` lines with a `dependencies` array of one ` "string",`
//! per line, and in v1 a `[metadata]` table of `"checksum …" = "hex"`
//! lines; blank lines between. [`read`] accepts that layout (and arrays
//! written inline) and returns `None` for anything else, which the caller
//! gives to the TOML parser: CRLF line ends, other spacing, other tables,
//! keys or value types, a repeated key or table, escapes or control
//! characters in strings, comments inside arrays, and brackets or braces
//! in strings or comments (the nesting check before the TOML parser
//! counts those too). So every text read here is TOML the parser reads to
//! the same [`Doc`], nested two deep at most.

use std::collections::HashSet;

use super::{Doc, Package};
use crate::Limits;

/// The lockfile's parts, when `text` is in Cargo's layout.
pub(super) fn read<'a>(text: &'a str, limits: &Limits) -> Option<Doc<'a>> {
    // `[[package]]` nests two deep; a lower limit is the parser's to report.
    if limits.max_depth < 2 {
        return None;
    }
    let mut r = Reader { text, pos: 0 };
    let mut doc = Doc::default();
    let mut section = Section::Root;
    // The current package's keys; the metadata table's keys.
    let mut keys: Vec<&str> = Vec::new();
    let mut metadata: Option<HashSet<&str>> = None;
    while let Some(b) = r.peek() {
        match b {
            b'\n' => r.pos += 1,
            b'#' => r.comment()?,
            b'[' => {
                if r.eat("[[package]]") {
                    doc.packages.push(Some(Package::default()));
                    keys.clear();
                    section = Section::Package;
                } else if metadata.is_none() && r.eat("[metadata]") {
                    metadata = Some(HashSet::new());
                    section = Section::Metadata;
                } else {
                    return None;
                }
            }
            b'"' if section == Section::Metadata => {
                let key = r.string()?;
                r.eat(" = ").then_some(())?;
                let value = r.string()?;
                if !metadata.as_mut()?.insert(key) {
                    return None;
                }
                if let Some(key) = key.strip_prefix("checksum ") {
                    doc.v1_checksums.insert(key, value);
                }
            }
            _ => {
                let key = r.bare_key()?;
                r.eat(" = ").then_some(())?;
                match section {
                    Section::Root if key == "version" && doc.version.is_none() => {
                        doc.version = Some(r.integer()?);
                    }
                    Section::Package if !keys.contains(&key) => {
                        keys.push(key);
                        let package = doc.packages.last_mut()?.as_mut()?;
                        if key == "dependencies" {
                            package.dependencies = r.array()?;
                        } else {
                            let value = r.string()?;
                            match key {
                                "name" => package.name = Some(value),
                                "version" => package.version = Some(value),
                                "source" => package.source = Some(value),
                                "checksum" => package.checksum = Some(value),
                                _ => {}
                            }
                        }
                    }
                    _ => return None,
                }
            }
        }
        // Every line but a blank one ends here.
        if b != b'\n' {
            r.end_of_line()?;
        }
    }
    Some(doc)
}

/// The table the lines being read belong to.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    Root,
    Package,
    Metadata,
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes `s` if the text goes on with it.
    fn eat(&mut self, s: &str) -> bool {
        let found = self.text.as_bytes()[self.pos..].starts_with(s.as_bytes());
        if found {
            self.pos += s.len();
        }
        found
    }

    /// The end of the text, or a line feed, consumed.
    fn end_of_line(&mut self) -> Option<()> {
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.pos += 1;
                Some(())
            }
            Some(_) => None,
        }
    }

    /// A comment, up to its line feed.
    fn comment(&mut self) -> Option<()> {
        let rest = &self.text.as_bytes()[self.pos..];
        let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        if !plain(&rest[..len]) {
            return None;
        }
        self.pos += len;
        Some(())
    }

    /// A key of ASCII letters, digits, `_` and `-`.
    fn bare_key(&mut self) -> Option<&'a str> {
        let rest = &self.text.as_bytes()[self.pos..];
        let len = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .unwrap_or(rest.len());
        (len > 0).then(|| self.take(len))
    }

    /// A basic string without escapes, control characters, brackets or
    /// braces: its contents.
    fn string(&mut self) -> Option<&'a str> {
        if !self.eat("\"") {
            return None;
        }
        let rest = &self.text.as_bytes()[self.pos..];
        let len = memchr::memchr(b'"', rest)?;
        if !plain(&rest[..len]) {
            return None;
        }
        let s = self.take(len);
        self.pos += 1;
        Some(s)
    }

    /// A decimal integer as TOML writes it (no sign, no leading zero, no
    /// `_`), small enough for any `i64`.
    fn integer(&mut self) -> Option<i64> {
        let rest = &self.text.as_bytes()[self.pos..];
        let len = rest
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(rest.len());
        if len == 0 || len > 18 || (len > 1 && rest[0] == b'0') {
            return None;
        }
        self.take(len).parse().ok()
    }

    /// An array of strings, on one line or over several.
    fn array(&mut self) -> Option<Vec<&'a str>> {
        if !self.eat("[") {
            return None;
        }
        let mut items = Vec::new();
        loop {
            self.blank();
            match self.peek()? {
                b']' => break,
                b'"' => {
                    items.push(self.string()?);
                    self.blank();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => break,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        self.pos += 1;
        Some(items)
    }

    /// Spaces, tabs and line feeds.
    fn blank(&mut self) {
        let rest = &self.text.as_bytes()[self.pos..];
        self.pos += rest
            .iter()
            .position(|&b| !matches!(b, b' ' | b'\t' | b'\n'))
            .unwrap_or(rest.len());
    }

    fn take(&mut self, len: usize) -> &'a str {
        // `len` ends before an ASCII byte or at the end: a char boundary.
        let s = &self.text[self.pos..self.pos + len];
        self.pos += len;
        s
    }
}

/// Whether `bytes` may stand in a string or comment read here: no control
/// character, backslash, bracket or brace.
fn plain(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| PLAIN[usize::from(b)])
}

const PLAIN: [bool; 256] = {
    let mut table = [true; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = false;
        b += 1;
    }
    let mut i = 0;
    let others = *b"\\[]{}\x7f";
    while i < others.len() {
        table[others[i] as usize] = false;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn cargo_layout_is_read() {
        let text = "# This file is automatically @generated by Cargo.\n\
                    # It is not intended for manual editing.\n\
                    version = 4\n\n\
                    [[package]]\n\
                    name = \"app\"\n\
                    version = \"0.1.0\"\n\
                    dependencies = [\n \"itoa\",\n \"serde 1.0.0\",\n]\n\n\
                    [[package]]\n\
                    name = \"itoa\"\n\
                    version = \"1.0.11\"\n\
                    source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\
                    checksum = \"49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b\"\n";
        let doc = read(text, &limits()).expect("Cargo's layout");
        assert_eq!(doc.version, Some(4));
        assert_eq!(doc.packages.len(), 2);
        let app = doc.packages[0].as_ref().unwrap();
        assert_eq!(
            (app.name, app.version, app.source),
            (Some("app"), Some("0.1.0"), None)
        );
        assert_eq!(app.dependencies, ["itoa", "serde 1.0.0"]);
        let itoa = doc.packages[1].as_ref().unwrap();
        assert!(itoa.checksum.is_some_and(|c| c.starts_with("49f1")));
    }

    #[test]
    fn v1_metadata_and_inline_arrays_are_read() {
        let text = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\
                    dependencies = [\"b 1.0.0 (registry+x)\", \"c\"]\n\n\
                    [metadata]\n\
                    \"checksum a 1.0.0 (registry+x)\" = \"00ff\"\n\
                    \"other\" = \"ignored\"\n";
        let doc = read(text, &limits()).expect("v1 layout");
        assert_eq!(doc.version, None);
        assert_eq!(
            doc.packages[0].as_ref().unwrap().dependencies,
            ["b 1.0.0 (registry+x)", "c"]
        );
        assert_eq!(doc.v1_checksums.len(), 1);
        assert_eq!(doc.v1_checksums["a 1.0.0 (registry+x)"], "00ff");
    }

    /// Each of these is left to the TOML parser: valid TOML in another
    /// layout, or not TOML at all.
    #[test]
    fn anything_else_is_left_to_the_parser() {
        for text in [
            "version = 4\r\n",
            "version = 04\n",
            "version = +4\n",
            "version = 1_0\n",
            "version = 4 # four\n",
            "version = 4\nversion = 4\n",
            "version=4\n",
            " version = 4\n",
            "other = 4\n",
            "[[package]]\nname = \"a\"\nname = \"b\"\n",
            "[[package]]\nname = \"a\\u0062\"\n",
            "[[package]]\nname = 'a'\n",
            "[[package]]\nname = \"a[1]\"\n",
            "[[package]]\nname = \"a\tb\"\n",
            "[[package]]\nname = \"a\n",
            "[[package]]\nversion = 1\n",
            "[[package]]\ndependencies = \"a\"\n",
            "[[package]]\ndependencies = [,]\n",
            "[[package]]\ndependencies = [\"a\",,]\n",
            "[[package]]\ndependencies = [\"a\" \"b\"]\n",
            "[[package]]\ndependencies = [\n # c\n \"a\",\n]\n",
            "[[package]]\ndependencies = [\"a\"] x\n",
            "[[package]] # p\n",
            "[package]\n",
            "[[patch.unused]]\nname = \"a\"\n",
            "[metadata]\n[metadata]\n",
            "[metadata]\n\"k\" = \"a\"\n\"k\" = \"b\"\n",
            "[metadata]\nk = \"a\"\n",
            "# a [bracket]\n",
            "# a \u{7f}\n",
            "\"version\" = 4\n",
            "[[package]]\nname = \"a\"\n   \n",
        ] {
            assert_eq!(read(text, &limits()), None, "{text:?}");
        }
        let shallow = Limits {
            max_depth: 1,
            ..Limits::default()
        };
        assert_eq!(read("version = 4\n", &shallow), None);
    }
}
