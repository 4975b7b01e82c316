//! Operating-system package databases: dpkg, apk, RPM lists, os-release,
//! root filesystems.

use std::path::{Path, PathBuf};
use std::process::Command;

use yata_inventory::os::{self, OsRelease};
use yata_inventory::{Format, Inventory, Limits};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/os")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(data(rel)).unwrap()
}

fn os_release(rel: &str) -> OsRelease {
    OsRelease::parse(&String::from_utf8(read(rel)).unwrap())
}

/// One line per component: purl, ecosystem, source package (and version),
/// supplier.
fn summary(inv: &Inventory) -> String {
    let mut out = String::new();
    for c in &inv.components {
        out.push_str(&format!(
            "{} | {} | {}{} | {}\n",
            c.purl.as_deref().unwrap_or("-"),
            c.ecosystem.as_deref().unwrap_or("-"),
            c.source_package.as_deref().unwrap_or("-"),
            c.source_version
                .as_deref()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default(),
            c.supplier.as_deref().unwrap_or("-"),
        ));
    }
    out
}

fn check(format: Format, bytes: &[u8], distro: Option<&OsRelease>, expect: &str) -> Inventory {
    let inv = os::parse_with_distro(format, bytes, &Limits::default(), distro).unwrap();
    assert_eq!(summary(&inv), expect, "{:#?}", inv.warnings);
    assert_eq!(inv.document.format, format.name());
    assert_eq!(inv.document.digest, yata_inventory::digest(bytes));
    inv
}

#[test]
fn dpkg_status_installed_only_with_sources() {
    let bytes = read("rootfs-debian/var/lib/dpkg/status");
    let os = os_release("rootfs-debian/usr/lib/os-release");
    let inv = check(
        Format::DpkgStatus,
        &bytes,
        Some(&os),
        "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12 | Debian:12 | openssl | Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>\n\
         pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12 | Debian:12 | bash | Matthias Klose <doko@debian.org>\n\
         pkg:deb/debian/libc6@2.36-9%2Bdeb12u8?arch=amd64&distro=debian-12 | Debian:12 | glibc | GNU Libc Maintainers <debian-glibc@lists.debian.org>\n",
    );
    assert_eq!(inv.document.metadata["not_installed"], "1");
    assert_eq!(inv.document.metadata["distro"], "debian-12");
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);

    // Without a distribution: namespace debian, ecosystem without release.
    let inv = os::parse(Format::DpkgStatus, &bytes, &Limits::default()).unwrap();
    assert_eq!(
        inv.components[1].purl.as_deref(),
        Some("pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64")
    );
    assert_eq!(inv.components[1].ecosystem.as_deref(), Some("Debian"));
    assert_eq!(inv.warnings.len(), 1);
}

#[test]
fn dpkg_source_version_differs() {
    let status = "Package: libfoo1\nStatus: install ok installed\nVersion: 1.2-3+b1\nArchitecture: arm64\nSource: foo (1.2-3)\n";
    check(
        Format::DpkgStatus,
        status.as_bytes(),
        Some(&os_release("os-release/ubuntu")),
        "pkg:deb/ubuntu/libfoo1@1.2-3%2Bb1?arch=arm64&distro=ubuntu-22.04 | Ubuntu:22.04:LTS | foo (1.2-3) | -\n",
    );
    // Debian testing has only a codename.
    check(
        Format::DpkgStatus,
        status.as_bytes(),
        Some(&os_release("os-release/debian-testing")),
        "pkg:deb/debian/libfoo1@1.2-3%2Bb1?arch=arm64&distro=debian-trixie | Debian:13 | foo (1.2-3) | -\n",
    );
}

#[test]
fn dpkg_tolerates_and_locates_bad_paragraphs() {
    let status = "Description: orphan\n\nPackage: a\nVersion: 1\nStatus: install ok installed\nnot a field\n\r\nPackage: b\nVersion: 2\n";
    let inv = os::parse(Format::DpkgStatus, status.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(inv.components.len(), 1);
    let warnings: Vec<String> = inv
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.path, w.message))
        .collect();
    assert_eq!(
        warnings,
        [
            ": distribution release unknown: ecosystem Debian without a release",
            "line 1: paragraph without a Package field skipped",
            "line 6: not a `Field: value` line",
            "line 8: package \"b\" has no Status; skipped",
        ]
    );
}

