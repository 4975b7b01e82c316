//! CPE 2.3: placeholder.
