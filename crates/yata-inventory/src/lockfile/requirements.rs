//! pip requirements files (`requirements.txt`).
//!
//! Only pinned requirements (`name==1.0`, `name===1.0`) are locked
//! packages; everything else — ranges, bare names, URLs, `-e` — is reported
//! as unresolved with its line. `-r`/`-c` includes are reported, not read
//! (a parser does no IO). `--hash=` options become hashes; a requirement
//! with an environment marker is kept (the model has no field for the
//! marker itself).

use super::common::{Lock, PYPI, prefixed_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::Requirements;

/// Options that take a value and say nothing about packages.
const IGNORED_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--trusted-host",
    "--no-binary",
    "--only-binary",
    "--use-feature",
    "--config-settings",
    "--global-option",
];

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = super::common::text(F, bytes)?;
    let mut lock = Lock::new(F, bytes, limits);
    for (line_no, line) in logical_lines(text) {
        let at = format!("line {line_no}");
        let line = strip_comment(&line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('-') {
            option(&mut lock, &at, line);
            continue;
        }
        requirement(&mut lock, &at, line)?;
    }
    Ok(lock.finish())
}

/// Lines joined across trailing `\`, each with the number of its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (start, mut buf) = current.take().unwrap_or((i + 1, String::new()));
        match raw.strip_suffix('\\') {
            Some(part) => {
                buf.push_str(part);
                buf.push(' ');
                current = Some((start, buf));
            }
            None => {
                buf.push_str(raw);
                out.push((start, buf));
            }
        }
    }
    out.extend(current);
    out
}

/// Removes a `#` comment: at the start or after whitespace.
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

fn option(lock: &mut Lock, at: &str, line: &str) {
    let (flag, value) = match line.split_once(['=', ' ', '\t']) {
        Some((f, v)) => (f, v.trim()),
        None => (line, ""),
    };
    match flag {
        "-r" | "--requirement" => {
            lock.warn(at, format!("includes requirements file {value}: not read"))
        }
        "-c" | "--constraint" => {
            lock.warn(at, format!("includes constraints file {value}: not read"))
        }
        "-e" | "--editable" => lock.warn(at, format!("unresolved: editable requirement {value}")),
        f if IGNORED_OPTIONS.contains(&f) => {}
        f if f.starts_with("--") => {}
        _ => lock.warn(at, format!("unknown option {flag}: ignored")),
    }
}

fn requirement(lock: &mut Lock, at: &str, line: &str) -> Result<(), InventoryError> {
    // Options after the requirement: `--hash=sha256:…`.
    let mut hashes = Vec::new();
    let mut spec = String::new();
    for word in line.split_whitespace() {
        if let Some(h) = word
            .strip_prefix("--hash=")
            .or(word.strip_prefix("--hash:"))
        {
            match prefixed_hash(h) {
                Some(h) => hashes.push(h),
                None => lock.warn(at, format!("hash {h}: not understood")),
            }
        } else if word.starts_with("--") {
            continue;
        } else {
            if !spec.is_empty() {
                spec.push(' ');
            }
            spec.push_str(word);
        }
    }
    let requirement = spec.split(';').next().unwrap_or_default().trim();
    let name_end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    let name = &requirement[..name_end];
    let mut rest = requirement[name_end..].trim_start();
    if name.is_empty() || requirement.contains("://") || rest.starts_with('@') {
        lock.warn(
            at,
            format!("unresolved: {requirement} is not a pinned version"),
        );
        return Ok(());
    }
    // Extras: `name[security,socks]`.
    if let Some(after) = rest.strip_prefix('[') {
        rest = after.split_once(']').map_or("", |(_, r)| r).trim_start();
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    let pinned = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.contains([',', '*', ' ', '<', '>', '!', '~', '=']));
    let Some(version) = pinned else {
        let what = if rest.is_empty() {
            "no version".to_owned()
        } else {
            format!("not pinned ({rest})")
        };
        lock.warn(at, format!("unresolved: {name}: {what}"));
        return Ok(());
    };
    let mut c = lock.package(at, PYPI, name, version);
    c.hashes = hashes;
    lock.add(at, c)?;
    Ok(())
}
