//! The CWE weakness catalogue (version 4.17) for test 6.1.11.

static CATALOGUE: &str = include_str!("../data/cwe-4.17.tsv");

/// The catalogue version, for messages.
pub(crate) const VERSION: &str = "4.17";

/// The name of weakness `id` (`CWE-79`), if the catalogue has it.
pub(crate) fn name(id: &str) -> Option<&'static str> {
    let number = id.strip_prefix("CWE-")?;
    CATALOGUE.lines().find_map(|line| {
        let (n, name) = line.split_once('\t')?;
        (n == number).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookup() {
        assert_eq!(super::name("CWE-416"), Some("Use After Free"));
        assert_eq!(super::name("CWE-0"), None);
        assert_eq!(super::name("79"), None);
    }
}
