//! The STIX 2.1 patterning language (STIX 2.1 section 9), parsed by hand
//! with recursive descent following the grammar of the specification
//! (`STIXPattern.g4` of the OASIS `cti-pattern-validator`).
//!
//! ```text
//! pattern      = observations
//! observations = obs-or *("FOLLOWEDBY" obs-or)
//! obs-or       = obs-and *("OR" obs-and)
//! obs-and      = obs *("AND" obs)
//! obs          = ("[" cmp-or "]" / "(" observations ")") *qualifier
//! qualifier    = "WITHIN" number "SECONDS" / "REPEATS" int "TIMES"
//!              / "START" t'…' "STOP" t'…'
//! cmp-or       = cmp-and *("OR" cmp-and)
//! cmp-and      = test *("AND" test)
//! test         = "(" cmp-or ")" / "EXISTS" path
//!              / path ["NOT"] (op literal / "IN" "(" [literal *("," literal)] ")"
//!                              / ("LIKE" / "MATCHES" / "ISSUBSET" / "ISSUPERSET") string)
//! path         = object-type ":" (ident / string) *("." (ident / string) / "[" (int / "*") "]")
//! ```
//!
//! Literals: strings in single quotes (escapes `\'` and `\\` only),
//! integers, floats, `true`/`false`, `t'2024-01-01T00:00:00Z'`
//! timestamps, `h'…'` hex and `b'…'` base64 binaries. Chains of `AND`,
//! `OR` and `FOLLOWEDBY` are n-ary nodes and qualifiers a list, so the
//! tree is only as deep as the parentheses, which are limited.

use crate::Error;

/// Deepest nesting of parentheses and brackets [`Pattern::parse`] accepts.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// Deepest nesting [`Pattern::parse_with_depth`] accepts whatever it is
/// asked: a level costs up to 10 KiB of stack in a debug build, and a
/// real pattern nests a few levels at most.
pub const HARD_MAX_DEPTH: usize = 64;

/// A parsed STIX pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    root: Observation,
}

/// An observation expression.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Observation {
    /// `[ … ]`
    Comparison(Comparison),
    /// `a AND b AND …` (two or more)
    And(Vec<Observation>),
    /// `a OR b OR …` (two or more)
    Or(Vec<Observation>),
    /// `a FOLLOWEDBY b FOLLOWEDBY …` (two or more)
    FollowedBy(Vec<Observation>),
    /// An observation with one or more qualifiers, in written order.
    Qualified(Box<Observation>, Vec<Qualifier>),
}

/// A qualifier of an observation expression.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Qualifier {
    /// `WITHIN n SECONDS`
    Within(f64),
    /// `REPEATS n TIMES`
    Repeats(u64),
    /// `START t'…' STOP t'…'`
    StartStop(String, String),
}

/// A comparison expression (inside brackets).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Comparison {
    /// `path [NOT] op value`
    Test {
        path: ObjectPath,
        negated: bool,
        op: Operator,
        value: Value,
    },
    /// `EXISTS path`
    Exists(ObjectPath),
    /// `a AND b AND …` (two or more)
    And(Vec<Comparison>),
    /// `a OR b OR …` (two or more)
    Or(Vec<Comparison>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operator {
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Like,
    Matches,
    IsSubset,
    IsSuperset,
}

/// The right-hand side of a comparison: a literal, or the set of `IN`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    Literal(Literal),
    Set(Vec<Literal>),
}

/// A constant.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// The string with its escapes undone.
    String(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// The text between the quotes of `t'…'`.
    Timestamp(String),
    /// The digits between the quotes of `h'…'`.
    Hex(String),
    /// The base64 text between the quotes of `b'…'`.
    Binary(String),
}

/// An object path: `file:hashes.'SHA-256'`, `email-message:to_refs[*].value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPath {
    /// The object type before the colon.
    pub object_type: String,
    /// The property steps after it; the first is always a [`Step::Key`].
    pub steps: Vec<Step>,
}

