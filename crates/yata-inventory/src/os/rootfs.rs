//! Scanning a root filesystem: the only file IO of this crate.
//!
//! Every path is resolved inside the root the way a `chroot` would resolve
//! it: `..` stops at the root, an absolute symlink target starts again from
//! the root (not from the host's `/`), and at most [`MAX_SYMLINKS`] links
//! are followed. Only regular files are read, at most `Limits::max_bytes`
//! of each. A root that changes while it is scanned is out of scope (the
//! checks and the reads are not atomic).

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Component as PathComponent, Path, PathBuf};

use super::{OsRelease, parse_with_distro};
use crate::{Format, Inventory, InventoryError, Limit, Limits};

/// Symlinks followed while resolving one path, as Linux's `MAXSYMLINKS`.
const MAX_SYMLINKS: usize = 40;

const OS_RELEASE: &[&str] = &["etc/os-release", "usr/lib/os-release"];
const DATABASES: &[(Format, &str)] = &[
    (Format::DpkgStatus, "var/lib/dpkg/status"),
    (Format::ApkInstalled, "lib/apk/db/installed"),
];
const RPM_DATABASES: &[&str] = &["var/lib/rpm", "usr/lib/sysimage/rpm"];

/// Reads the installed packages of the root filesystem at `dir`.
///
/// `os-release` (`etc/os-release`, else `usr/lib/os-release`) names the
/// distribution; then every one of `var/lib/dpkg/status` and
/// `lib/apk/db/installed` that exists is read with
/// [`parse_with_distro`](super::parse_with_distro) and the components are
/// put together in that order. The document is that of the first database
/// found (format, digest); the metadata key `databases` lists each database
/// read with its SHA-256, and `os_release` the file the distribution came
/// from.
///
/// An RPM database (`var/lib/rpm`, `usr/lib/sysimage/rpm`) cannot be read
/// without rpm: next to another database it is a warning; alone it is an
/// error that says to run `rpm --root DIR -qa --qf '…'` and read that list
/// as [`Format::RpmList`] with the root's `os-release`. A root with no
/// package database is an error.
pub fn scan_rootfs(dir: &Path, limits: &Limits) -> Result<Inventory, InventoryError> {
    let mut notes: Vec<(String, String)> = Vec::new();
    let io_error = |format: Format, rel: &str, e: io::Error| {
        let error = InventoryError::new(format, rel, format!("cannot read {}: {e}", dir.display()));
        match e.kind() {
            io::ErrorKind::FileTooLarge => error.with_limit(Limit::Size),
            _ => error,
        }
    };

    let mut os = None;
    for rel in OS_RELEASE {
        match read_in_root(dir, rel, limits) {
            Ok(Some(bytes)) => {
                os = Some((*rel, OsRelease::parse(&String::from_utf8_lossy(&bytes))));
                break;
            }
            Ok(None) => {}
            Err(e) => notes.push((rel.to_string(), format!("not read: {e}"))),
        }
    }
    if os.is_none() {
        notes.push((
            String::new(),
            "no os-release: distribution and release unknown".to_owned(),
        ));
    }
    let distro = os.as_ref().map(|(_, r)| r);

    let mut merged: Option<Inventory> = None;
    let mut databases = Vec::new();
    for &(format, rel) in DATABASES {
        let Some(bytes) = read_in_root(dir, rel, limits).map_err(|e| io_error(format, rel, e))?
        else {
            continue;
        };
        let inv =
            parse_with_distro(format, &bytes, limits, distro).map_err(|e| InventoryError {
                path: located(rel, &e.path),
                ..e
            })?;
        databases.push(format!("{rel} sha256:{}", inv.document.digest));
        match &mut merged {
            None => {
                let mut inv = inv;
                for w in &mut inv.warnings {
                    w.path = located(rel, &w.path);
                }
                merged = Some(inv);
            }
            Some(m) => {
                if m.components.len() + inv.components.len() > limits.max_components {
                    return Err(InventoryError::new(
                        format,
                        rel,
                        format!("more than {} packages", limits.max_components),
                    )
                    .with_limit(Limit::Components));
                }
                m.components.extend(inv.components);
                for w in inv.warnings {
                    m.warn(located(rel, &w.path), w.message);
                }
            }
        }
    }

    let rpm = RPM_DATABASES
        .iter()
        .find(|rel| matches!(resolve_in_root(dir, rel), Ok(Some(p)) if p.is_dir()));
    let Some(mut inv) = merged else {
        return Err(match rpm {
            Some(rel) => InventoryError::new(
                Format::RpmList,
                *rel,
                format!(
                    "the RPM database cannot be read without rpm; list the packages with \
                     `rpm --root {} -qa --qf '%{{NAME}} %{{EPOCH}}:%{{VERSION}}-%{{RELEASE}} %{{ARCH}} %{{SOURCERPM}}\\n'` \
                     and read that as rpm-list",
                    dir.display()
                ),
            ),
            None => InventoryError::new(
                Format::DpkgStatus,
                "",
                format!(
                    "no package database under {} (looked for {})",
                    dir.display(),
                    DATABASES
                        .iter()
                        .map(|(_, p)| *p)
                        .chain(RPM_DATABASES.iter().copied())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        });
    };
    if let Some(rel) = rpm {
        notes.push((
            rel.to_string(),
            "an RPM database is present but cannot be read without rpm; its packages are missing"
                .to_owned(),
        ));
    }
    for (path, message) in notes {
        inv.warn(path, message);
    }
    inv.document.name = Some(dir.display().to_string());
    inv.document
        .metadata
        .insert("databases".to_owned(), databases.join(", "));
    if let Some((rel, _)) = os {
        inv.document
            .metadata
            .insert("os_release".to_owned(), rel.to_owned());
    }
    Ok(inv)
}

/// `var/lib/dpkg/status: line 3`.
fn located(rel: &str, path: &str) -> String {
    if path.is_empty() {
        rel.to_owned()
    } else {
        format!("{rel}: {path}")
    }
}

/// The bytes of the regular file `rel` inside `root`, `None` when it does
/// not exist.
fn read_in_root(root: &Path, rel: &str, limits: &Limits) -> io::Result<Option<Vec<u8>>> {
    let Some(path) = resolve_in_root(root, rel)? else {
        return Ok(None);
    };
    let meta = std::fs::symlink_metadata(&path)?;
    if !meta.is_file() {
        return Err(io::Error::other(format!("{rel} is not a regular file")));
    }
    let limit = u64::try_from(limits.max_bytes).unwrap_or(u64::MAX);
    if meta.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "{rel} has {} bytes, more than the limit of {limit}",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() > limits.max_bytes {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("{rel} grew past the limit"),
        ));
    }
    Ok(Some(bytes))
}

