//! E-mail notifications over SMTP: the webhooks' events (see
//! [`crate::webhooks`]) sent as plain-text messages to the addresses an
//! organisation's admins subscribed, in Japanese, English, or both.
//!
//! * **Off unless configured**: without [`SmtpConfig`]
//!   ([`crate::ServiceConfig::smtp`]) subscriptions cannot be created and
//!   events make no e-mail deliveries.
//! * **Fan-out**: [`crate::webhooks::dispatch`] turns each event into
//!   webhook and e-mail deliveries in one store transaction; a
//!   subscription gets an event by the webhooks' rule ([`wants`]: its
//!   organisation, a subscribed kind, `min_decision` in BOD 26-04 order,
//!   created before the event).
//! * **Delivery** ([`deliver_due`], its own loop in `yata serve`): a
//!   claimed delivery becomes one message ([`Mailer::message`]) to the
//!   subscription's address only, with a `Message-ID` made of the event,
//!   the delivery and its creation time at the sender's domain (the same
//!   on every retry, so a mail client can drop a duplicate) and a `Date`.
//!   The texts are in [`catalogue`]. Accepted by the server (2xx):
//!   delivered. A permanent rejection (5xx, say an unknown mailbox; not
//!   the authentication failures of a wrong `[smtp]`, see [`gives_up`])
//!   is given up at once; a transient one (4xx) and a failed connection,
//!   TLS handshake or timeout are retried with the webhooks' backoff
//!   ([`DeliveryConfig`]) until the attempts run out. Every attempt is in
//!   the delivery log with the SMTP reply code. At least once: a worker
//!   that dies after the server accepted a message but before recording
//!   it leaves a lease that expires, and the message is sent again (same
//!   `Message-ID`).

use std::path::PathBuf;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;
use yata_store::{Attempt, Event, MailSubscription, MailTask};

use crate::error::AppError;
use crate::state::AppState;
use crate::webhooks::{self, DeliveryConfig};

pub mod catalogue;

/// How the server reaches its SMTP server: the `[smtp]` section of the
/// server's configuration file. Absent: e-mail is off.
///
/// ```toml
/// [smtp]
/// host = "smtp.example.jp"
/// port = 587                  # default: 587 (starttls), 465 (tls), 25 (none)
/// security = "starttls"       # default; "tls": TLS from the first byte;
///                             # "none": plain text, localhost only
/// username = "yata-shield"
/// password_file = "/run/secrets/smtp-password"  # or password_env = "YATA_SMTP_PASSWORD"
/// from = "YATA-Shield <yata-shield@example.jp>"
/// timeout = "30s"             # one attempt, connecting to QUIT; default 30 s
/// base_url = "https://yata.example.jp"  # links in messages; none without it
/// ```
///
/// The password is never written in the file: it is read at start-up from
/// `password_file` (trailing line break removed) or from the environment
/// variable named by `password_env`. TLS uses the system's trust anchors.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: by `security`.
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    pub username: Option<String>,
    pub password_file: Option<PathBuf>,
    pub password_env: Option<String>,
    /// The sender: `addr@domain` or `Name <addr@domain>`.
    #[serde(deserialize_with = "mailbox")]
    pub from: Mailbox,
    /// One attempt, from connecting to the server's last reply (and each
    /// command within it).
    #[serde(default = "default_timeout")]
    pub timeout: SignedDuration,
    /// The server's public address (`https://…`): messages link the finding.
    pub base_url: Option<String>,
}

fn mailbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Mailbox, D::Error> {
    let text = String::deserialize(d)?;
    text.parse()
        .map_err(|e| serde::de::Error::custom(format!("{text:?}: {e}")))
}

fn default_timeout() -> SignedDuration {
    SignedDuration::from_secs(30)
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which the server must offer.
    #[default]
    Starttls,
    /// TLS from the first byte ("SMTPS", port 465).
    Tls,
    /// No encryption: only for an SMTP server on this machine (or tests).
    None,
}

