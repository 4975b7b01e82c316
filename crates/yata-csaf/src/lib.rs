//! CSAF 2.0 document validation: the JSON schema and the tests of section 6
//! of the standard (6.1 mandatory, 6.2 optional, 6.3 informative).
//!
//! ```
//! let report = yata_csaf::validate(br#"{"document": {}}"#).unwrap();
//! assert!(!report.is_valid());
//! for failure in report.failures() {
//!     println!("{failure}"); // `<test id> <JSON Pointer>: <message>`
//! }
//! ```
//!
//! Bytes in, [`Report`] out: no file, network or database access. Every
//! `$ref` of the CSAF schema resolves to a schema bundled in the crate
//! (`schema/`), and the CWE catalogue for test 6.1.11 is bundled too
//! (`data/`).
//!
//! Locations are JSON Pointers (RFC 6901), such as
//! `/vulnerabilities/0/product_status/fixed/1`; the document root is the empty
//! pointer, which [`Failure`]'s `Display` prints as `(root)`.
//!
//! The tests run on the parsed JSON value, not on a typed model, because they
//! must also run on documents that break the schema (as the reference
//! validators do): a test skips the parts it cannot read.
//!
//! Hand-written rules, because no Rust crate implements the CSAF tests; the
//! CVSS calculators are small and live here too (`cvss`), the schema check is
//! the `jsonschema` crate, language tags are checked by `language-tags` and
//! package URLs by `yata-purl`.

#![forbid(unsafe_code)]

mod catalogue;
mod cvss;
mod cwe;
mod date;
mod doc;
mod informative;
mod input;
mod mandatory;
mod optional;
mod schema;

use std::fmt;

pub use catalogue::{TestInfo, all_tests};

/// The default limit on input size: 16 MiB. The CSAF 2.0 guidance on size
/// (section 3.1) says a document should stay below 15 MB.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// The default limit on nesting of JSON arrays and objects. A product tree of
/// 40 levels of branches nests about 85 deep.
pub const DEFAULT_MAX_DEPTH: usize = 100;

/// Why a document could not be validated at all (as opposed to being invalid).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsafError {
    /// The input is larger than [`Config::max_bytes`].
    #[error("csaf: input is {size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    /// Arrays and objects nest deeper than [`Config::max_depth`].
    #[error("csaf: line {line}, column {column}: nesting deeper than the limit of {limit}")]
    TooDeep {
        line: usize,
        column: usize,
        limit: usize,
    },
    /// The input is not JSON (or not UTF-8).
    #[error("csaf: line {line}, column {column}: not JSON: {message}")]
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// The input is JSON but not an object, so it cannot be a CSAF document.
    #[error("csaf: the document is a JSON {found}, not an object")]
    NotAnObject { found: &'static str },
}

/// Which tests to run and the limits on input.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects accepted.
    pub max_depth: usize,
    /// Run the optional tests (6.2); their failures are warnings.
    pub optional: bool,
    /// Run the informative tests (6.3); their failures are hints.
    pub informative: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            optional: true,
            informative: true,
        }
    }
}

/// The groups of tests. Only [`Group::Schema`] and [`Group::Mandatory`]
/// failures make a document invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// The CSAF 2.0 JSON schema (conformance requires it).
    Schema,
    /// Section 6.1: a failure makes the document invalid.
    Mandatory,
    /// Section 6.2: a failure is a warning.
    Optional,
    /// Section 6.3: a failure is a hint.
    Informative,
}

impl Group {
    /// `schema`, `mandatory`, `optional` or `informative`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Schema => "schema",
            Group::Mandatory => "mandatory",
            Group::Optional => "optional",
            Group::Informative => "informative",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One failed test at one place in the document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    test: &'static str,
    group: Group,
    path: String,
    message: String,
}

impl Failure {
    /// The test id: `schema`, or a section number such as `6.1.27.9`.
    pub fn test(&self) -> &'static str {
        self.test
    }

    /// The group of the test.
    pub fn group(&self) -> Group {
        self.group
    }

    /// Where: a JSON Pointer (RFC 6901) into the document, empty for the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong, in lowercase prose.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Failure {
    /// `<test id> <JSON Pointer>: <message>`, the root printed as `(root)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        write!(f, "{} {}: {}", self.test, path, self.message)
    }
}

/// The outcome of validating one document.
#[derive(Debug, Clone, Default)]
pub struct Report {
    failures: Vec<Failure>,
    tests_run: Vec<&'static str>,
}

impl Report {
    /// Every failure, tests in catalogue order (`schema`, then 6.1.1, 6.1.2,
    /// …), each test's failures in document order.
    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }

    /// Whether the document is a valid CSAF document: it passes the schema
    /// and every mandatory test. Optional and informative failures do not
    /// count.
    pub fn is_valid(&self) -> bool {
        !self
            .failures
            .iter()
            .any(|f| matches!(f.group, Group::Schema | Group::Mandatory))
    }

    /// Whether `test` (such as `6.1.8` or `schema`) has a failure.
    pub fn failed(&self, test: &str) -> bool {
        self.failures.iter().any(|f| f.test == test)
    }

    /// The ids of the tests that ran, in catalogue order (`schema` first). A
    /// test that is not listed was not run: it neither passed nor failed.
    pub fn tests_run(&self) -> &[&'static str] {
        &self.tests_run
    }
}

/// Validates a CSAF 2.0 document with the default [`Config`]: schema,
/// mandatory, optional and informative tests.
///
/// # Errors
/// When the input is too large, nests too deep, or is not a JSON object.
pub fn validate(bytes: &[u8]) -> Result<Report, CsafError> {
    validate_with(bytes, &Config::default())
}

/// Validates a CSAF 2.0 document with the given limits and test groups.
///
/// # Errors
/// As [`validate`].
pub fn validate_with(bytes: &[u8], config: &Config) -> Result<Report, CsafError> {
    let value = input::parse(bytes, config)?;
    Ok(validate_value(&value, config))
}

/// Validates an already parsed JSON value (the caller has applied its own
/// limits). A value that is not an object fails the schema.
pub fn validate_value(doc: &serde_json::Value, config: &Config) -> Report {
    let mut out = Out::default();
    out.run("schema", |out| schema::check(doc, out));
    for (id, test) in mandatory::TESTS {
        out.run(id, |out| test(doc, out));
    }
    if config.optional {
        for (id, test) in optional::TESTS {
            out.run(id, |out| test(doc, out));
        }
    }
    if config.informative {
        for (id, test) in informative::TESTS {
            out.run(id, |out| test(doc, out));
        }
    }
    let mut failures = out.failures;
    failures.dedup();
    Report {
        failures,
        tests_run: out.ran,
    }
}

/// Collects failures for the test that is running.
#[derive(Default)]
pub(crate) struct Out {
    current: &'static str,
    failures: Vec<Failure>,
    ran: Vec<&'static str>,
}

impl Out {
    pub(crate) fn run(&mut self, id: &'static str, test: impl FnOnce(&mut Out)) {
        self.current = id;
        self.ran.push(id);
        test(self);
    }

    /// Records a failure of the running test at `path`.
    pub(crate) fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let test = self.current;
        self.failures.push(Failure {
            test,
            group: catalogue::group_of(test),
            path: path.into(),
            message: message.into(),
        });
    }
}
