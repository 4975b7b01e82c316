//! `yata inventory parse` and `yata inventory scan-rootfs`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;
use yata_inventory::{Format, Inventory, Limits};

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum InventoryCommand {
    /// Read an inventory (SBOM, lockfile, package database, asset register)
    /// and print its components and products as JSON.
    Parse(ParseArgs),
    /// Read the package databases of a root filesystem (dpkg, apk) and its
    /// os-release, naming the distribution ecosystem exactly (`Debian:12`,
    /// `Alpine:v3.20`); prints the same JSON as `parse`.
    ScanRootfs(ScanArgs),
    /// Validate an inventory strictly. CycloneDX JSON: the official JSON
    /// schema of the document's spec version (1.2-1.7, bundled). Every other
    /// format: the document parses and the reader has no warning about it.
    ///
    /// Prints each violation with its location. Exit code 0 when valid, 1
    /// when invalid, 2 when the file cannot be read or its format is unknown.
    Validate(ParseArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    dir: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ParseArgs {
    file: PathBuf,
    /// Read the file as this format instead of detecting it.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// The outcome of a command: `Ok(false)` when validation found violations.
pub(crate) fn run(cmd: InventoryCommand) -> Result<bool, Failure> {
    let inventory = match cmd {
        InventoryCommand::Validate(args) => return validate(&args.file, args.format),
        InventoryCommand::Parse(args) => read(&args.file, args.format)?,
        InventoryCommand::ScanRootfs(args) => {
            yata_inventory::os::scan_rootfs(&args.dir, &Limits::default())
                .map_err(|e| Failure::BadInput(format!("{}: {e}", args.dir.display())))?
        }
    };
    let out = ParseOutput::from(&inventory);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &out).map_err(|e| Failure::Other(e.into()))?;
    use std::io::Write;
    writeln!(stdout)?;
    Ok(true)
}

fn validate(file: &std::path::Path, format: Option<Format>) -> Result<bool, Failure> {
    let (bytes, format) = read_bytes(file, format)?;
    let violations: Vec<String> = if format == Format::CycloneDxJson {
        yata_inventory::cyclonedx::validate(&bytes)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?
            .into_iter()
            .map(|v| {
                let at = if v.pointer.is_empty() {
                    "(root)"
                } else {
                    v.pointer.as_str()
                };
                format!("{at}: {}", v.message)
            })
            .collect()
    } else {
        match yata_inventory::parse(format, &bytes, &Limits::default()) {
            Ok(inv) => inv
                .warnings
                .iter()
                .map(|w| format!("{}: {}", w.path, w.message))
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    };
    for v in &violations {
        println!("{}: {v}", file.display());
    }
    Ok(violations.is_empty())
}

/// Reads and parses `file`; unreadable files, unknown formats and documents
/// that cannot be parsed are bad input.
pub(crate) fn read(file: &std::path::Path, format: Option<Format>) -> Result<Inventory, Failure> {
    let (bytes, format) = read_bytes(file, format)?;
    yata_inventory::parse(format, &bytes, &Limits::default())
        .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))
}

/// Reads `file` and settles its format: the one given, else the detected one.
fn read_bytes(
    file: &std::path::Path,
    format: Option<Format>,
) -> Result<(Vec<u8>, Format), Failure> {
    let bytes =
        std::fs::read(file).map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
    let format = format
        .or_else(|| yata_inventory::detect(&file.to_string_lossy(), &bytes))
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "{}: unknown inventory format (use --format)",
                file.display()
            ))
        })?;
    Ok((bytes, format))
}

/// The `yata inventory parse` JSON: what scripts outside the project read.
#[derive(Serialize)]
struct ParseOutput<'a> {
    format: &'a str,
    spec_version: Option<&'a str>,
    components: Vec<ComponentOut<'a>>,
    products: Vec<ProductOut<'a>>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ComponentOut<'a> {
    purl: Option<&'a str>,
    name: &'a str,
    version: Option<&'a str>,
    ecosystem: Option<&'a str>,
}

#[derive(Serialize)]
struct ProductOut<'a> {
    vendor: Option<&'a str>,
    product: &'a str,
    version: Option<&'a str>,
    cpe: Option<&'a str>,
}

impl<'a> From<&'a Inventory> for ParseOutput<'a> {
    fn from(inv: &'a Inventory) -> Self {
        ParseOutput {
            format: &inv.document.format,
            spec_version: inv.document.spec_version.as_deref(),
            components: inv
                .components
                .iter()
                .map(|c| ComponentOut {
                    purl: c.purl.as_deref(),
                    name: &c.name,
                    version: c.version.as_deref(),
                    ecosystem: c.ecosystem.as_deref(),
                })
                .collect(),
            products: inv
                .products
                .iter()
                .map(|p| ProductOut {
                    vendor: p.vendor.as_deref(),
                    product: &p.product,
                    version: p.version.as_deref(),
                    cpe: p.cpe.as_deref(),
                })
                .collect(),
            warnings: inv
                .warnings
                .iter()
                .map(|w| {
                    if w.path.is_empty() {
                        w.message.clone()
                    } else {
                        format!("{}: {}", w.path, w.message)
                    }
                })
                .collect(),
        }
    }
}
