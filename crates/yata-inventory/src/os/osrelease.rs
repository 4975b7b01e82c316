//! `os-release` (os-release(5)): which distribution and release a root
//! filesystem holds.

use std::collections::BTreeMap;

/// The fields of an `os-release` file that name the distribution.
///
/// Parsing follows os-release(5): `KEY=value` lines, `#` comments and blank
/// lines ignored; a value may be wrapped in double or single quotes; inside
/// double quotes `\"`, `\\`, `` \` `` and `\$` are escapes. Lines that are not
/// assignments are ignored, as the systemd parser does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsRelease {
    fields: BTreeMap<String, String>,
}

impl OsRelease {
    /// Reads the text of an `os-release` file. Never fails: an unusable line
    /// is skipped.
    pub fn parse(text: &str) -> OsRelease {
        let mut fields = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                continue;
            }
            fields.insert(key.to_owned(), unquote(value.trim()));
        }
        OsRelease { fields }
    }

    /// A value by its key (`ID`, `VERSION_ID`, `BUILD_ID`, …).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `ID`, lower-case as the spec requires (`debian`, `ubuntu`, `alpine`,
    /// `rocky`); os-release(5) defaults it to `linux`.
    pub fn id(&self) -> &str {
        self.get("ID").unwrap_or("linux")
    }

    /// `ID_LIKE`, split on spaces.
    pub fn id_like(&self) -> impl Iterator<Item = &str> {
        self.get("ID_LIKE").unwrap_or("").split_ascii_whitespace()
    }

    /// `VERSION_ID` (`12`, `22.04`, `3.20.3`, `9.4`).
    pub fn version_id(&self) -> Option<&str> {
        self.get("VERSION_ID")
    }

    /// `VERSION_CODENAME` (`bookworm`, `jammy`).
    pub fn version_codename(&self) -> Option<&str> {
        self.get("VERSION_CODENAME")
    }

    /// `PRETTY_NAME`, defaulting to `Linux` as os-release(5) says.
    pub fn pretty_name(&self) -> &str {
        self.get("PRETTY_NAME").unwrap_or("Linux")
    }

    /// The PURL `distro` qualifier: `<ID>-<VERSION_ID>` (`debian-12`,
    /// `alpine-3.20.3`), else `<ID>-<VERSION_CODENAME>` (Debian testing has
    /// only a codename), else `None`.
    pub fn distro_qualifier(&self) -> Option<String> {
        let release = self.version_id().or(self.version_codename())?;
        Some(format!("{}-{release}", self.id()))
    }
}

/// Removes one level of os-release quoting from `value`.
fn unquote(value: &str) -> String {
    let mut chars = value.chars();
    match chars.next() {
        Some('"') => {
            let mut out = String::with_capacity(value.len());
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some(e @ ('"' | '\\' | '`' | '$')) => out.push(e),
                        Some(other) => {
                            out.push('\\');
                            out.push(other);
                        }
                        None => out.push('\\'),
                    },
                    c => out.push(c),
                }
            }
            out
        }
        Some('\'') => chars.take_while(|&c| c != '\'').collect(),
        // Unquoted: a shell word; a trailing comment is not part of it.
        _ => value
            .split_once(" #")
            .map_or(value, |(v, _)| v)
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let r = OsRelease::parse(
            "# comment\nID=debian\nPRETTY_NAME=\"Debian \\\"GNU\\\"/Linux 12 \\$x\"\nVERSION_ID='12'\nBAD LINE\nlower=x\n",
        );
        assert_eq!(r.id(), "debian");
        assert_eq!(r.pretty_name(), "Debian \"GNU\"/Linux 12 $x");
        assert_eq!(r.version_id(), Some("12"));
        assert_eq!(r.get("lower"), None);
        assert_eq!(r.distro_qualifier().as_deref(), Some("debian-12"));
        assert_eq!(OsRelease::parse("").id(), "linux");
        assert_eq!(OsRelease::parse("").distro_qualifier(), None);
    }
}
