use super::*;

#[track_caller]
fn check(input: &str, canonical: &str) {
    let purl: Purl = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(purl.to_string(), canonical, "{input}");
    let again: Purl = canonical.parse().unwrap();
    assert_eq!(again, purl);
}

#[track_caller]
fn check_err(input: &str, message: &str) {
    let err = input.parse::<Purl>().unwrap_err();
    assert_eq!(err.to_string(), message, "{input}");
}

#[test]
fn canonical_forms() {
    check(
        "pkg:npm/%40angular/animation@12.3.1",
        "pkg:npm/%40angular/animation@12.3.1",
    );
    check(
        "pkg:npm/@babel/core#/a/./../b/",
        "pkg:npm/%40babel/core#a/b",
    );
    check("pkg:brew/node@20@20.10.0", "pkg:brew/node%4020@20.10.0");
    check("pkg:///maven/a.b/c", "pkg:maven/a.b/c");
    check(
        "pkg:PYPI/Django_.package@1.0RC1",
        "pkg:pypi/django-package@1.0rc1",
    );
    check("pkg:generic/x?b=2&a=1%2C2&c=", "pkg:generic/x?a=1%2C2&b=2");
    check(
        "pkg:git/Codeberg.org/Forgejo/forgejo@abc",
        "pkg:git/codeberg.org/forgejo/forgejo@abc",
    );
    check(
        "pkg:deb/debian/attr@1:2.4.47-2%2Bb1",
        "pkg:deb/debian/attr@1:2.4.47-2%2Bb1",
    );
}

#[test]
fn getters() {
    let p: Purl = "pkg:maven/org.apache/io@1.0%20Final?type=pom&classifier=src#a/b"
        .parse()
        .unwrap();
    assert_eq!(p.ty(), "maven");
    assert_eq!(p.namespace(), Some("org.apache"));
    assert_eq!(p.name(), "io");
    assert_eq!(p.version(), Some("1.0 Final"));
    assert_eq!(p.subpath(), Some("a/b"));
    let q = p.qualifiers();
    assert_eq!(q.len(), 2);
    assert_eq!(q.get("type"), Some("pom"));
    assert_eq!(q.get("nope"), None);
    assert_eq!(
        q.iter().collect::<Vec<_>>(),
        [("classifier", "src"), ("type", "pom")]
    );
}

#[test]
fn errors_are_located() {
    check_err("npm/foo", "purl: missing required scheme \"pkg:\"");
    check_err("pkg%3Amaven/a/b", "purl: missing required scheme \"pkg:\"");
    check_err(
        "pkg:3nginx/nginx",
        "purl: type: must start with an ASCII letter, found '3' at byte 4",
    );
    check_err(
        "pkg:nginx:a/nginx",
        "purl: type: invalid character ':' at byte 9",
    );
    check_err(
        "pkg:maven/org.apache.commons/%zz",
        "purl: name: invalid percent-encoding at byte 29",
    );
    check_err(
        "pkg:npm/foo@1%2",
        "purl: version: invalid percent-encoding at byte 13",
    );
    check_err("pkg:npm/foo@", "purl: version: empty after '@' at byte 11");
    check_err("pkg:hackage", "purl: name: missing");
    check_err(
        "pkg:npm/a?in%20production=true",
        "purl: qualifiers: invalid key \"in%20production\" at byte 10: \
         only lowercase ASCII letters, digits, '.', '-' and '_' are allowed",
    );
    check_err(
        "pkg:npm/a?x=1&x=2",
        "purl: qualifiers: duplicate key \"x\" at byte 14",
    );
    check_err(
        "pkg:npm/a?x",
        "purl: qualifiers: missing '=' in \"x\" at byte 10",
    );
    check_err(
        "pkg:npm/a#b%2Fc",
        "purl: subpath: segment \"b%2Fc\" contains '/' at byte 10",
    );
    check_err(
        "pkg:swift/Alamofire@5",
        "purl: namespace: required for type \"swift\"",
    );
    check_err(
        "pkg:vcpkg/boost/asio",
        "purl: namespace: not allowed for type \"vcpkg\"",
    );
    check_err(
        "pkg:julia/Dates",
        "purl: qualifiers: \"uuid\" is required for type \"julia\"",
    );
    check_err(
        "pkg:cpan/URI::PackageURL",
        "purl: name: must be a distribution name, not a module name with '::' for type \"cpan\"",
    );
}

#[test]
fn qualifier_keys_strict_and_lenient() {
    check_err(
        "pkg:gem/a?Platform=java",
        "purl: qualifiers: invalid key \"Platform\" at byte 10: \
         only lowercase ASCII letters, digits, '.', '-' and '_' are allowed",
    );
    let p = Purl::parse_lenient("pkg:gem/a?Platform=java").unwrap();
    assert_eq!(p.to_string(), "pkg:gem/a?platform=java");
}

#[test]
fn builder() {
    let p = Purl::builder("PyPI", "Foo_Bar")
        .version("1.0")
        .qualifier("File_Name", "x y")
        .qualifier("empty", "")
        .subpath("/a//b/")
        .build()
        .unwrap();
    assert_eq!(p.to_string(), "pkg:pypi/foo-bar@1.0?file_name=x%20y#a/b");
    assert_eq!(
        Purl::builder("", "x").build().unwrap_err(),
        PurlError::MissingType
    );
    assert_eq!(
        Purl::builder("npm", "").build().unwrap_err(),
        PurlError::MissingName
    );
    let git = Purl::builder("git", "forgejo/forgejo")
        .namespace("codeberg.org")
        .build()
        .unwrap();
    assert_eq!(git.to_string(), "pkg:git/codeberg.org/forgejo/forgejo");
    assert_eq!(git.to_string().parse::<Purl>().unwrap(), git);
}

#[test]
fn equality_ignores_input_order() {
    let a: Purl = "pkg:npm/a?x=1&y=2".parse().unwrap();
    let b: Purl = "pkg:npm/a?y=2&x=1".parse().unwrap();
    assert_eq!(a, b);
    let mut set = std::collections::HashSet::new();
    set.insert(a);
    assert!(set.contains(&b));
}
