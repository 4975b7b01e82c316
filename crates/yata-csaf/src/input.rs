//! Bytes to a JSON value, within the limits of a [`Config`].

use serde_json::Value;

use crate::{Config, CsafError};

/// Parses `bytes` as a JSON object, checking size and nesting first.
pub(crate) fn parse(bytes: &[u8], config: &Config) -> Result<Value, CsafError> {
    if bytes.len() > config.max_bytes {
        return Err(CsafError::TooLarge {
            size: bytes.len(),
            limit: config.max_bytes,
        });
    }
    check_depth(bytes, config.max_depth)?;
    let value: Value = serde_json::from_slice(bytes).map_err(|e| CsafError::NotJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    match value {
        Value::Object(_) => Ok(value),
        Value::Null => Err(CsafError::NotAnObject { found: "null" }),
        Value::Bool(_) => Err(CsafError::NotAnObject { found: "boolean" }),
        Value::Number(_) => Err(CsafError::NotAnObject { found: "number" }),
        Value::String(_) => Err(CsafError::NotAnObject { found: "string" }),
        Value::Array(_) => Err(CsafError::NotAnObject { found: "array" }),
    }
}

/// Rejects nesting of arrays and objects deeper than `limit` before parsing,
/// naming the line and column (1-based) of the bracket that goes too deep.
/// Brackets inside strings do not count; malformed JSON is left to the parser.
fn check_depth(bytes: &[u8], limit: usize) -> Result<(), CsafError> {
    let (mut depth, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(CsafError::TooDeep {
                        line,
                        column: i - line_start + 1,
                        limit,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, max_depth: usize, expect: &str) {
        let config = Config {
            max_depth,
            max_bytes: 64,
            ..Config::default()
        };
        let got = match parse(input.as_bytes(), &config) {
            Ok(_) => "ok".to_owned(),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expect, "{input}");
    }

    #[test]
    fn limits_and_errors() {
        check(r#"{"a": [1]}"#, 2, "ok");
        check(
            r#"{"a": [[1]]}"#,
            2,
            "csaf: line 1, column 8: nesting deeper than the limit of 2",
        );
        check("{\"a\":\n  [\"[[[[\"]}", 2, "ok");
        check(
            "{\"a\":\n  [[1]]}",
            2,
            "csaf: line 2, column 4: nesting deeper than the limit of 2",
        );
        check(
            &" ".repeat(65),
            2,
            "csaf: input is 65 bytes, more than the limit of 64",
        );
        check("[]", 2, "csaf: the document is a JSON array, not an object");
        check(
            "{\"a\": }",
            2,
            "csaf: line 1, column 7: not JSON: expected value at line 1 column 7",
        );
    }
}
