//! `yata serve` and `yata admin bootstrap`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::{SignedDuration, Timestamp};
use yata_priority::Policy;
use yata_server::{ServeConfig, ServiceConfig, auth};
use yata_store::{Actor, NewToken, Role};

use crate::{Failure, open_store};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The store: sqlite://PATH (created if missing) or postgres://…
    #[arg(long, value_name = "URL", default_value = "sqlite://yata.db")]
    db: String,
    /// Address and port to listen on; only this machine by default.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Deadline policy (TOML); the BOD 26-04 default otherwise.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Largest inventory or feed upload, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    max_upload_mib: usize,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A public key (from `yata feed keygen`) that signed feed bundles
    /// uploaded to POST /api/v1/feeds may be signed with; repeatable.
    /// Without one, bundles are refused.
    #[arg(long, value_name = "FILE")]
    trusted_key: Vec<PathBuf>,
    /// How long a replica holds a background job before another replica
    /// may take it over (a crashed replica's jobs wait this long).
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    job_lease_secs: u32,
    /// The server's configuration file (TOML): scheduled feed sources and
    /// the offline switch ([feeds]), e-mail notifications ([smtp]); see the
    /// README.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdminCommand {
    /// Print a new NCO admin API token (valid 90 days) on standard output,
    /// creating the NCO organisation if there is none. For scripts.
    Bootstrap(BootstrapArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BootstrapArgs {
    /// The store: sqlite://PATH (created if missing) or postgres://…
    #[arg(long, value_name = "URL")]
    db: String,
}

pub(crate) fn serve(args: ServeArgs) -> Result<(), Failure> {
    let policy = match &args.policy {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
            Policy::from_toml(&text)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?
        }
        None => Policy::default(),
    };
    if !(args.db.starts_with("sqlite:") || args.db.starts_with("postgres")) {
        return Err(Failure::BadInput(format!(
            "--db {}: expected sqlite://PATH or postgres://…",
            args.db
        )));
    }
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
            yata_server::config::ConfigFile::from_toml(&text)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?
        }
        None => yata_server::config::ConfigFile::default(),
    };
    let feeds = file.feeds().map_err(|e| {
        let at = args
            .config
            .as_ref()
            .map_or(String::new(), |p| format!("{}: ", p.display()));
        Failure::BadInput(format!("{at}{e}"))
    })?;
    let correlation = file.correlation().map_err(|e| {
        let at = args
            .config
            .as_ref()
            .map_or(String::new(), |p| format!("{}: ", p.display()));
        Failure::BadInput(format!("{at}{e}"))
    })?;
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stderr)
        .init();
    let trusted_keys = args
        .trusted_key
        .iter()
        .map(|p| crate::cmd_feed::read_public_key(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut service = ServiceConfig {
        max_upload: args.max_upload_mib << 20,
        trusted_keys,
        job_lease: jiff::SignedDuration::from_secs(i64::from(args.job_lease_secs.max(1))),
        feeds,
        smtp: file.smtp,
        correlation,
        ..ServiceConfig::default()
    };
    service.inventory_limits.max_bytes = service.max_upload;
    let config_path = args.config.clone();
    let config = ServeConfig {
        db_url: args.db,
        bind: args.bind,
        policy,
        service,
        tls: args.tls_cert.zip(args.tls_key),
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(yata_server::serve(config))
        .map_err(|e| match e {
            yata_server::ServeError::Tls(m) => Failure::BadInput(m),
            yata_server::ServeError::Smtp(e) => Failure::BadInput(match &config_path {
                Some(p) => format!("{}: {e}", p.display()),
                None => e.to_string(),
            }),
            e => Failure::Other(e.into()),
        })
}

pub(crate) fn admin(cmd: AdminCommand) -> Result<(), Failure> {
    let AdminCommand::Bootstrap(args) = cmd;
    crate::runtime()?.block_on(async {
        let store = if args.db.starts_with("sqlite:") {
            // Creating the store is what a first bootstrap does.
            yata_store::open(&args.db)
                .await
                .map_err(|e| Failure::Other(e.into()))?
        } else {
            open_store(&args.db).await?
        };
        let other = |e: yata_store::Error| Failure::Other(e.into());
        let org = store.nco_organization(&Actor::Cli).await.map_err(other)?;
        let secret = auth::new_secret(auth::TOKEN_PREFIX)
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
        let expires = Timestamp::now()
            .checked_add(SignedDuration::from_hours(24 * 90))
            .map_err(|e| Failure::Other(e.into()))?;
        store
            .create_token(
                &Actor::Cli,
                &NewToken {
                    hash: auth::secret_hash(&secret),
                    name: "bootstrap (yata admin bootstrap)".into(),
                    org,
                    user: None,
                    role: Role::Admin,
                    expires_at: Some(expires),
                },
            )
            .await
            .map_err(other)?;
        store.close().await.map_err(other)?;
        println!("{secret}");
        Ok(())
    })
}