/// A setting of `[smtp]` that cannot work.
#[derive(Debug, thiserror::Error)]
#[error("smtp.{field}: {message}")]
pub struct SmtpConfigError {
    field: &'static str,
    message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> SmtpConfigError {
    SmtpConfigError {
        field,
        message: message.into(),
    }
}

/// The SMTP client of one server, made once from its [`SmtpConfig`].
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    base_url: Option<String>,
    timeout: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive() // Never the credentials.
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Mailer {
    /// Checks `config` and reads its password. Nothing is sent: a
    /// wrong host or password shows in the first delivery's log.
    pub fn new(config: &SmtpConfig) -> Result<Mailer, SmtpConfigError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(invalid("host", "empty"));
        }
        if config.security == Security::None && !is_loopback(host) {
            return Err(invalid(
                "security",
                format!("\"none\" sends in clear text: only for localhost, not {host}"),
            ));
        }
        let timeout = Duration::try_from(config.timeout)
            .ok()
            .filter(|t| !t.is_zero() && *t <= Duration::from_secs(600))
            .ok_or_else(|| invalid("timeout", "between 1 s and 10 min"))?;
        let base_url = match config.base_url.as_deref().map(str::trim) {
            None => None,
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                Some(u.trim_end_matches('/').to_owned())
            }
            Some(u) => return Err(invalid("base_url", format!("{u:?}: not http(s)://…"))),
        };
        let password = match (&config.password_file, &config.password_env) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "password_file",
                    "give password_file or password_env, not both",
                ));
            }
            (Some(path), None) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| invalid("password_file", format!("{}: {e}", path.display())))?
                    .trim_end_matches(['\r', '\n'])
                    .to_owned(),
            ),
            (None, Some(var)) => Some(
                std::env::var(var).map_err(|e| invalid("password_env", format!("{var}: {e}")))?,
            ),
            (None, None) => None,
        };
        let credentials = match (&config.username, password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(invalid("username", "needs password_file or password_env"));
            }
            (None, Some(_)) => return Err(invalid("username", "missing for the password")),
        };
        if credentials.is_some() && config.security == Security::None {
            return Err(invalid(
                "security",
                "\"none\" would send the password in clear text",
            ));
        }
        let tls = || {
            TlsParameters::builder(host.to_owned())
                .build_rustls()
                .map_err(|e| invalid("security", e.to_string()))
        };
        let (tls, port) = match config.security {
            Security::Starttls => (Tls::Required(tls()?), 587),
            Security::Tls => (Tls::Wrapper(tls()?), 465),
            Security::None => (Tls::None, 25),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port.unwrap_or(port))
            .tls(tls)
            .timeout(Some(timeout));
        if let Some(c) = credentials {
            builder = builder.credentials(c);
        }
        Ok(Mailer {
            transport: builder.build(),
            from: config.from.clone(),
            base_url,
            timeout,
        })
    }

    /// A claimed delivery's message, about the event's `organization` and
    /// `asset` (their names): to the subscription's address only. An error
    /// is for good: the stored address or the texts cannot make a message.
    pub fn message(
        &self,
        task: &MailTask,
        organization: &str,
        asset: &str,
        now: Timestamp,
    ) -> Result<Message, String> {
        let e = &task.event;
        let facts = catalogue::Facts {
            kind: e.kind,
            organization,
            asset,
            component: &e.subject,
            vulnerability: &e.vuln_id,
            decision: e.decision.as_deref(),
            deadline: e.deadline,
            link: self
                .base_url
                .as_ref()
                .map(|b| format!("{b}/api/v1/findings/{}", e.finding)),
        };
        let (subject, text) = catalogue::compose(task.language, &facts);
        let to: Address = task
            .address
            .parse()
            .map_err(|err| format!("address {:?}: {err}", task.address))?;
        let body = Body::new_with_encoding(text, ContentTransferEncoding::Base64)
            .map_err(|_| "body: not encodable".to_owned())?;
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(subject)
            .message_id(Some(format!(
                "<yata-shield.{}.{}.{}@{}>",
                e.id,
                task.delivery.id,
                task.delivery.created_at.as_second(),
                self.from.email.domain()
            )))
            .date(std::time::SystemTime::try_from(now).map_err(|e| format!("date: {e}"))?)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|err| format!("message: {err}"))
    }
}

/// Whether subscription `m` receives event `e`: the webhooks' rule.
pub fn wants(m: &MailSubscription, e: &Event) -> bool {
    webhooks::reaches(m.org, &m.events, m.created_at, m.min_decision.as_deref(), e)
}