/// One step of an object path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// A property name (quoted or not).
    Key(String),
    /// `[n]`
    Index(i64),
    /// `[*]`
    Any,
}

impl ObjectPath {
    /// The property names of the path if it has no list steps
    /// (`["hashes", "SHA-256"]`).
    pub fn keys(&self) -> Option<Vec<&str>> {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl Pattern {
    /// Parses `text`, with parentheses and brackets nested at most
    /// [`DEFAULT_MAX_DEPTH`] deep.
    pub fn parse(text: &str) -> Result<Pattern, Error> {
        Pattern::parse_with_depth(text, DEFAULT_MAX_DEPTH)
    }

    /// Parses `text`, with parentheses and brackets nested at most
    /// `max_depth` deep (and never more than [`HARD_MAX_DEPTH`], which
    /// keeps the parser's recursion well inside a thread's stack).
    pub fn parse_with_depth(text: &str, max_depth: usize) -> Result<Pattern, Error> {
        let max_depth = max_depth.min(HARD_MAX_DEPTH);
        let mut p = Parser {
            s: text,
            pos: 0,
            depth: 0,
            max_depth,
        };
        let root = p.observations()?;
        p.ws()?;
        if p.pos < text.len() {
            return Err(p.err("unexpected text after the pattern"));
        }
        Ok(Pattern { root })
    }

    pub fn root(&self) -> &Observation {
        &self.root
    }

    /// Every comparison test of the pattern (under any `AND`, `OR`,
    /// `FOLLOWEDBY` or qualifier), in written order.
    pub fn tests(&self) -> Vec<&Comparison> {
        fn obs<'a>(o: &'a Observation, out: &mut Vec<&'a Comparison>) {
            match o {
                Observation::Comparison(c) => cmp(c, out),
                Observation::And(v) | Observation::Or(v) | Observation::FollowedBy(v) => {
                    v.iter().for_each(|o| obs(o, out));
                }
                Observation::Qualified(o, _) => obs(o, out),
            }
        }
        fn cmp<'a>(c: &'a Comparison, out: &mut Vec<&'a Comparison>) {
            match c {
                Comparison::And(v) | Comparison::Or(v) => v.iter().for_each(|c| cmp(c, out)),
                test => out.push(test),
            }
        }
        let mut out = Vec::new();
        obs(&self.root, &mut out);
        out
    }

