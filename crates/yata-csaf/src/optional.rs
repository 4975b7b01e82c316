//! The optional tests of CSAF 2.0, section 6.2: failures are warnings.

use serde_json::Value;

use crate::Out;

type Test = fn(&Value, &mut Out);

pub(crate) static TESTS: &[(&str, Test)] = &[];