/// Claims the e-mail deliveries due at `now` and sends them,
/// `concurrency` at a time, recording each attempt; returns how many it
/// attempted. Stops after a few rounds so the caller's loop goes on.
pub async fn deliver_due(
    state: &AppState,
    mailer: &Mailer,
    worker: &str,
    now: Timestamp,
    config: &DeliveryConfig,
) -> Result<usize, AppError> {
    const ROUNDS: usize = 8;
    // A lease outlives any attempt.
    let lease = SignedDuration::try_from(mailer.timeout)
        .unwrap_or(SignedDuration::from_secs(600))
        .saturating_add(SignedDuration::from_secs(60));
    // As for webhooks: the clock moves on while slow servers answer.
    let started = std::time::Instant::now();
    let clock = || {
        now.checked_add(SignedDuration::try_from(started.elapsed()).unwrap_or_default())
            .unwrap_or(now)
    };
    let mut attempted = 0;
    for _ in 0..ROUNDS {
        let mut sends = tokio::task::JoinSet::new();
        for _ in 0..config.concurrency.max(1) {
            let now = clock();
            let Some(task) = state
                .store()
                .claim_mail_delivery(worker, now, lease)
                .await?
            else {
                break;
            };
            let (state, mailer, config) = (state.clone(), mailer.clone(), config.clone());
            sends.spawn(async move {
                let attempt = send(&state, &mailer, &task, now, &config).await;
                (task.delivery.id, attempt)
            });
        }
        if sends.is_empty() {
            break;
        }
        while let Some(done) = sends.join_next().await {
            let (id, attempt) = done.map_err(AppError::internal)?;
            attempted += 1;
            match state
                .store()
                .finish_mail_delivery(id, worker, &attempt)
                .await
            {
                // Its subscription was deleted, or the lease ran out and
                // another worker took it: nothing to record here.
                Err(yata_store::Error::Conflict(_)) => {}
                other => other?,
            }
        }
    }
    Ok(attempted)
}

/// Whether an SMTP reply code says "never": a 5xx, except those about the
/// sender's authentication (RFC 4954: 530, 534, 535, 538), which the
/// operator fixes in `[smtp]` and which then must not have lost every
/// message meanwhile.
pub fn gives_up(code: u16) -> bool {
    (500..600).contains(&code) && !matches!(code, 530 | 534 | 535 | 538)
}

/// The names of the event's organisation and asset (`#id` if gone).
async fn names(state: &AppState, e: &Event) -> Result<(String, String), yata_store::Error> {
    let organization = match state.organization(e.org).await? {
        Some(o) => o.name,
        None => format!("#{}", e.org),
    };
    let asset = match state.store().asset(e.asset).await? {
        Some(a) => a.name,
        None => format!("#{}", e.asset),
    };
    Ok((organization, asset))
}

/// One attempt of a claimed e-mail delivery.
async fn send(
    state: &AppState,
    mailer: &Mailer,
    task: &MailTask,
    now: Timestamp,
    config: &DeliveryConfig,
) -> Attempt {
    let message = match names(state, &task.event).await {
        Ok((organization, asset)) => mailer
            .message(task, &organization, &asset, now)
            .map_err(|e| (None, e, true)),
        Err(e) => Err((None, format!("store: {e}"), false)),
    };
    let (status, error, permanent) = match message {
        Err(failure) => failure,
        // lettre's timeout is per command; the attempt's is the lease's.
        Ok(message) => {
            match tokio::time::timeout(mailer.timeout, mailer.transport.send(message)).await {
                Ok(Ok(reply)) => {
                    return Attempt::Delivered {
                        at: now,
                        status: u16::from(reply.code()),
                    };
                }
                Ok(Err(e)) => {
                    let code = e.status().map(u16::from);
                    (code, e.to_string(), code.is_some_and(gives_up))
                }
                Err(_) => (None, format!("timed out after {:?}", mailer.timeout), false),
            }
        }
    };
    let attempts = task.delivery.attempts;
    let retry_at = (!permanent && attempts < config.max_attempts)
        .then(|| now.checked_add(config.backoff(attempts)).ok())
        .flatten();
    tracing::info!(
        delivery = task.delivery.id.0,
        attempts,
        error = %error,
        retry = retry_at.is_some(),
        "e-mail delivery failed"
    );
    Attempt::Failed {
        at: now,
        status,
        error,
        retry_at,
    }
}

/// One round: fan-out of new events (both channels), then the e-mails
/// due. Returns the deliveries made and the e-mails attempted.
pub async fn run_once(
    state: &AppState,
    mailer: &Mailer,
    worker: &str,
    now: Timestamp,
    config: &DeliveryConfig,
) -> Result<(u64, usize), AppError> {
    let made = webhooks::dispatch(state, now).await?;
    let attempted = deliver_due(state, mailer, worker, now, config).await?;
    Ok((made, attempted))
}