/// `rel` resolved inside `root` with every symlink followed as if `root`
/// were `/`; `None` when a component does not exist.
fn resolve_in_root(root: &Path, rel: &str) -> io::Result<Option<PathBuf>> {
    let mut pending: VecDeque<OsString> = VecDeque::new();
    push_front(&mut pending, Path::new(rel));
    let mut resolved: Vec<OsString> = Vec::new();
    let mut links = 0;
    while let Some(part) = pending.pop_front() {
        if part == ".." {
            resolved.pop();
            continue;
        }
        let mut candidate = root.to_path_buf();
        candidate.extend(&resolved);
        candidate.push(&part);
        let meta = match std::fs::symlink_metadata(&candidate) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if meta.file_type().is_symlink() {
            links += 1;
            if links > MAX_SYMLINKS {
                return Err(io::Error::other(format!(
                    "{rel}: more than {MAX_SYMLINKS} symbolic links"
                )));
            }
            let target = std::fs::read_link(&candidate)?;
            if target.has_root() {
                resolved.clear();
            }
            push_front(&mut pending, &target);
        } else {
            resolved.push(part);
        }
    }
    let mut path = root.to_path_buf();
    path.extend(&resolved);
    Ok(Some(path))
}

/// Puts the parts of `path` (names and `..`; roots, prefixes and `.`
/// dropped) in front of `pending`, in order.
fn push_front(pending: &mut VecDeque<OsString>, path: &Path) {
    for part in path.components().rev() {
        match part {
            PathComponent::Normal(name) => pending.push_front(name.to_owned()),
            PathComponent::ParentDir => pending.push_front("..".into()),
            PathComponent::CurDir | PathComponent::RootDir | PathComponent::Prefix(_) => {}
        }
    }
}
