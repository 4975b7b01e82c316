//! The crate's one error type.

/// What went wrong reading a decision-point value or a deadline policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value that is not one of the decision point's (or outcome's) names.
    #[error("{point}: unknown value {value:?} (expected one of: {expected})")]
    UnknownValue {
        point: &'static str,
        value: String,
        /// The accepted names, comma-separated.
        expected: String,
    },
    /// A policy document that does not parse or breaks a rule; `line` and
    /// `column` (1-based) point at the offending key or value when known.
    #[error("policy: {}{message}", match (line, column) { (Some(l), Some(c)) => format!("line {l}, column {c}: "), _ => String::new() })]
    Policy {
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
}