/// The e-mail loop of `yata serve`, beside the webhooks' (which fans
/// events out), so a slow SMTP server holds up neither.
pub async fn work(state: AppState, mailer: Mailer, worker: String) {
    let config = DeliveryConfig::default();
    loop {
        match deliver_due(&state, &mailer, &worker, Timestamp::now(), &config).await {
            Ok(0) => {}
            Ok(_) => continue,
            Err(e) => tracing::error!(error = %e, "e-mail deliveries failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[smtp]
host = "smtp.example.jp"
port = 587                  # default: 587 (starttls), 465 (tls), 25 (none)
security = "starttls"       # default; "tls": TLS from the first byte;
                            # "none": plain text, localhost only
username = "yata-shield"
password_file = "/run/secrets/smtp-password"  # or password_env = "YATA_SMTP_PASSWORD"
from = "YATA-Shield <yata-shield@example.jp>"
timeout = "30s"             # one attempt, connecting to QUIT; default 30 s
base_url = "https://yata.example.jp"  # links in messages; none without it
"#;

    #[derive(Debug, Deserialize)]
    struct File {
        smtp: SmtpConfig,
    }

    fn parse(text: &str) -> Result<SmtpConfig, toml::de::Error> {
        toml::from_str::<File>(text).map(|f| f.smtp)
    }

    #[test]
    fn the_documented_example_parses() {
        let c = parse(EXAMPLE).unwrap();
        assert_eq!(c.host, "smtp.example.jp");
        assert_eq!(c.port, Some(587));
        assert_eq!(c.security, Security::Starttls);
        assert_eq!(c.username.as_deref(), Some("yata-shield"));
        assert_eq!(
            c.password_file.as_deref(),
            Some(std::path::Path::new("/run/secrets/smtp-password"))
        );
        assert_eq!(c.from.to_string(), "YATA-Shield <yata-shield@example.jp>");
        assert_eq!(c.timeout, SignedDuration::from_secs(30));
        assert_eq!(c.base_url.as_deref(), Some("https://yata.example.jp"));
        // The doc comment shows the same text.
        let docs = include_str!("mail.rs");
        for line in EXAMPLE.trim().lines() {
            assert!(docs.contains(&format!("/// {line}")), "{line}");
        }
    }

    #[test]
    fn only_recipient_rejections_are_given_up_at_once() {
        for code in [550, 551, 552, 553, 554, 501] {
            assert!(gives_up(code), "{code}");
        }
        for code in [421, 450, 451, 452, 530, 534, 535, 538, 250] {
            assert!(!gives_up(code), "{code}");
        }
    }

    #[test]
    fn defaults_and_refusals() {
        let c = parse("[smtp]\nhost = \"localhost\"\nfrom = \"a@example.jp\"\n").unwrap();
        assert_eq!(
            (c.port, c.security, c.timeout),
            (None, Security::Starttls, SignedDuration::from_secs(30))
        );
        for (text, needle) in [
            ("password = \"inline\"", "unknown field `password`"),
            ("security = \"ssl\"", "unknown variant `ssl`"),
            ("timeout = \"soon\"", "timeout"),
        ] {
            let e = parse(&format!(
                "[smtp]\nhost = \"h\"\nfrom = \"a@example.jp\"\n{text}\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
        let e = parse("[smtp]\nhost = \"h\"\nfrom = \"not an address\"\n").unwrap_err();
        assert!(e.to_string().contains("from"), "{e}");
    }

    #[test]
    fn mailer_checks_what_toml_cannot() {
        let ok = parse("[smtp]\nhost = \"127.0.0.1\"\nport = 2525\nsecurity = \"none\"\nfrom = \"a@example.jp\"\n").unwrap();
        assert!(Mailer::new(&ok).is_ok());
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("pw");
        std::fs::write(&secret, "s3cret\n").unwrap();
        for (change, want) in [
            (
                &(|c: &mut SmtpConfig| c.host = "smtp.example.jp".into())
                    as &dyn Fn(&mut SmtpConfig),
                "smtp.security: \"none\" sends in clear text",
            ),
            (
                &|c: &mut SmtpConfig| {
                    c.username = Some("u".into());
                    c.password_file = Some(secret.clone());
                },
                "smtp.security: \"none\" would send the password",
            ),
            (
                &|c: &mut SmtpConfig| c.username = Some("u".into()),
                "smtp.username: needs password_file or password_env",
            ),
            (
                &|c: &mut SmtpConfig| {
                    c.security = Security::Starttls;
                    c.username = Some("u".into());
                    c.password_file = Some("/nonexistent/pw".into());
                },
                "smtp.password_file: /nonexistent/pw: ",
            ),
            (
                &|c: &mut SmtpConfig| c.timeout = SignedDuration::ZERO,
                "smtp.timeout",
            ),
            (
                &|c: &mut SmtpConfig| c.base_url = Some("yata.example.jp".into()),
                "smtp.base_url",
            ),
        ] {
            let mut c = ok.clone();
            change(&mut c);
            let e = Mailer::new(&c).unwrap_err().to_string();
            assert!(e.starts_with(want), "{e}");
        }
        let mut c = ok.clone();
        c.security = Security::Tls;
        c.host = "smtp.example.jp".into();
        c.username = Some("u".into());
        c.password_file = Some(secret);
        c.base_url = Some("https://yata.example.jp/".into());
        let m = Mailer::new(&c).unwrap();
        assert_eq!(m.base_url.as_deref(), Some("https://yata.example.jp"));
        assert!(!format!("{m:?}").contains("s3cret"));
    }
}
