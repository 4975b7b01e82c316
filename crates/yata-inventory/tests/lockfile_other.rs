//! Go, Ruby, PHP, Maven, Gradle, NuGet, Dart and Elixir lockfiles and manifests.

use yata_inventory::{Format, Inventory, InventoryError, Limits, parse};
use yata_model::inventory::Component;

fn fixture(dir: &str, file: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/data/lockfiles/{dir}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One line per component: PURL (or `name@version` without one), then scope
/// and hashes (first 12 characters) when present.
fn line(c: &Component) -> String {
    let mut s = match &c.purl {
        Some(p) => p.clone(),
        None => format!(
            "{}@{} (no purl)",
            c.name,
            c.version.as_deref().unwrap_or("")
        ),
    };
    if let Some(scope) = &c.scope {
        s += &format!(" scope={scope}");
    }
    for h in &c.hashes {
        s += &format!(" {}:{}", h.alg, &h.value[..h.value.len().min(12)]);
    }
    s
}

/// Parses `bytes` as `format` and asserts the components, exactly and in
/// order; returns the inventory for further checks.
fn check(format: Format, bytes: &[u8], expect: &[&str]) -> Inventory {
    let inv = parse(format, bytes, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<String> = inv.components.iter().map(line).collect();
    assert_eq!(got, expect, "components of {format}");
    assert_eq!(inv.document.format, format.name());
    assert_eq!(inv.document.digest, yata_inventory::digest(bytes));
    inv
}

fn fails(format: Format, text: &str) -> InventoryError {
    match parse(format, text.as_bytes(), &Limits::default()) {
        Ok(inv) => panic!("{format}: expected an error, got {inv:#?}"),
        Err(e) => e,
    }
}

fn warnings(inv: &Inventory) -> Vec<String> {
    inv.warnings
        .iter()
        .map(|w| format!("{}: {}", w.path, w.message))
        .collect()
}

fn edges(inv: &Inventory) -> Vec<String> {
    inv.dependencies
        .iter()
        .map(|d| format!("{} -> {}", d.from, d.to.join(" ")))
        .collect()
}

const GIT_RAILS: &str = "pkg:gem/activesupport@7.2.0.alpha?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Frails%2Frails.git%407c70791470fc517deb7c640bead9f1b47efb5539";

// ---- go.mod

#[test]
fn gomod_fixture() {
    let inv = check(
        Format::GoMod,
        &fixture("gomod", "go.mod"),
        &[
            "pkg:golang/example.com/othermodule@v1.2.3",
            // Replaced at this exact version by a pseudo-version.
            "pkg:golang/golang.org/x/net@v0.17.1-0.20231101000000-abcdefabcdef",
            "pkg:golang/golang.org/x/text@v0.13.0",
            "pkg:golang/github.com/burntsushi/toml@v1.3.2",
            "pkg:golang/example.com/quoted@v0.1.0",
            // Replaced by a local directory: kept as required, with a warning.
            "pkg:golang/example.com/local@v1.0.0",
            // Replaced (any version) by another module.
            "pkg:golang/example.com/new@v2.0.0%2Bincompatible",
            // The toolchain directive wins over the go directive.
            "stdlib@1.21.3 (no purl)",
        ],
    );
    let toml = &inv.components[3];
    assert_eq!(toml.name, "github.com/BurntSushi/toml");
    assert_eq!(toml.ecosystem.as_deref(), Some("Go"));
    assert_eq!(inv.components[7].ecosystem.as_deref(), Some("Go"));
    let subject = inv.subject.as_ref().expect("module");
    assert_eq!(
        subject.purl.as_deref(),
        Some("pkg:golang/example.com/mymodule")
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("1.21"));
    assert_eq!(
        inv.document.metadata.get("exclude").map(String::as_str),
        Some("example.com/thismodule@v1.3.0 golang.org/x/net@v0.16.0")
    );
    // Direct requirements only: `// indirect` (also among other comments) is not.
    assert_eq!(
        edges(&inv),
        [
            "pkg:golang/example.com/mymodule -> pkg:golang/example.com/local@v1.0.0 \
          pkg:golang/example.com/new@v2.0.0%2Bincompatible pkg:golang/example.com/othermodule@v1.2.3 \
          pkg:golang/example.com/quoted@v0.1.0 \
          pkg:golang/golang.org/x/net@v0.17.1-0.20231101000000-abcdefabcdef"
        ]
    );
    assert_eq!(
        warnings(&inv),
        [
            "line 15: example.com/local v1.0.0 is replaced by the local directory ../local (line 30); \
          its code may differ from that version"
        ]
    );
}

#[test]
fn gomod_go_directive_alone_gives_stdlib() {
    let inv = check(
        Format::GoMod,
        b"module m\ngo 1.22.4\nrequire rsc.io/quote/v3 v3.1.0\n",
        &[
            "pkg:golang/rsc.io/quote/v3@v3.1.0",
            "stdlib@1.22.4 (no purl)",
        ],
    );
    assert_eq!(inv.subject.as_ref().map(|s| s.name.as_str()), Some("m"));
    check(Format::GoMod, b"module m\n", &[]);
}

#[test]
fn gomod_errors() {
    let e = fails(Format::GoMod, "module m\nrequire (\n\ta v1.0.0\n");
    assert_eq!(
        (e.path.as_str(), e.message.as_str()),
        ("line 2", "require block not closed with )")
    );
    let e = fails(Format::GoMod, "module \"m\n");
    assert_eq!(e.to_string(), "go-mod: line 1: unterminated quoted string");
    let e = fails(Format::GoMod, "module m n\n");
    assert_eq!(e.path, "line 1");
    let e = parse(Format::GoMod, b"module m\n// \xff\n", &Limits::default()).unwrap_err();
    assert_eq!(e.path, "line 2");
    let inv = check(Format::GoMod, b"module m\nrequire a\nfrobnicate x\n", &[]);
    assert_eq!(
        warnings(&inv),
        [
            "line 2: require: expected module path and version; skipped",
            "line 3: unknown directive \"frobnicate\"; ignored"
        ]
    );
}

// ---- Gemfile.lock

#[test]
fn gemfile_fixture() {
    let inv = check(
        Format::GemfileLock,
        &fixture("gemfile", "Gemfile.lock"),
        &[
            GIT_RAILS,
            "pkg:gem/myapp@0.1.0",
            "pkg:gem/concurrent-ruby@1.2.2 SHA-256:3879119b8b75",
            "pkg:gem/i18n@1.14.1",
            "pkg:gem/mini_portile2@2.8.5",
            "pkg:gem/nokogiri@1.15.4",
            "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux",
            // Hex checksums are lower-cased.
            "pkg:gem/racc@1.7.1 SHA-256:af64124836fd",
            "pkg:gem/rspec@3.12.0",
        ],
    );
    assert_eq!(inv.components[6].version.as_deref(), Some("1.15.4"));
    assert_eq!(inv.components[6].ecosystem.as_deref(), Some("RubyGems"));
    assert_eq!(
        edges(&inv),
        [
            format!("{GIT_RAILS} -> pkg:gem/concurrent-ruby@1.2.2 pkg:gem/i18n@1.14.1"),
            format!("pkg:gem/myapp@0.1.0 -> {GIT_RAILS}"),
            "pkg:gem/i18n@1.14.1 -> pkg:gem/concurrent-ruby@1.2.2".into(),
            "pkg:gem/nokogiri@1.15.4 -> pkg:gem/mini_portile2@2.8.5 pkg:gem/racc@1.7.1".into(),
            "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux -> pkg:gem/racc@1.7.1".into(),
        ]
    );
    let meta = &inv.document.metadata;
    assert_eq!(meta["bundled_with"], "2.5.3");
    assert_eq!(meta["dependencies"], "activesupport myapp nokogiri rspec");
    assert_eq!(meta["platforms"], "ruby x86_64-linux");
    assert_eq!(meta["ruby"], "ruby 3.2.2p53");
    assert_eq!(inv.document.tools, ["bundler 2.5.3"]);
    assert_eq!(
        warnings(&inv),
        ["line 13: myapp 0.1.0 comes from the local path ."]
    );
}

#[test]
fn gemfile_errors() {
    let e = fails(Format::GemfileLock, "GEM\n  specs:\n    rack 2.2.8)\n");
    assert_eq!(e.path, "line 3");
    let e = fails(Format::GemfileLock, "GEM\n  specs:\n    rack\n");
    assert_eq!(
        e.to_string(),
        "gemfile-lock: line 3: gem rack has no version"
    );
    let e = fails(Format::GemfileLock, "  specs:\n");
    assert_eq!(e.path, "line 1");
    let inv = check(
        Format::GemfileLock,
        b"GEM\n  specs:\n    rack (2.2.8)\n\nDEPENDENCIES\n  rack\n  sinatra\n",
        &["pkg:gem/rack@2.2.8"],
    );
    assert_eq!(
        warnings(&inv),
        ["DEPENDENCIES: sinatra is not among the locked gems"]
    );
}

// ---- composer.lock

#[test]
fn composer_fixture() {
    let inv = check(
        Format::ComposerLock,
        &fixture("composer", "composer.lock"),
        &[
            "pkg:composer/guzzlehttp/guzzle@7.8.0",
            "pkg:composer/guzzlehttp/psr7@2.6.1 SHA-1:0123456789ab",
            "pkg:composer/monolog/monolog@dev-main",
            "pkg:composer/phpunit/phpunit@10.4.2 scope=dev",
        ],
    );
    let c = &inv.components[0];
    assert_eq!(
        (c.group.as_deref(), c.name.as_str()),
        (Some("guzzlehttp"), "guzzle")
    );
    assert_eq!(c.ecosystem.as_deref(), Some("Packagist"));
    assert_eq!(
        edges(&inv),
        ["pkg:composer/guzzlehttp/guzzle@7.8.0 -> pkg:composer/guzzlehttp/psr7@2.6.1"]
    );
    assert_eq!(
        warnings(&inv),
        [
            "/packages/3/name: missing or not `vendor/name`; package skipped",
            "/packages/0/require: requires psr/http-client, which is not locked",
            "/packages-dev/0/require: requires sebastian/diff, which is not locked",
        ]
    );
    assert_eq!(inv.document.metadata["plugin-api-version"], "2.6.0");
}

#[test]
fn composer_errors() {
    let e = fails(Format::ComposerLock, "{\n  \"packages\": [,]\n}");
    assert!(e.path.starts_with("line 2 column"), "{e}");
    let e = fails(Format::ComposerLock, r#"{"packages": {}}"#);
    assert_eq!(e.to_string(), "composer-lock: /packages: expected an array");
    let e = fails(Format::ComposerLock, r#"{"packages-dev": []}"#);
    assert_eq!(e.path, "/packages");
    let e = fails(Format::ComposerLock, "[]");
    assert_eq!(e.path, "");
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let e = fails(Format::ComposerLock, &deep);
    assert!(e.message.contains("nesting"), "{e}");
}

// ---- pom.xml

#[test]
fn pom_fixture() {
    let inv = check(
        Format::PomXml,
        &fixture("pom", "pom.xml"),
        &[
            // ${jackson.bom} → ${jackson.version} → 2.15.3
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.3",
            // CDATA property, <optional>
            "pkg:maven/com.google.guava/guava@32.1.3-jre scope=optional",
            // version from dependencyManagement
            "pkg:maven/org.apache.commons/commons-lang3@3.13.0",
            // ${project.groupId} inherited from the parent, ${project.version} → ${revision}
            "pkg:maven/org.springframework.boot/demo-core@1.4.0",
            // ${project.parent.version}
            "pkg:maven/org.springframework.boot/spring-boot-starter-web@3.1.5",
            // managed by the parent POM, not in this file
            "pkg:maven/org.springframework.boot/spring-boot-starter-actuator",
            "pkg:maven/org.example/cyclic",
            "pkg:maven/org.example/from-env",
            "pkg:maven/org.example/ranged",
            "pkg:maven/junit/junit@4.13.2 scope=test",
            // version and scope from dependencyManagement
            "pkg:maven/org.mockito/mockito-core@5.6.0 scope=test",
        ],
    );
    let c = &inv.components[0];
    assert_eq!(
        (c.group.as_deref(), c.name.as_str(), c.ecosystem.as_deref()),
        (
            Some("com.fasterxml.jackson.core"),
            "jackson-databind",
            Some("Maven")
        )
    );
    let subject = inv.subject.as_ref().expect("project");
    assert_eq!(
        subject.purl.as_deref(),
        Some("pkg:maven/org.springframework.boot/demo@1.4.0")
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("4.0.0"));
    assert_eq!(inv.document.name.as_deref(), Some("Demo & friends"));
    assert_eq!(
        inv.document.metadata["parent"],
        "org.springframework.boot:spring-boot-starter-parent:3.1.5"
    );
    assert_eq!(inv.dependencies.len(), 1);
    assert_eq!(inv.dependencies[0].to.len(), 11);
    assert_eq!(
        warnings(&inv),
        [
            "/project/dependencyManagement/dependencies/dependency[1]: imports the BOM io.netty:netty-bom, \
             whose managed versions are not in this file",
            "/project/dependencies/dependency[6]: org.springframework.boot:spring-boot-starter-actuator has no \
             version here or in dependencyManagement (a parent POM may manage it); kept without version",
            "/project/dependencies/dependency[7]/version: property cycle loop.a → loop.b → loop.a",
            "/project/dependencies/dependency[8]/version: property ${env.LIB_VERSION} is not defined in this file",
            "/project/dependencies/dependency[9]/version: org.example:ranged version range [1.0,2.0) is resolved \
             at build time; kept without version",
        ]
    );
}

#[test]
fn pom_refuses_entities() {
    let billion = r#"<?xml version="1.0"?>
<!DOCTYPE project [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<project><artifactId>&lol2;</artifactId></project>"#;
    let e = fails(Format::PomXml, billion);
    assert_eq!(
        e.to_string(),
        "pom-xml: line 2: DOCTYPE declares entities, which are never expanded; refused"
    );
    let e = fails(
        Format::PomXml,
        "<project>\n<artifactId>&xxe;</artifactId></project>",
    );
    assert_eq!(e.path, "/project/artifactId (line 2)");
    assert_eq!(e.message, "entity &xxe; is not expanded");
    // Character references and the predefined entities are fine.
    let inv = check(
        Format::PomXml,
        b"<project><groupId>a&#46;b</groupId><artifactId>x&amp;y</artifactId></project>",
        &[],
    );
    assert_eq!(
        inv.subject.map(|s| s.purl),
        Some(Some("pkg:maven/a.b/x%26y".into()))
    );
}

#[test]
fn pom_errors() {
    let e = fails(Format::PomXml, "<project>\n<dependencies>\n</project>");
    assert!(e.path.starts_with("/project/dependencies (line 3)"), "{e}");
    let e = fails(Format::PomXml, "<settings/>");
    assert_eq!(
        e.to_string(),
        "pom-xml: /settings: root element is not <project>"
    );
    let e = fails(Format::PomXml, "");
    assert_eq!(e.message, "no <project> element");
    let deep = format!(
        "<project>{}{}</project>",
        "<a>".repeat(200),
        "</a>".repeat(200)
    );
    let e = fails(Format::PomXml, &deep);
    assert!(e.message.contains("nesting deeper than 128"), "{e}");
}

// ---- gradle.lockfile

#[test]
fn gradle_fixture() {
    let inv = check(
        Format::GradleLockfile,
        &fixture("gradle", "gradle.lockfile"),
        &[
            "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.3",
            "pkg:maven/com.google.guava/guava@32.1.3-jre",
            "pkg:maven/junit/junit@4.13.2 scope=test",
            "pkg:maven/org.hamcrest/hamcrest-core@1.3 scope=test",
            "pkg:maven/org.jetbrains.kotlin/kotlin-stdlib@1.9.10",
        ],
    );
    assert_eq!(inv.components[0].ecosystem.as_deref(), Some("Maven"));
    assert_eq!(
        inv.document.metadata["empty"],
        "annotationProcessor,testAnnotationProcessor"
    );
    assert!(inv.warnings.is_empty());
}

#[test]
fn gradle_errors() {
    let e = fails(Format::GradleLockfile, "# c\na:b=compileClasspath\n");
    assert_eq!(
        e.to_string(),
        "gradle-lockfile: line 2: expected group:artifact:version, found \"a:b\""
    );
    let e = fails(Format::GradleLockfile, "a::1=x\n");
    assert_eq!(e.path, "line 1");
}

// ---- packages.lock.json

#[test]
fn nuget_fixture() {
    let inv = check(
        Format::NugetLock,
        &fixture("nuget", "packages.lock.json"),
        &[
            "MyCompany.Shared@ (no purl)",
            "pkg:nuget/Newtonsoft.Json@13.0.3 SHA-512:HrC5BXdl00IP",
            "pkg:nuget/Serilog.Sinks.Console@5.0.0 SHA-512:IZ6bn79k+3SR",
            "pkg:nuget/System.Text.Json@8.0.0 SHA-512:OdrZO2WjkiEG",
            "pkg:nuget/serilog@3.1.0 SHA-512:P6G4/4Kt9bT6",
            "pkg:nuget/runtime.win-x64.Microsoft.NETCore.ILAsm@6.0.0 SHA-512:abc=",
        ],
    );
    assert_eq!(inv.components[1].ecosystem.as_deref(), Some("NuGet"));
    assert_eq!(inv.document.spec_version.as_deref(), Some("1"));
    assert_eq!(
        inv.document.metadata["target_frameworks"],
        "net6.0 net6.0/win-x64"
    );
    // Names match case-insensitively within the framework.
    assert_eq!(
        edges(&inv),
        [
            "pkg:nuget/Serilog.Sinks.Console@5.0.0 -> pkg:nuget/serilog@3.1.0",
            "project:MyCompany.Shared -> pkg:nuget/Newtonsoft.Json@13.0.3",
        ]
    );
    assert!(inv.warnings.is_empty());
}

#[test]
fn nuget_errors() {
    let e = fails(
        Format::NugetLock,
        r#"{"version": 1, "dependencies": {"net8.0": {"A/B": 3}}}"#,
    );
    assert_eq!(
        e.to_string(),
        "nuget-lock: /dependencies/net8.0/A~1B: expected an object"
    );
    let e = fails(Format::NugetLock, r#"{"version": "1"}"#);
    assert_eq!(e.path, "/version");
    let e = fails(Format::NugetLock, r#"{"version": 1}"#);
    assert_eq!(e.path, "/dependencies");
    let inv = check(
        Format::NugetLock,
        br#"{"version": 2, "dependencies": {"net8.0": {"A": {"type": "Direct", "dependencies": {"B": "1.0"}}, "C": {"type": "Odd"}}}}"#,
        &["pkg:nuget/A"],
    );
    assert_eq!(
        warnings(&inv),
        [
            "/dependencies/net8.0/A/resolved: missing; kept without version",
            "/dependencies/net8.0/C/type: unknown type \"Odd\"; skipped",
            "/dependencies/net8.0/A/dependencies: B is not resolved in net8.0",
        ]
    );
}

// ---- pubspec.lock

#[test]
fn pubspec_fixture() {
    let inv = check(
        Format::PubspecLock,
        &fixture("pubspec", "pubspec.lock"),
        &[
            "pkg:pub/async@2.11.0 SHA-256:947bfcf187f7",
            "pkg:pub/build_runner@2.4.6 scope=dev SHA-256:10c6bcdbf9d0",
            "pkg:pub/http@1.1.0 SHA-256:759d1a329847",
            "pkg:pub/private_pkg@1.0.0?repository_url=https:%2F%2Fdart.example.com",
            "pkg:pub/yaml_edit@2.1.1?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fdart-lang%2Fyaml_edit.git\
             %40a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        ],
    );
    assert_eq!(inv.components[0].ecosystem.as_deref(), Some("Pub"));
    assert_eq!(inv.document.metadata["sdk.dart"], ">=3.1.0 <4.0.0");
    assert_eq!(inv.document.metadata["sdk.flutter"], ">=3.13.0");
    assert_eq!(
        warnings(&inv),
        [
            "/packages/flutter: flutter comes from the sdk source, not a published version; skipped",
            "/packages/my_local: my_local comes from the path source, not a published version; skipped",
        ]
    );
}

#[test]
fn pubspec_errors() {
    let e = fails(Format::PubspecLock, "packages:\n  a: [\n");
    assert!(e.path.starts_with("line "), "{e}");
    let e = fails(Format::PubspecLock, "packages: 3\n");
    assert_eq!(e.path, "/packages");
    // Alias expansion is bounded: a "billion laughs" document is refused or small.
    let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        laughs += &format!(
            "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        );
    }
    let _ = parse(Format::PubspecLock, laughs.as_bytes(), &Limits::default());
}

// ---- mix.lock

#[test]
fn mix_fixture() {
    let inv = check(
        Format::MixLock,
        &fixture("mix", "mix.lock"),
        &[
            "pkg:hex/cowboy@2.10.0 SHA-256:3afdccb7183c",
            "pkg:hex/cowlib@2.12.1 SHA-256:163b73f6367a",
            "pkg:hex/phoenix?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fphoenixframework%2Fphoenix.git\
             %408d2d4a8b8f3e6d1f1b3d9a2e1e0c4b5a6f7e8d9c",
            // The older seven-field form has no outer checksum.
            "pkg:hex/plug_crypto@1.2.5",
            "pkg:hex/private_lib@0.3.0?repository_url=hexpm:acme SHA-256:bbbb",
            "pkg:hex/ranch@1.8.0 SHA-256:49fbcfd3682f",
        ],
    );
    assert_eq!(inv.components[0].ecosystem.as_deref(), Some("Hex"));
    assert_eq!(
        edges(&inv),
        ["pkg:hex/cowboy@2.10.0 -> pkg:hex/cowlib@2.12.1 pkg:hex/ranch@1.8.0"]
    );
    assert_eq!(
        warnings(&inv),
        [
            "\"phoenix\": phoenix comes from git https://github.com/phoenixframework/phoenix.git; no version",
            "\"private_lib\": private_lib comes from the repository \"hexpm:acme\"",
            "\"private_lib\": depends on jason, which is not locked",
        ]
    );
}

#[test]
fn mix_old_arrow_syntax_and_errors() {
    check(
        Format::MixLock,
        br#"%{"poison" => {:hex, :poison, "3.1.0", "abc"}}"#,
        &["pkg:hex/poison@3.1.0"],
    );
    check(Format::MixLock, b"", &[]);
    let e = fails(Format::MixLock, "%{\n  \"a\": {:hex, :a, \"1\"\n}");
    // The tuple takes the closing brace; the map then runs out.
    assert_eq!(e.path, "line 3 column 2");
    let e = fails(
        Format::MixLock,
        r##"%{"a": {:hex, :a, "#{System.cmd("x")}"}}"##,
    );
    assert_eq!(e.message, "string interpolation is not allowed");
    let e = fails(Format::MixLock, "[1]");
    assert_eq!(e.to_string(), "mix-lock: expected a map %{…}");
    let e = fails(Format::MixLock, &format!("%{{\"a\": {}}}", "[".repeat(300)));
    assert!(e.message.contains("nesting deeper"), "{e}");
}

// ---- all

/// Every prefix of every fixture reads or fails cleanly (never panics).
#[test]
fn truncated_fixtures_never_panic() {
    for (format, dir, file) in [
        (Format::GoMod, "gomod", "go.mod"),
        (Format::GemfileLock, "gemfile", "Gemfile.lock"),
        (Format::ComposerLock, "composer", "composer.lock"),
        (Format::PomXml, "pom", "pom.xml"),
        (Format::GradleLockfile, "gradle", "gradle.lockfile"),
        (Format::NugetLock, "nuget", "packages.lock.json"),
        (Format::PubspecLock, "pubspec", "pubspec.lock"),
        (Format::MixLock, "mix", "mix.lock"),
    ] {
        let bytes = fixture(dir, file);
        for cut in (0..bytes.len()).step_by(7) {
            let _ = parse(format, &bytes[..cut], &Limits::default());
        }
    }
}

#[test]
fn component_limit() {
    let limits = Limits {
        max_components: 2,
        ..Limits::default()
    };
    let e = parse(Format::GradleLockfile, b"a:b:1=\na:c:1=\na:d:1=\n", &limits).unwrap_err();
    assert_eq!(
        e.to_string(),
        "gradle-lockfile: line 3: more than 2 components"
    );
}

/// Properties that double at every level expand no further than a bound.
#[test]
fn pom_property_laughs_are_bounded() {
    let mut props = String::from("<p0></p0>");
    for i in 1..30 {
        props += &format!("<p{i}>${{p{j}}}${{p{j}}}</p{i}>", j = i - 1);
    }
    let pom = format!(
        "<project><artifactId>x</artifactId><properties>{props}</properties><dependencies><dependency>\
         <groupId>g</groupId><artifactId>a</artifactId><version>${{p29}}</version>\
         </dependency></dependencies></project>"
    );
    let inv = check(Format::PomXml, pom.as_bytes(), &["pkg:maven/g/a"]);
    assert_eq!(
        warnings(&inv),
        [
            "/project/dependencies/dependency[1]/version: more than 1000 property references to expand"
        ]
    );
}