    /// The simple equalities of the pattern: `path = 'string'` and
    /// `path IN ('a', 'b')`, not negated, as (path, string) pairs.
    pub fn equalities(&self) -> Vec<(&ObjectPath, &str)> {
        let mut out = Vec::new();
        for test in self.tests() {
            let Comparison::Test {
                path,
                negated: false,
                op,
                value,
            } = test
            else {
                continue;
            };
            match (op, value) {
                (Operator::Eq, Value::Literal(Literal::String(s))) => out.push((path, s.as_str())),
                (Operator::In, Value::Set(items)) => {
                    for item in items {
                        if let Literal::String(s) = item {
                            out.push((path, s.as_str()));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// `value` quoted as a STIX pattern string (`'` and `\` escaped).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
    max_depth: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Parser<'a> {
    fn err(&self, message: impl Into<String>) -> Error {
        self.err_at(self.pos, message)
    }

    fn err_at(&self, offset: usize, message: impl Into<String>) -> Error {
        Error::Pattern {
            offset,
            message: message.into(),
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    /// Skips whitespace and comments (`/* … */`, `// …`).
    fn ws(&mut self) -> Result<(), Error> {
        loop {
            let rest = &self.bytes()[self.pos..];
            if let Some(&b) = rest.first()
                && b.is_ascii_whitespace()
            {
                self.pos += 1;
            } else if rest.starts_with(b"/*") {
                let start = self.pos;
                match self.s[self.pos + 2..].find("*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    None => return Err(self.err_at(start, "unterminated comment")),
                }
            } else if rest.starts_with(b"//") {
                match self.s[self.pos..].find('\n') {
                    Some(end) => self.pos += end + 1,
                    None => self.pos = self.s.len(),
                }
            } else {
                return Ok(());
            }
        }
    }

    /// Consumes `kw` if it is the next word (not the start of a longer one).
    fn keyword(&mut self, kw: &str) -> Result<bool, Error> {
        self.ws()?;
        let rest = &self.bytes()[self.pos..];
        if rest.starts_with(kw.as_bytes()) && !rest.get(kw.len()).is_some_and(|&b| is_ident_char(b))
        {
            self.pos += kw.len();
            return Ok(true);
        }
        Ok(false)
    }

    fn punct(&mut self, p: u8) -> Result<bool, Error> {
        self.ws()?;
        if self.peek() == Some(p) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    fn expect(&mut self, p: u8) -> Result<(), Error> {
        if self.punct(p)? {
            Ok(())
        } else {
            Err(self.err(format!("expected '{}'", p as char)))
        }
    }

    /// One level deeper, just after its opening bracket or parenthesis.
    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.err_at(
                self.pos - 1,
                format!("nested deeper than {} levels", self.max_depth),
            ));
        }
        Ok(())
    }

    fn observations(&mut self) -> Result<Observation, Error> {
        let mut items = vec![self.obs_or()?];
        while self.keyword("FOLLOWEDBY")? {
            items.push(self.obs_or()?);
        }
        Ok(one_or(items, Observation::FollowedBy))
    }

    fn obs_or(&mut self) -> Result<Observation, Error> {
        let mut items = vec![self.obs_and()?];
        while self.keyword("OR")? {
            items.push(self.obs_and()?);
        }
        Ok(one_or(items, Observation::Or))
    }

    fn obs_and(&mut self) -> Result<Observation, Error> {
        let mut items = vec![self.observation()?];
        while self.keyword("AND")? {
            items.push(self.observation()?);
        }
        Ok(one_or(items, Observation::And))
    }

    fn observation(&mut self) -> Result<Observation, Error> {
        self.ws()?;
        let inner = match self.peek() {
            Some(b'[') => {
                self.pos += 1;
                self.enter()?;
                let c = self.cmp_or()?;
                self.expect(b']')?;
                self.depth -= 1;
                Observation::Comparison(c)
            }
            Some(b'(') => {
                self.pos += 1;
                self.enter()?;
                let o = self.observations()?;
                self.expect(b')')?;
                self.depth -= 1;
                o
            }
            _ => return Err(self.err("expected '[' or '(' (an observation expression)")),
        };
        let mut qualifiers = Vec::new();
        loop {
            if self.keyword("WITHIN")? {
                self.ws()?;
                let at = self.pos;
                let seconds = match self.number()? {
                    Literal::Int(n) if n > 0 => n as f64,
                    Literal::Float(f) if f > 0.0 => f,
                    _ => return Err(self.err_at(at, "WITHIN needs a positive number of seconds")),
                };
                if !self.keyword("SECONDS")? {
                    return Err(self.err("expected SECONDS"));
                }
                qualifiers.push(Qualifier::Within(seconds));
            } else if self.keyword("REPEATS")? {
                self.ws()?;
                let at = self.pos;
                let times = match self.number()? {
                    Literal::Int(n) if n > 0 => n as u64,
                    _ => return Err(self.err_at(at, "REPEATS needs a positive integer")),
                };
                if !self.keyword("TIMES")? {
                    return Err(self.err("expected TIMES"));
                }
                qualifiers.push(Qualifier::Repeats(times));
            } else if self.keyword("START")? {
                let start = self.timestamp_literal()?;
                if !self.keyword("STOP")? {
                    return Err(self.err("expected STOP"));
                }
                let stop = self.timestamp_literal()?;
                qualifiers.push(Qualifier::StartStop(start, stop));
            } else {
                break;
            }
        }
        Ok(if qualifiers.is_empty() {
            inner
        } else {
            Observation::Qualified(Box::new(inner), qualifiers)
        })
    }

    fn timestamp_literal(&mut self) -> Result<String, Error> {
        self.ws()?;
        match self.literal()? {
            Literal::Timestamp(t) => Ok(t),
            _ => Err(self.err("expected a timestamp t'…'")),
        }
    }

    fn cmp_or(&mut self) -> Result<Comparison, Error> {
        let mut items = vec![self.cmp_and()?];
        while self.keyword("OR")? {
            items.push(self.cmp_and()?);
        }
        Ok(one_or(items, Comparison::Or))
    }

    fn cmp_and(&mut self) -> Result<Comparison, Error> {
        let mut items = vec![self.test()?];
        while self.keyword("AND")? {
            items.push(self.test()?);
        }
        Ok(one_or(items, Comparison::And))
    }

    fn test(&mut self) -> Result<Comparison, Error> {
        if self.punct(b'(')? {
            self.enter()?;
            let c = self.cmp_or()?;
            self.expect(b')')?;
            self.depth -= 1;
            return Ok(c);
        }
        if self.keyword("EXISTS")? {
            return Ok(Comparison::Exists(self.path()?));
        }
        let path = self.path()?;
        let negated = self.keyword("NOT")?;
        self.ws()?;
        let op = self.operator()?;
        self.ws()?;
        let value_at = self.pos;
        let value = match op {
            Operator::In => {
                self.expect(b'(')?;
                let mut items = Vec::new();
                if !self.punct(b')')? {
                    loop {
                        self.ws()?;
                        items.push(self.literal()?);
                        if self.punct(b')')? {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Value::Set(items)
            }
            Operator::Eq | Operator::Neq => Value::Literal(self.literal()?),
            Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge => {
                let lit = self.literal()?;
                if matches!(lit, Literal::Bool(_)) {
                    return Err(self.err_at(value_at, "a boolean cannot be ordered"));
                }
                Value::Literal(lit)
            }
            Operator::Like | Operator::Matches | Operator::IsSubset | Operator::IsSuperset => {
                match self.literal()? {
                    lit @ Literal::String(_) => Value::Literal(lit),
                    _ => return Err(self.err_at(value_at, "expected a string")),
                }
            }
        };
        Ok(Comparison::Test {
            path,
            negated,
            op,
            value,
        })
    }

    fn operator(&mut self) -> Result<Operator, Error> {
        let rest = &self.bytes()[self.pos..];
        for (text, op) in [
            ("==", Operator::Eq),
            ("!=", Operator::Neq),
            ("<>", Operator::Neq),
            ("<=", Operator::Le),
            (">=", Operator::Ge),
            ("=", Operator::Eq),
            ("<", Operator::Lt),
            (">", Operator::Gt),
        ] {
            if rest.starts_with(text.as_bytes()) {
                self.pos += text.len();
                return Ok(op);
            }
        }
        for (kw, op) in [
            ("IN", Operator::In),
            ("LIKE", Operator::Like),
            ("MATCHES", Operator::Matches),
            ("ISSUBSET", Operator::IsSubset),
            ("ISSUPERSET", Operator::IsSuperset),
        ] {
            if self.keyword(kw)? {
                return Ok(op);
            }
        }
        Err(self.err(
            "expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)",
        ))
    }

    fn ident(&mut self, hyphens: bool) -> Option<&'a str> {
        let b = self.bytes();
        let start = self.pos;
        if !b.get(start).is_some_and(|&c| is_ident_start(c)) {
            return None;
        }
        let mut end = start + 1;
        while b
            .get(end)
            .is_some_and(|&c| is_ident_char(c) || (hyphens && c == b'-'))
        {
            end += 1;
        }
        self.pos = end;
        Some(&self.s[start..end])
    }

    fn path(&mut self) -> Result<ObjectPath, Error> {
        self.ws()?;
        let Some(object_type) = self.ident(true) else {
            return Err(self.err("expected an object path (type:property)"));
        };
        let object_type = object_type.to_owned();
        self.expect(b':')?;
        self.ws()?;
        let mut steps = vec![Step::Key(self.key()?)];
        loop {
            self.ws()?;
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    self.ws()?;
                    steps.push(Step::Key(self.key()?));
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.ws()?;
                    if self.peek() == Some(b'*') {
                        self.pos += 1;
                        steps.push(Step::Any);
                    } else {
                        let at = self.pos;
                        match self.number()? {
                            Literal::Int(n) => steps.push(Step::Index(n)),
                            _ => return Err(self.err_at(at, "expected a list index or '*'")),
                        }
                    }
                    self.expect(b']')?;
                }
                _ => break,
            }
        }
        Ok(ObjectPath { object_type, steps })
    }

    fn key(&mut self) -> Result<String, Error> {
        if self.peek() == Some(b'\'') {
            return self.string();
        }
        match self.ident(false) {
            Some(k) => Ok(k.to_owned()),
            None => Err(self.err("expected a property name")),
        }
    }

    /// A quoted string at `pos` (on the quote), escapes undone.
    fn string(&mut self) -> Result<String, Error> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.s[self.pos..];
            let Some(i) = rest.find(['\'', '\\']) else {
                return Err(self.err_at(start, "unterminated string"));
            };
            out.push_str(&rest[..i]);
            self.pos += i;
            if self.peek() == Some(b'\'') {
                self.pos += 1;
                return Ok(out);
            }
            match self.bytes().get(self.pos + 1) {
                Some(&c @ (b'\'' | b'\\')) => {
                    out.push(c as char);
                    self.pos += 2;
                }
                _ => {
                    return Err(self.err("invalid escape (only \\' and \\\\ are allowed)"));
                }
            }
        }
    }

    /// The raw text of a prefixed literal (`t'…'`, `h'…'`, `b'…'`) at
    /// `pos` (on the prefix); no escapes are allowed in them.
    fn quoted_raw(&mut self) -> Result<(usize, &'a str), Error> {
        let start = self.pos;
        self.pos += 2;
        let Some(len) = self.s[self.pos..].find('\'') else {
            return Err(self.err_at(start, "unterminated literal"));
        };
        let body = &self.s[self.pos..self.pos + len];
        self.pos += len + 1;
        Ok((start, body))
    }

    fn literal(&mut self) -> Result<Literal, Error> {
        let b = self.bytes();
        let next = b.get(self.pos + 1).copied();
        match self.peek() {
            Some(b'\'') => Ok(Literal::String(self.string()?)),
            Some(b't') if next == Some(b'\'') => {
                let (at, body) = self.quoted_raw()?;
                if !is_timestamp(body) {
                    return Err(self.err_at(
                        at,
                        "invalid timestamp (expected t'YYYY-MM-DDTHH:MM:SS[.s]Z')",
                    ));
                }
                Ok(Literal::Timestamp(body.to_owned()))
            }
            Some(b'h') if next == Some(b'\'') => {
                let (at, body) = self.quoted_raw()?;
                if !body.len().is_multiple_of(2) || !body.bytes().all(|c| c.is_ascii_hexdigit()) {
                    return Err(self.err_at(at, "invalid hex literal (pairs of hex digits)"));
                }
                Ok(Literal::Hex(body.to_owned()))
            }
            Some(b'b') if next == Some(b'\'') => {
                let (at, body) = self.quoted_raw()?;
                if !is_base64(body) {
                    return Err(self.err_at(at, "invalid binary literal (base64)"));
                }
                Ok(Literal::Binary(body.to_owned()))
            }
            Some(b'+' | b'-' | b'.' | b'0'..=b'9') => self.number(),
            Some(c) if is_ident_start(c) => {
                let at = self.pos;
                let word = self.ident(false).unwrap_or_default();
                if word.eq_ignore_ascii_case("true") {
                    Ok(Literal::Bool(true))
                } else if word.eq_ignore_ascii_case("false") {
                    Ok(Literal::Bool(false))
                } else {
                    Err(self.err_at(at, "expected a constant"))
                }
            }
            _ => Err(self.err("expected a constant")),
        }
    }

    /// `[+-]` digits, or `[+-]` [digits] `.` digits.
    fn number(&mut self) -> Result<Literal, Error> {
        let b = self.bytes();
        let start = self.pos;
        let mut i = start;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let int_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let int_digits = &b[int_start..i];
        if b.get(i) == Some(&b'.') {
            i += 1;
            let frac_start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == frac_start {
                return Err(self.err_at(start, "expected digits after '.'"));
            }
            self.pos = i;
            return self.s[start..i]
                .parse::<f64>()
                .map(Literal::Float)
                .map_err(|_| self.err_at(start, "invalid number"));
        }
        if int_digits.is_empty() {
            return Err(self.err_at(start, "expected a number"));
        }
        if int_digits.len() > 1 && int_digits[0] == b'0' {
            return Err(self.err_at(start, "leading zero in an integer"));
        }
        self.pos = i;
        let text = self.s[start..i].trim_start_matches('+');
        text.parse::<i64>()
            .map(Literal::Int)
            .map_err(|_| self.err_at(start, "integer out of range"))
    }
}

fn one_or<T>(mut items: Vec<T>, many: impl FnOnce(Vec<T>) -> T) -> T {
    if items.len() == 1 {
        items.pop().expect("one item")
    } else {
        many(items)
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.s+]Z` with the ranges of the pattern grammar.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let num = |r: std::ops::Range<usize>| {
        b[r].iter()
            .fold(0u32, |n, &d| n * 10 + u32::from(d.wrapping_sub(b'0')))
    };
    if !(digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19))
    {
        return false;
    }
    let frac = &b[19..b.len() - 1];
    if !(frac.is_empty()
        || (frac.len() >= 2 && frac[0] == b'.' && frac[1..].iter().all(u8::is_ascii_digit)))
    {
        return false;
    }
    (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
        && num(11..13) <= 23
        && num(14..16) <= 59
        && num(17..19) <= 60
}

fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return false;
    }
    let body = s.trim_end_matches('=');
    b.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> Pattern {
        Pattern::parse(p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    fn bad(p: &str) -> String {
        Pattern::parse(p).unwrap_err().to_string()
    }

    #[test]
    fn the_grammar_is_covered() {
        for p in [
            "[ipv4-addr:value = '10.0.0.0']",
            "[ ipv4-addr:value = '10.0.0.0' ]",
            "[file:hashes.'SHA-256' = 'ab' OR file:hashes.MD5 == 'cd']",
            "[email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
            "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c']",
            "[network-traffic:dst_port >= 1024 AND network-traffic:dst_port <= 65535]",
            "[file:size > 1.5]",
            "[file:size < -1] OR [file:size <> +3]",
            "[ipv4-addr:value NOT IN ('1.2.3.4', '5.6.7.8')]",
            "[ipv4-addr:value IN ()]",
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
            "[ipv4-addr:value ISSUPERSET '198.51.100.0/24']",
            "[file:name LIKE 'x%']",
            "[file:created = t'2014-01-13T07:03:17Z']",
            "[file:mime_type = 'x'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.123Z'",
            "[file:x_bin = b'ZmluZA=='] AND [file:x_hex = h'0aFF']",
            "[process:is_hidden = true] FOLLOWEDBY [process:is_hidden = FALSE]",
            "([a:b = 'c'] AND [d:e = 'f']) WITHIN 300 SECONDS REPEATS 5 TIMES",
            "[a:b = 'c'] WITHIN 0.5 SECONDS",
            "[EXISTS windows-registry-key:values[0].data]",
            "[(a:b = 'c' OR a:b = 'd') AND NOT_A:b != 'x']",
            "[user-account:extensions.'unix-account-ext'.gid = 1001]",
            "[a:b = 'it\\'s']",
            "/* comment */ [a:b = 'c'] // trailing",
        ] {
            ok(p);
        }
    }

    #[test]
    fn equalities_are_the_indicator_values() {
        let p = ok(
            "[ipv4-addr:value = '1.2.3.4' OR (domain-name:value IN ('a.example', 'b.example') AND domain-name:value NOT = 'c.example')] FOLLOWEDBY [url:value = 'http://x\\'y']",
        );
        let values: Vec<String> = p
            .equalities()
            .iter()
            .map(|(path, v)| format!("{}:{:?}={v}", path.object_type, path.keys().unwrap()))
            .collect();
        assert_eq!(
            values,
            [
                "ipv4-addr:[\"value\"]=1.2.3.4",
                "domain-name:[\"value\"]=a.example",
                "domain-name:[\"value\"]=b.example",
                "url:[\"value\"]=http://x'y",
            ]
        );
    }

    #[test]
    fn errors_name_the_byte() {
        assert_eq!(
            bad(""),
            "pattern: expected '[' or '(' (an observation expression) at byte 0"
        );
        assert_eq!(bad("[a:b = 'c'"), "pattern: expected ']' at byte 10");
        assert_eq!(bad("[a:b = 'c"), "pattern: unterminated string at byte 7");
        assert_eq!(
            bad("[a:b ~ 'c']"),
            "pattern: expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) at byte 5"
        );
        assert_eq!(
            bad("[a:b = 'c\\d']"),
            "pattern: invalid escape (only \\' and \\\\ are allowed) at byte 9"
        );
        assert_eq!(
            bad("[a:b = t'2024-13-01T00:00:00Z']"),
            "pattern: invalid timestamp (expected t'YYYY-MM-DDTHH:MM:SS[.s]Z') at byte 7"
        );
        assert_eq!(
            bad("[a:b = h'abc']"),
            "pattern: invalid hex literal (pairs of hex digits) at byte 7"
        );
        assert_eq!(
            bad("[a:b = 'c'] WITHIN 0 SECONDS"),
            "pattern: WITHIN needs a positive number of seconds at byte 19"
        );
        assert_eq!(
            bad("[a:b = 'c'] x"),
            "pattern: unexpected text after the pattern at byte 12"
        );
        assert_eq!(
            bad("[a:b > true]"),
            "pattern: a boolean cannot be ordered at byte 7"
        );
        assert_eq!(
            bad("[a:b = 007]"),
            "pattern: leading zero in an integer at byte 7"
        );
        assert_eq!(bad("[a = 'c']"), "pattern: expected ':' at byte 3");
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!("{}[a:b = 'c']{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(
            bad(&deep),
            "pattern: nested deeper than 64 levels at byte 64"
        );
        let inner = format!("[{}a:b = 'c'{}]", "(".repeat(62), ")".repeat(62));
        ok(&inner);
        let deeper = format!("{}[a:b = 'c']{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(
            Pattern::parse_with_depth(&deeper, usize::MAX)
                .unwrap_err()
                .to_string(),
            "pattern: nested deeper than 64 levels at byte 64"
        );
        let long_chain = vec!["[a:b = 'c']"; 100_000].join(" OR ");
        assert_eq!(ok(&long_chain).tests().len(), 100_000);
    }

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(quote("a'b\\c"), "'a\\'b\\\\c'");
        let p = ok(&format!("[url:value = {}]", quote("http://x/'\\'")));
        assert_eq!(p.equalities()[0].1, "http://x/'\\'");
    }
}
