//! The informative tests of CSAF 2.0, section 6.3: failures are hints.

use serde_json::Value;

use crate::Out;

type Test = fn(&Value, &mut Out);

pub(crate) static TESTS: &[(&str, Test)] = &[];