#[test]
fn apk_installed() {
    let bytes = read("apk-installed");
    let inv = check(
        Format::ApkInstalled,
        &bytes,
        Some(&os_release("rootfs-alpine/usr/lib/os-release")),
        "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3 | Alpine:v3.20 | musl | Natanael Copa <ncopa@alpinelinux.org>\n\
         pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3 | Alpine:v3.20 | openssl | Ariadne Conill <ariadne@dereferenced.org>\n",
    );
    let musl = &inv.components[0];
    assert_eq!(musl.licenses, ["MIT"]);
    assert_eq!(musl.hashes[0].alg, "SHA-1");
    assert_eq!(musl.hashes[0].value, "Q1Fz1YAvRBTbRQIHTkR2iLeS8JK0Y=");
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn rpm_list_by_distribution() {
    let bytes = read("rpm-list.txt");
    check(
        Format::RpmList,
        &bytes,
        Some(&os_release("os-release/rocky")),
        "pkg:rpm/rocky/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rocky-9.4&epoch=1 | Rocky Linux:9 | openssl | -\n\
         pkg:rpm/rocky/bash@5.1.8-9.el9?arch=x86_64&distro=rocky-9.4 | Rocky Linux:9 | bash | -\n\
         pkg:rpm/rocky/tzdata@2024a-1.el9?arch=noarch&distro=rocky-9.4 | Rocky Linux:9 | - | -\n\
         pkg:rpm/rocky/kernel-core@5.14.0-427.13.1.el9_4?arch=x86_64&distro=rocky-9.4 | Rocky Linux:9 | - | -\n",
    );
    let first = |distro: Option<&OsRelease>| {
        let inv =
            os::parse_with_distro(Format::RpmList, &bytes, &Limits::default(), distro).unwrap();
        let c = &inv.components[0];
        (
            c.purl.clone().unwrap(),
            c.ecosystem.clone(),
            inv.warnings.len(),
        )
    };
    assert_eq!(
        first(Some(&os_release("os-release/rhel"))),
        (
            "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4&epoch=1".into(),
            Some("Red Hat".into()),
            0
        )
    );
    assert_eq!(
        first(Some(&os_release("os-release/sles"))).1.as_deref(),
        Some("SUSE:Linux Enterprise Server 15 SP5")
    );
    let (purl, eco, warnings) = first(Some(&os_release("os-release/fedora")));
    assert!(purl.starts_with("pkg:rpm/fedora/openssl-libs@"));
    assert_eq!((eco, warnings), (None, 1));
    let (purl, eco, warnings) = first(None);
    assert_eq!(
        purl,
        "pkg:rpm/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1"
    );
    assert_eq!((eco, warnings), (None, 1));
}

#[test]
fn os_release_variants() {
    let cases = [
        (
            "os-release/ubuntu",
            "ubuntu",
            Some("ubuntu-22.04"),
            "Ubuntu 22.04.4 LTS",
        ),
        (
            "os-release/debian-testing",
            "debian",
            Some("debian-trixie"),
            "Debian GNU/Linux trixie/sid",
        ),
        (
            "os-release/rocky",
            "rocky",
            Some("rocky-9.4"),
            "Rocky Linux 9.4 (Blue Onyx)",
        ),
        (
            "rootfs-alpine/usr/lib/os-release",
            "alpine",
            Some("alpine-3.20.3"),
            "Alpine Linux v3.20",
        ),
    ];
    for (file, id, distro, pretty) in cases {
        let r = os_release(file);
        assert_eq!(
            (r.id(), r.distro_qualifier().as_deref(), r.pretty_name()),
            (id, distro, pretty),
            "{file}"
        );
    }
    assert_eq!(
        os_release("os-release/rocky").id_like().collect::<Vec<_>>(),
        ["rhel", "centos", "fedora"]
    );
    assert_eq!(
        os_release("os-release/ubuntu").version_codename(),
        Some("jammy")
    );
}

#[test]
fn rootfs_debian_end_to_end() {
    // etc/os-release is a relative symlink to ../usr/lib/os-release.
    let inv = os::scan_rootfs(&data("rootfs-debian"), &Limits::default()).unwrap();
    assert_eq!(inv.document.format, "dpkg-status");
    let ecosystems: Vec<_> = inv
        .components
        .iter()
        .map(|c| c.ecosystem.as_deref())
        .collect();
    assert_eq!(ecosystems, [Some("Debian:12"); 3]);
    assert_eq!(inv.document.metadata["os_release"], "etc/os-release");
    assert!(inv.document.metadata["databases"].starts_with("var/lib/dpkg/status sha256:"));
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn rootfs_alpine_end_to_end() {
    // etc/os-release is an absolute symlink, /usr/lib/os-release, which must
    // resolve inside the root.
    let inv = os::scan_rootfs(&data("rootfs-alpine"), &Limits::default()).unwrap();
    assert_eq!(inv.document.format, "apk-installed");
    let ecosystems: Vec<_> = inv
        .components
        .iter()
        .map(|c| c.ecosystem.as_deref())
        .collect();
    assert_eq!(ecosystems, [Some("Alpine:v3.20"); 2]);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[cfg(unix)]
#[test]
fn rootfs_symlinks_never_leave_the_root() {
    use std::os::unix::fs::symlink;
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for d in ["etc", "usr/lib", "var/lib/dpkg", "lib/apk/db"] {
        std::fs::create_dir_all(r.join(d)).unwrap();
    }
    std::fs::write(
        r.join("usr/lib/os-release"),
        "ID=ubuntu\nVERSION_ID=24.04\n",
    )
    .unwrap();
    // Climbs far above the root: `..` stops at the root.
    symlink(
        "../../../../../../../usr/lib/os-release",
        r.join("etc/os-release"),
    )
    .unwrap();
    // An absolute target that exists on the host but not in the root.
    symlink("/etc/passwd", r.join("lib/apk/db/installed")).unwrap();
    std::fs::write(
        r.join("var/lib/dpkg/status"),
        "Package: a\nStatus: install ok installed\nVersion: 1\n",
    )
    .unwrap();
    // A loop.
    symlink("rpm", r.join("var/lib/rpm")).unwrap();
    let inv = os::scan_rootfs(r, &Limits::default()).unwrap();
    assert_eq!(inv.components.len(), 1, "{inv:#?}");
    assert_eq!(
        inv.components[0].ecosystem.as_deref(),
        Some("Ubuntu:24.04:LTS")
    );
    assert_eq!(inv.document.format, "dpkg-status");

    // Only an unreadable RPM database: an error that says what to do.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("var/lib/rpm")).unwrap();
    let err = os::scan_rootfs(root.path(), &Limits::default()).unwrap_err();
    assert_eq!(err.format, "rpm-list");
    assert!(err.message.contains("rpm --root"), "{err}");
    let err = os::scan_rootfs(&data("rootfs-none-such"), &Limits::default()).unwrap_err();
    assert!(err.message.contains("no package database"), "{err}");
}

#[test]
fn limits_are_enforced() {
    let bytes = read("apk-installed");
    let limits = Limits {
        max_components: 1,
        ..Limits::default()
    };
    let err = os::parse(Format::ApkInstalled, &bytes, &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "apk-installed: line 19: more than 1 packages"
    );
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert!(yata_inventory::parse(Format::ApkInstalled, &bytes, &limits).is_err());
}

#[test]
fn never_panics_on_garbage() {
    for bytes in [
        &b"\xff\xfe:\n\n\0"[..],
        b"P:",
        b"Package:\n \n",
        b"a (none):x",
        b":",
    ] {
        for format in [Format::DpkgStatus, Format::ApkInstalled, Format::RpmList] {
            let _ = os::parse(format, bytes, &Limits::default());
        }
    }
}

/// This machine's own dpkg database against `dpkg-query`.
#[test]
fn this_machines_dpkg_status_matches_dpkg_query() {
    let status = Path::new("/var/lib/dpkg/status");
    let output = Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Status} ${Package} ${Version}\\n"])
        .output();
    let output = match output {
        Ok(o) if o.status.success() && status.exists() => o,
        other => {
            assert!(
                !yata_testdata::in_ci(),
                "dpkg-query or /var/lib/dpkg/status missing in CI: {other:?}"
            );
            eprintln!("skipped: no dpkg-query or /var/lib/dpkg/status on this machine");
            return;
        }
    };
    // dpkg-query also lists packages that are not installed (config files
    // left); the parser skips those.
    let mut expected: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("installed "))
        .map(str::to_owned)
        .collect();
    expected.sort();
    let bytes = std::fs::read(status).unwrap();
    let inv = os::parse(Format::DpkgStatus, &bytes, &Limits::default()).unwrap();
    let mut got: Vec<String> = inv
        .components
        .iter()
        .map(|c| format!("{} {}", c.name, c.version.as_deref().unwrap_or("")))
        .collect();
    got.sort();
    assert!(!got.is_empty());
    assert_eq!(got, expected);
    eprintln!("dpkg-query and the parser agree on {} packages", got.len());
}
