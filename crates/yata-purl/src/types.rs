//! Type-specific rules from the purl-spec type definitions
//! (`types/*-definition.json`), for the types its conformance suite tests.
//! Unknown types get the generic rules only.

use crate::{Component, PurlError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    Optional,
    Required,
    Prohibited,
}

/// How a type's name is normalised beyond case folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    Plain,
    /// PyPI: runs of `-`, `_` and `.` become one `-`.
    Pypi,
    /// MLflow: lowercased when the repository is a Databricks server.
    Mlflow,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeRules {
    pub namespace: Requirement,
    pub lower_namespace: bool,
    pub lower_name: bool,
    pub lower_version: bool,
    pub name_rule: NameRule,
    /// `git`: the namespace is the first path segment (the host) and the
    /// name is the rest of the path, slashes included.
    pub host_namespace: bool,
    pub required_qualifier: Option<&'static str>,
}

const DEFAULT: TypeRules = TypeRules {
    namespace: Requirement::Optional,
    lower_namespace: false,
    lower_name: false,
    lower_version: false,
    name_rule: NameRule::Plain,
    host_namespace: false,
    required_qualifier: None,
};

/// Rules for an already lowercased, validated type.
pub(crate) fn rules(ty: &str) -> TypeRules {
    use Requirement::*;
    let lower_both = TypeRules {
        lower_namespace: true,
        lower_name: true,
        ..DEFAULT
    };
    match ty {
        "alpm" | "brew" | "composer" | "hex" | "luarocks" | "npm" => lower_both,
        "apk" | "bitbucket" | "deb" | "github" | "golang" => TypeRules {
            namespace: Required,
            ..lower_both
        },
        "git" => TypeRules {
            namespace: Required,
            host_namespace: true,
            ..lower_both
        },
        "vscode-extension" => TypeRules {
            namespace: Required,
            lower_version: true,
            ..lower_both
        },
        "bitnami" | "pub" => TypeRules {
            lower_name: true,
            ..DEFAULT
        },
        "qpkg" | "rpm" => TypeRules {
            lower_namespace: true,
            ..DEFAULT
        },
        "chrome-extension" => TypeRules {
            namespace: Prohibited,
            lower_name: true,
            ..DEFAULT
        },
        "oci" | "otp" => TypeRules {
            namespace: Prohibited,
            lower_name: true,
            ..DEFAULT
        },
        "cran" | "vcpkg" => TypeRules {
            namespace: Prohibited,
            ..DEFAULT
        },
        "julia" => TypeRules {
            namespace: Prohibited,
            required_qualifier: Some("uuid"),
            ..DEFAULT
        },
        "mlflow" => TypeRules {
            namespace: Prohibited,
            name_rule: NameRule::Mlflow,
            ..DEFAULT
        },
        "pypi" => TypeRules {
            namespace: Prohibited,
            lower_name: true,
            lower_version: true,
            name_rule: NameRule::Pypi,
            ..DEFAULT
        },
        "huggingface" => TypeRules {
            namespace: Required,
            lower_version: true,
            ..DEFAULT
        },
        "maven" | "swift" => TypeRules {
            namespace: Required,
            ..DEFAULT
        },
        "swid" => TypeRules {
            required_qualifier: Some("tag_id"),
            ..DEFAULT
        },
        _ => DEFAULT,
    }
}

/// Collapses runs of `-`, `_`, `.` in `bytes[start..]` to a single `-`.
/// Only ASCII bytes are touched, so UTF-8 stays valid.
pub(crate) fn pypi_normalize(bytes: &mut Vec<u8>, start: usize) {
    let mut write = start;
    let mut in_run = false;
    for read in start..bytes.len() {
        let b = bytes[read];
        if matches!(b, b'-' | b'_' | b'.') {
            if in_run {
                continue;
            }
            in_run = true;
            bytes[write] = b'-';
        } else {
            in_run = false;
            bytes[write] = b;
        }
        write += 1;
    }
    bytes.truncate(write);
}

/// Lowercases `bytes[start..]` (known to be UTF-8) with the Unicode full
/// case mapping; ASCII, by far the common case, is done in place.
pub(crate) fn lowercase_tail(bytes: &mut Vec<u8>, start: usize) {
    let Some(tail) = bytes.get_mut(start..) else {
        return;
    };
    if tail.is_ascii() {
        tail.make_ascii_lowercase();
        return;
    }
    if let Ok(s) = std::str::from_utf8(tail) {
        let lower = s.to_lowercase();
        bytes.truncate(start);
        bytes.extend_from_slice(lower.as_bytes());
    }
}

/// Checks that need the finished, normalised components.
pub(crate) fn check(ty: &str, name: &str, version: Option<&str>) -> Result<(), PurlError> {
    let fail = |component, reason| {
        Err(PurlError::TypeRule {
            ty: ty.into(),
            component,
            reason,
        })
    };
    match ty {
        "chrome-extension" => {
            if name.len() != 32 || !name.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
                return fail(Component::Name, "must be 32 letters from 'a' to 'p'");
            }
            if let Some(v) = version {
                let ok = v.split('.').count() <= 4
                    && v.split('.')
                        .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
                if !ok {
                    return fail(Component::Version, "must be 1 to 4 dot-separated numbers");
                }
            }
        }
        "cpan" if name.contains("::") => {
            return fail(
                Component::Name,
                "must be a distribution name, not a module name with '::'",
            );
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi() {
        let mut b = b"xDjango__-.package".to_vec();
        pypi_normalize(&mut b, 1);
        assert_eq!(b, b"xDjango-package");
    }

    #[test]
    fn lowercase() {
        let mut b = "keepÉCOLE".as_bytes().to_vec();
        lowercase_tail(&mut b, 4);
        assert_eq!(String::from_utf8(b).unwrap(), "keepécole");
    }
}
