//! Elixir `mix.lock` (<https://hexdocs.pm/mix/Mix.Tasks.Deps.html>).
//!
//! The lockfile is an Elixir map literal:
//! `%{"name": {:hex, :package, "1.2.3", "inner", [:mix], [deps], "hexpm", "outer"}, …}`
//! and `{:git, "url", "rev", opts}` entries. It is read by a small term
//! parser written here (no Elixir reader exists in Rust; evaluating the file
//! is out of the question), which knows maps, tuples, lists, keyword lists,
//! atoms, strings, numbers and booleans, and bounds its nesting.
//!
//! Hex entries are components with the outer checksum (SHA-256 of the
//! tarball) as hash; their dependency tuples `{:app, "req", opts}` are edges.
//! Git entries are components with a `vcs_url` qualifier and no version.

use std::collections::BTreeMap;

use super::common::{HEX, Lock, hash, package_in, text};
use crate::{Format, Inventory, InventoryError, Limit, Limits};

const F: Format = Format::MixLock;

/// An Elixir term, as far as lockfiles need.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    Atom(String),
    Str(String),
    Number(String),
    List(Vec<Term>),
    Tuple(Vec<Term>),
    Map(Vec<(Term, Term)>),
}

impl Term {
    fn text(&self) -> Option<&str> {
        match self {
            Term::Atom(s) | Term::Str(s) => Some(s),
            _ => None,
        }
    }
}

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = text(F, bytes)?;
    let mut b = Lock::new(F, bytes, limits);
    let mut p = TermParser {
        src: text.as_bytes(),
        pos: 0,
        max_depth: limits.max_depth,
        too_deep: false,
    };
    p.skip_ws();
    if p.pos == p.src.len() {
        return Ok(b.finish());
    }
    let term = p.term(0).map_err(|m| match p.too_deep {
        true => p.error(m).with_limit(Limit::Depth),
        false => p.error(m),
    })?;
    p.skip_ws();
    if p.pos != p.src.len() {
        return Err(p.error("unexpected text after the map".into()));
    }
    let Term::Map(entries) = term else {
        return Err(InventoryError::new(F, "", "expected a map %{…}"));
    };
    // App name → id, and pending edges (from id, app names).
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut pending: Vec<(String, String, Vec<String>)> = Vec::new();
    for (key, value) in &entries {
        let Some(app) = key.text() else {
            b.warn("", "map key that is not a string or atom; skipped");
            continue;
        };
        let path = format!("\"{app}\"");
        let Term::Tuple(fields) = value else {
            b.warn(&path, "expected a tuple; skipped");
            continue;
        };
        match fields.first().and_then(Term::text) {
            Some("hex") => {
                let package = fields.get(1).and_then(Term::text).unwrap_or(app);
                let Some(Term::Str(version)) = fields.get(2) else {
                    b.warn(&path, "hex entry without a version string; skipped");
                    continue;
                };
                let repo = match fields.get(6) {
                    Some(Term::Str(r)) => r.as_str(),
                    _ => "hexpm",
                };
                let mut q = Vec::new();
                if repo != "hexpm" {
                    // A private organisation (`hexpm:acme`) or another repository.
                    q.push(("repository_url", repo));
                    b.warn(
                        &path,
                        format!("{package} comes from the repository {repo:?}"),
                    );
                }
                let mut c = package_in(HEX, None, package, Some(version), &q).0;
                if let Some(Term::Str(outer)) = fields.get(7) {
                    c.hashes.push(hash("SHA-256", outer));
                }
                let deps = match fields.get(5) {
                    Some(Term::List(deps)) => deps
                        .iter()
                        .filter_map(|d| match d {
                            Term::Tuple(t) => t.first().and_then(Term::text).map(str::to_owned),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let id = c.id.clone().unwrap_or_default();
                if b.insert(&path, c)? {
                    ids.insert(app.to_owned(), id.clone());
                    pending.push((path, id, deps));
                }
            }
            Some("git") => {
                let url = fields.get(1).and_then(Term::text).unwrap_or("");
                let rev = fields.get(2).and_then(Term::text).unwrap_or("");
                let vcs = if rev.is_empty() {
                    format!("git+{url}")
                } else {
                    format!("git+{url}@{rev}")
                };
                let c = package_in(HEX, None, app, None, &[("vcs_url", &vcs)]).0;
                b.warn(&path, format!("{app} comes from git {url}; no version"));
                let id = c.id.clone().unwrap_or_default();
                if b.insert(&path, c)? {
                    ids.insert(app.to_owned(), id);
                }
            }
            other => {
                b.warn(
                    &path,
                    format!("unknown source {:?}; skipped", other.unwrap_or("?")),
                );
            }
        }
    }
    for (path, from, deps) in pending {
        let mut to = Vec::new();
        for d in deps {
            match ids.get(&d) {
                Some(id) => to.push(id.clone()),
                None => b.warn(&path, format!("depends on {d}, which is not locked")),
            }
        }
        b.edges(&from, to);
    }
    Ok(b.finish())
}

struct TermParser<'a> {
    src: &'a [u8],
    pos: usize,
    max_depth: usize,
    /// Whether parsing stopped at `max_depth`.
    too_deep: bool,
}

impl TermParser<'_> {
    fn error(&self, message: String) -> InventoryError {
        let upto = &self.src[..self.pos.min(self.src.len())];
        let line = 1 + upto.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + upto.iter().rev().take_while(|&&b| b != b'\n').count();
        InventoryError::new(F, format!("line {line} column {column}"), message)
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() {
                self.pos += 1;
            } else if c == b'#' {
                while self.peek().is_some_and(|c| c != b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.src[self.pos..].starts_with(s.as_bytes()) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, s: &str) -> Result<(), String> {
        self.skip_ws();
        if self.eat(s) {
            Ok(())
        } else {
            Err(format!("expected {s:?}"))
        }
    }

    fn term(&mut self, depth: usize) -> Result<Term, String> {
        if depth > self.max_depth {
            self.too_deep = true;
            return Err(format!("nesting deeper than {}", self.max_depth));
        }
        self.skip_ws();
        match self.peek() {
            None => Err("unexpected end of input".into()),
            Some(b'%') => {
                self.pos += 1;
                self.expect("{")?;
                let items = self.items(b'}', depth, true)?;
                Ok(Term::Map(
                    items
                        .into_iter()
                        .map(|(k, v)| (k.unwrap_or(Term::Atom(String::new())), v))
                        .collect(),
                ))
            }
            Some(b'{') => {
                self.pos += 1;
                let items = self.items(b'}', depth, false)?;
                Ok(Term::Tuple(items.into_iter().map(|(_, v)| v).collect()))
            }
            Some(b'[') => {
                self.pos += 1;
                let items = self.items(b']', depth, false)?;
                // A keyword list `[a: 1]` is a list of `{:a, 1}` tuples.
                Ok(Term::List(
                    items
                        .into_iter()
                        .map(|(k, v)| match k {
                            Some(k) => Term::Tuple(vec![k, v]),
                            None => v,
                        })
                        .collect(),
                ))
            }
            Some(b'"') => Ok(Term::Str(self.string()?)),
            Some(b':') => {
                self.pos += 1;
                if self.peek() == Some(b'"') {
                    return Ok(Term::Atom(self.string()?));
                }
                let name = self.word();
                if name.is_empty() {
                    return Err("empty atom".into());
                }
                Ok(Term::Atom(name))
            }
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                let start = self.pos;
                self.pos += 1;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
                {
                    self.pos += 1;
                }
                Ok(Term::Number(
                    String::from_utf8_lossy(&self.src[start..self.pos]).into_owned(),
                ))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                // `true`, `false`, `nil` are atoms.
                let w = self.word();
                match w.as_str() {
                    "true" | "false" | "nil" => Ok(Term::Atom(w)),
                    _ => Err(format!("unexpected identifier {w:?}")),
                }
            }
            Some(c) => Err(format!("unexpected character {:?}", c as char)),
        }
    }

    /// Comma-separated items up to `close`: plain terms, `key: value`
    /// keyword pairs (`"key": value` too), and with `arrows` `k => v`.
    fn items(
        &mut self,
        close: u8,
        depth: usize,
        arrows: bool,
    ) -> Result<Vec<(Option<Term>, Term)>, String> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(out);
            }
            // Keyword key: `word:` followed by whitespace, or `"str":`.
            let save = self.pos;
            let key = match self.peek() {
                Some(b'"') => {
                    let s = self.string()?;
                    if self.peek() == Some(b':')
                        && self
                            .src
                            .get(self.pos + 1)
                            .is_none_or(|c| c.is_ascii_whitespace())
                    {
                        self.pos += 1;
                        Some(Term::Str(s))
                    } else {
                        self.pos = save;
                        None
                    }
                }
                Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                    let w = self.word();
                    if self.peek() == Some(b':')
                        && self
                            .src
                            .get(self.pos + 1)
                            .is_none_or(|c| c.is_ascii_whitespace())
                    {
                        self.pos += 1;
                        Some(Term::Atom(w))
                    } else {
                        self.pos = save;
                        None
                    }
                }
                _ => None,
            };
            let item = match key {
                Some(k) => (Some(k), self.term(depth + 1)?),
                None => {
                    let t = self.term(depth + 1)?;
                    self.skip_ws();
                    if arrows && self.eat("=>") {
                        (Some(t), self.term(depth + 1)?)
                    } else {
                        (None, t)
                    }
                }
            };
            if arrows && item.0.is_none() {
                return Err("expected `key: value` or `key => value` in a map".into());
            }
            out.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => return Err(format!("expected ',' or {:?}", close as char)),
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'@' | b'?' | b'!'))
        {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.src[start..self.pos]).into_owned()
    }

    /// A double-quoted string with backslash escapes (no interpolation).
    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unterminated string".into()),
                Some(b'"') => {
                    self.pos += 1;
                    return String::from_utf8(out).map_err(|_| "invalid UTF-8 in string".into());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.peek().ok_or("unterminated string")?;
                    self.pos += 1;
                    out.push(match c {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                }
                Some(b'#') if self.src.get(self.pos + 1) == Some(&b'{') => {
                    return Err("string interpolation is not allowed".into());
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(s: &str) -> Result<Term, String> {
        TermParser {
            src: s.as_bytes(),
            pos: 0,
            max_depth: 8,
            too_deep: false,
        }
        .term(0)
    }

    #[test]
    fn terms() {
        assert_eq!(
            term(r#"[hex: :a, repo: "x", optional: false]"#),
            Ok(Term::List(vec![
                Term::Tuple(vec![Term::Atom("hex".into()), Term::Atom("a".into())]),
                Term::Tuple(vec![Term::Atom("repo".into()), Term::Str("x".into())]),
                Term::Tuple(vec![
                    Term::Atom("optional".into()),
                    Term::Atom("false".into())
                ]),
            ]))
        );
        assert_eq!(
            term(r#"%{"a" => :"b c"}"#),
            Ok(Term::Map(vec![(
                Term::Str("a".into()),
                Term::Atom("b c".into())
            )]))
        );
        assert!(term("[[[[[[[[[[[]]]]]]]]]]]").is_err());
        assert!(term(r##""#{x}""##).is_err());
        assert!(term("{1, 2").is_err());
    }
}
