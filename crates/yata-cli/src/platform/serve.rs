//! `yata serve` and `yata admin bootstrap`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::{SignedDuration, Timestamp};
use yata_priority::Policy;
use yata_server::{ServeConfig, ServiceConfig, auth};
use yata_store::{Actor, NewToken, Role};

use super::open_store;
use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The store: sqlite://PATH (created if missing) or postgres://…;
    /// sqlite://yata.db by default (with --demo: sqlite://yata-demo.db; a
    /// plain path is taken as a SQLite file).
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Generate a demonstration nation (organisations of every kind, users
    /// for every role, assets, findings, incidents, alerts and a built-in
    /// set of real vulnerabilities) into an empty SQLite file, print its
    /// logins, and serve it. A database the demo made before is served
    /// again as it is; any other non-empty database is refused.
    #[arg(long)]
    demo: bool,
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

/// The SQLite file of `--demo`: `--db` as a URL or a path, or
/// `yata-demo.db` in the current directory.
fn demo_db(db: Option<&str>) -> Result<(String, PathBuf), Failure> {
    let path = match db {
        None => PathBuf::from("yata-demo.db"),
        Some(url) if url.starts_with("postgres") => {
            return Err(Failure::BadInput(format!(
                "--db {url}: the demo runs on a SQLite file (sqlite://PATH or a path)"
            )));
        }
        Some(url) => PathBuf::from(
            url.strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url),
        ),
    };
    if path.as_os_str().is_empty() || path.to_str() == Some(":memory:") {
        return Err(Failure::BadInput(
            "--db: the demo needs a SQLite file path".into(),
        ));
    }
    Ok((format!("sqlite://{}", path.display()), path))
}

/// Generates the demo nation into `url` if it is empty, or finds the demo
/// made there before; prints the logins. Refuses any other database.
async fn prepare_demo(
    url: &str,
    path: &std::path::Path,
    policy: &Policy,
    service: &ServiceConfig,
) -> Result<(), Failure> {
    use yata_server::demo::{self, Existing};
    let created = !path.exists();
    let store = yata_store::open(url)
        .await
        .map_err(|e| Failure::Other(e.into()))?;
    let state = yata_server::AppState::new(store, policy.clone(), service.clone());
    let existing = demo::inspect(&state)
        .await
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let result = match existing {
        Existing::Other => Err(Failure::BadInput(format!(
            "{}: not empty and not a demo database: the demo needs an empty SQLite file \
             (or one it made before); give another --db, or run `yata serve` on this one",
            path.display()
        ))),
        Existing::Demo => {
            eprintln!(
                "yata serve --demo: {} holds a demo made before: serving it as it is \
                 (delete the file for a new one)",
                path.display()
            );
            print_logins(None);
            Ok(())
        }
        Existing::Empty => {
            eprintln!(
                "yata serve --demo: generating a demo nation in {}",
                path.display()
            );
            let started = std::time::Instant::now();
            let progress = |step: &str| eprintln!("yata serve --demo: {step}");
            match demo::generate(&state, &progress).await {
                Ok(g) => {
                    println!(
                        "YATA-Shield demo: {} organisations, {} users, {} assets, {} findings, \
                         {} incident reports, {} alerts (generated in {:.1} s)",
                        g.organizations,
                        g.users,
                        g.assets,
                        g.findings,
                        g.incidents,
                        g.alerts,
                        started.elapsed().as_secs_f64()
                    );
                    print_logins(Some(&g.password));
                    Ok(())
                }
                Err(e) => Err(Failure::Other(anyhow::anyhow!(
                    "generating the demo failed: {e}"
                ))),
            }
        }
    };
    state
        .store()
        .close()
        .await
        .map_err(|e| Failure::Other(e.into()))?;
    if result.is_err() && created && existing == Existing::Empty {
        // Half a demo is worse than none: the next start begins afresh.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
    result
}

/// The representative logins (one line per role), and the shared password
/// when it is known (only when the demo was just generated).
fn print_logins(password: Option<&str>) {
    match password {
        Some(p) => println!("password of every demo user: {p}"),
        None => println!("password of every demo user: as printed when the demo was generated"),
    }
    let mut last = String::new();
    for login in yata_server::demo::logins() {
        if login.organization != last {
            println!("  {}", login.organization);
            last.clone_from(&login.organization);
        }
        println!("    {:<8} {}", login.role.as_str(), login.email);
    }
    println!(
        "  (every organisation has the four roles: <role>@<organisation>.demo.example; \
         sign in at /login in a browser, or with POST /api/v1/session)"
    );
}

pub(crate) fn serve(args: ServeArgs) -> Result<(), Failure> {
    let policy = crate::read_policy(args.policy.as_deref())?;
    let demo = if args.demo {
        Some(demo_db(args.db.as_deref())?)
    } else {
        None
    };
    let db = match (&demo, args.db) {
        (Some((url, _)), _) => url.clone(),
        (None, Some(db)) => db,
        (None, None) => "sqlite://yata.db".to_owned(),
    };
    if !(db.starts_with("sqlite:") || db.starts_with("postgres")) {
        return Err(Failure::BadInput(format!(
            "--db {db}: expected sqlite://PATH or postgres://…"
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
    // A setting's error names the file it is in.
    let at = args
        .config
        .as_ref()
        .map_or(String::new(), |p| format!("{}: ", p.display()));
    let feeds = file
        .feeds()
        .map_err(|e| Failure::BadInput(format!("{at}{e}")))?;
    let correlation = file
        .correlation()
        .map_err(|e| Failure::BadInput(format!("{at}{e}")))?;
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if let Some((url, path)) = &demo {
        runtime.block_on(prepare_demo(url, path, &policy, &service))?;
    }
    let config = ServeConfig {
        db_url: db,
        bind: args.bind,
        policy,
        service,
        tls: args.tls_cert.zip(args.tls_key),
    };
    runtime
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
    super::runtime()?.block_on(async {
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
