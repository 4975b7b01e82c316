//! The YATA-Shield command line: argument parsing and presentation only;
//! every rule lives in the library crates. Two binaries share it: `yata`
//! ([`yata`]) runs every command but the platform's, which it hands to
//! `yata-platform` ([`platform`]) beside it; see [`platform`](mod@platform).
//!
//! Exit codes: 0 success, 2 bad input or usage, 1 anything else.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd_cpe;
mod cmd_csaf;
mod cmd_cvss;
mod cmd_feed;
mod cmd_inventory;
mod cmd_purl;
mod cmd_scan;
mod cmd_version;
mod platform;
mod pretty;

use cmd_inventory::InventoryCommand;
use platform::Platform;

/// YATA-Shield: deadline-driven vulnerability remediation for national cyber defence.
#[derive(Debug, Parser)]
// `bin_name`: usage lines say `yata` in both binaries.
#[command(name = "yata", bin_name = "yata", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Version orderings per ecosystem.
    #[command(subcommand)]
    Version(cmd_version::VersionCommand),
    /// Print the canonical form of a Package URL.
    Purl(cmd_purl::PurlArgs),
    /// CPE 2.3 names.
    #[command(subcommand)]
    Cpe(cmd_cpe::CpeCommand),
    /// CSAF 2.0 documents.
    #[command(subcommand)]
    Csaf(cmd_csaf::CsafCommand),
    /// Scores of a CVSS v2.0, v3.0, v3.1 or v4.0 vector, as JSON.
    Cvss(cmd_cvss::CvssArgs),
    /// Advisory feeds: import into a snapshot, signed bundles, statistics.
    #[command(subcommand)]
    Feed(cmd_feed::FeedCommand),
    /// Inventories: SBOMs, lockfiles, package databases, asset registers.
    #[command(subcommand)]
    Inventory(cmd_inventory::InventoryCommand),
    /// Vulnerabilities in a snapshot.
    #[command(subcommand)]
    Vuln(VulnCommand),
    /// Match inventories against advisories and print the deadline-ordered
    /// work list. Exit code 1 when --fail-on is reached, 2 on bad input.
    Scan(Box<cmd_scan::ScanArgs>),
    /// The platform store's audit log.
    #[command(subcommand)]
    Audit(platform::audit::AuditCommand),
    /// Copy a running SQLite store to a new file, consistently.
    Backup(platform::backup::BackupArgs),
    /// Replace a SQLite store by a backup whose audit chain verifies.
    Restore(platform::restore::RestoreArgs),
    /// Run the platform: HTTP API, background jobs.
    Serve(platform::serve::ServeArgs),
    /// Administration of a store.
    #[command(subcommand)]
    Admin(platform::serve::AdminCommand),
}

#[derive(Debug, Subcommand)]
enum VulnCommand {
    /// Print the merged record of a vulnerability as JSON; any alias finds it.
    Show(cmd_feed::ShowArgs),
}

/// How a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The input or the usage was wrong: exit code 2.
    BadInput(String),
    /// Anything else (I/O and the like): exit code 1.
    Other(anyhow::Error),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}

/// The deadline policy of `--policy FILE` (TOML), or BOD 26-04's.
pub(crate) fn read_policy(
    path: Option<&std::path::Path>,
) -> Result<yata_priority::Policy, Failure> {
    let Some(path) = path else {
        return Ok(yata_priority::Policy::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    yata_priority::Policy::from_toml(&text)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}

/// `yata`: runs every command but the platform's, which replace this
/// process by `yata-platform`.
pub fn yata() -> ExitCode {
    run(None)
}

/// `yata-platform`: runs every command, the platform's included.
pub fn platform() -> ExitCode {
    run(Some(platform::run))
}

fn run(platform: Option<fn(Platform) -> Result<bool, Failure>>) -> ExitCode {
    let cli = Cli::parse();
    let on_platform = |command: Platform| match platform {
        Some(run) => run(command),
        None => Err(platform::forward(&command)),
    };
    let result = match cli.command {
        Command::Version(cmd) => cmd_version::run(cmd).map(|()| true),
        Command::Purl(args) => cmd_purl::run(args).map(|()| true),
        Command::Cpe(cmd) => cmd_cpe::run(cmd).map(|()| true),
        Command::Csaf(cmd) => on_platform(Platform::Csaf(cmd)),
        Command::Cvss(args) => cmd_cvss::run(args).map(|()| true),
        Command::Feed(cmd_feed::FeedCommand::Import(args)) if args.db.is_some() => {
            on_platform(Platform::FeedImport(args))
        }
        Command::Feed(cmd) => cmd_feed::run(cmd).map(|()| true),
        Command::Vuln(VulnCommand::Show(args)) => cmd_feed::show(args).map(|()| true),
        Command::Scan(args) => cmd_scan::run(*args),
        Command::Inventory(InventoryCommand::Parse(args)) => cmd_inventory::parse(args),
        Command::Inventory(InventoryCommand::ScanRootfs(args)) => cmd_inventory::scan_rootfs(args),
        Command::Inventory(InventoryCommand::Validate(args)) => {
            on_platform(Platform::InventoryValidate(args))
        }
        Command::Audit(cmd) => on_platform(Platform::Audit(cmd)),
        Command::Backup(args) => on_platform(Platform::Backup(args)),
        Command::Serve(args) => on_platform(Platform::Serve(args)),
        Command::Admin(cmd) => on_platform(Platform::Admin(cmd)),
        Command::Restore(args) => on_platform(Platform::Restore(args)),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(Failure::BadInput(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `yata … | head` closes the pipe early; that is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
