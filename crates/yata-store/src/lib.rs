//! The platform's storage (layer 4): one [`Store`] trait, two
//! implementations with the same behaviour, SQLite (the embedded default,
//! one file in WAL mode) and PostgreSQL (several server replicas on one
//! database). Knows nothing about HTTP, cookies or who may see what: it
//! keeps the session rows the service writes (hashes only) but never decides
//! whether one is valid; the service layer decides visibility and asks the
//! store the queries it needs (for example
//! [`Store::supervised_organizations`]).
//!
//! # Design
//!
//! * **Open by URL**: [`open`] takes `sqlite://yata.db`, `sqlite::memory:` or
//!   `postgres://…`, applies the migrations (`migrations/sqlite`,
//!   `migrations/postgres`, embedded in the binary with `include_str!`
//!   and checksummed as `sqlx::migrate!` did: `src/migrations.rs`) and
//!   returns a `Box<dyn Store>`. A trait object rather than an enum: the
//!   service holds one store chosen at run time, test fakes can stand in,
//!   and the cost (one boxed future per call) is nothing next to a
//!   database round trip. The trait's methods return boxed futures by hand
//!   so it stays dyn-compatible without a macro crate.
//! * **One body, two drivers**: `src/sql.rs` is compiled twice, as
//!   `sqlite::sql` and `postgres::sql`, each against its own sqlx driver
//!   (`type Db`), and with it its child `src/reconcile.rs` (the findings
//!   reconciliation). SQL text is shared (`$1` placeholders work in both);
//!   the few differences (how a write transaction begins, `FOR UPDATE SKIP
//!   LOCKED`, backup, how generated batch statements number their
//!   parameters) live in `sqlite.rs` and `postgres.rs`. Queries are runtime
//!   `sqlx::query` with explicit binds: no database is needed at build time.
//! * **Portable types**: timestamps are 64-bit microseconds since the Unix
//!   epoch, JSON is text, ids are 64-bit integers, so both databases store
//!   and return the same values.
//! * **Every write is one transaction and is audited in it**: a write
//!   begins by locking the audit head (the one-row `audit_head` table; on
//!   SQLite `BEGIN IMMEDIATE` already serialises writers), appends its
//!   audit entries, moves the head and commits. The chain therefore has no
//!   gaps and no forks, and a rolled-back write leaves no entry. The price
//!   is that writers are serialised on PostgreSQL too; measured batching
//!   comes before any cleverer scheme. The exceptions are queue
//!   bookkeeping, not platform data, so not audited: job leases
//!   ([`Store::claim_job`], [`Store::renew_job`], [`Store::finish_job`];
//!   enqueueing a job is audited, except periodic jobs queued by their
//!   schedule, [`Store::schedule_jobs`]), feed sources' sync state
//!   ([`Store::record_feed_sync`])
//!   and webhook and e-mail deliveries (fan-out, leases and attempts:
//!   [`Store::dispatch_events`], [`Store::claim_delivery`],
//!   [`Store::finish_delivery`], [`Store::claim_mail_delivery`],
//!   [`Store::finish_mail_delivery`]; registering a webhook or an e-mail
//!   subscription is audited).
//! * **Events are written with their cause** (the outbox, `outbox.rs`): a
//!   write that opens or reopens findings writes their `finding.new`
//!   events in its own transaction, and the deadline scan writes its events
//!   in one; so an event exists exactly when its change was committed.
//!   Events are written only for organisations with a webhook or an
//!   e-mail subscription subscribed to their kind.
//! * **The audit chain** ([`audit`]): each entry's hash covers the previous
//!   hash and its own fields; [`Store::verify_audit`] recomputes it and
//!   names the first broken entry. Triggers refuse UPDATE and DELETE on
//!   `audit_log`, which stops mistakes; the chain catches the rest.
//!
//! # Issue 6, storage: what is here
//!
//! Implemented: sectors (seeded), organisations with sectors, the
//! ministry-supervision query, the NCO organisation (found, or made),
//! users, memberships, API tokens (hash only, expiry, revocation, listing
//! per organisation), web sessions (hashes of the secret and of the CSRF
//! token; created, found even when expired, deleted at log-out), one-time
//! bootstrap links and the first admin made with one (one transaction),
//! assets, inventory documents with history and one current per asset,
//! replacing an inventory together with its findings, and re-evaluating
//! findings without a new inventory (both the one reconciliation in
//! `reconcile.rs`: open / refresh / reopen / resolve, batched for tens of
//! thousands of observations per asset), finding listing and transitions
//! with history, expiry of accepted risks, advisory snapshots imported into
//! the server (every import kept; the latest is the one in use), the job
//! queue (enqueue, claim with a lease, finish), webhooks and e-mail
//! subscriptions with the event outbox and their delivery queues (claim
//! with a lease, attempts, the delivery logs), the audit log and its verification, SQLite backup
//! (`VACUUM INTO`) and restore.
//!
//! Designed only (columns exist, no operations yet): job failure and retry
//! (`attempts`, `last_error`). Not yet here: removing expired sessions,
//! old snapshots and old events and deliveries, listing snapshots,
//! and controls (later issues). Incident reports and alerts (issue 8) are
//! in `incidents.rs` (see the `incident` module).
//!
//! No TLS to PostgreSQL yet (sqlx built without a TLS feature): use a unix
//! socket or a local address until a deployment needs it.

#![forbid(unsafe_code)]
// Deliberate: `sql.rs` is compiled once per driver (see "One body, two drivers").
#![allow(clippy::duplicate_mod)]

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use jiff::{SignedDuration, Timestamp};

pub mod audit;
mod error;
mod incident;
mod mail;
mod migrations;
mod model;
mod postgres;
mod sqlite;
/// Test support: a fresh database per test (feature `testing`).
#[cfg(feature = "testing")]
pub mod testing;
mod webhook;

pub use error::Error;
pub use incident::*;
pub use mail::*;
pub use model::*;
pub use webhook::*;

/// What every [`Store`] method returns: a boxed, sendable future.
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// Opens the store at `url` (`sqlite://PATH`, `sqlite::memory:`,
/// `postgres://…`), creating a SQLite file if missing, and applies the
/// migrations.
pub async fn open(url: &str) -> Result<Box<dyn Store>, Error> {
    if url.starts_with("sqlite:") {
        Ok(Box::new(sqlite::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(postgres::open(url).await?))
    } else {
        Err(Error::Url(format!(
            "{url:?}: expected sqlite://PATH, sqlite::memory: or postgres://…"
        )))
    }
}

/// Replaces the SQLite store at `url` by the backup `from`, after checking
/// the backup's audit chain (a broken chain changes nothing and is
/// returned). The server must not be running on `url`. Returns the number
/// of audit entries of the restored store.
pub async fn restore(url: &str, from: &Path) -> Result<Result<u64, BrokenAt>, Error> {
    if !url.starts_with("sqlite:") {
        return Err(Error::Unsupported {
            operation: "restore",
            backend: "postgres (use pg_restore)",
        });
    }
    sqlite::restore(url, from).await
}

/// The platform's storage. Every write takes the [`Actor`] that does it,
/// runs in one transaction and appends to the audit log in that
/// transaction. Reads never check visibility: the caller does.
pub trait Store: Send + Sync + fmt::Debug {
    fn backend(&self) -> Backend;
    /// Waits for open connections to finish and closes them.
    fn close(&self) -> Fut<'_, ()>;

    // Sectors and organisations.

    /// The 15 sectors, in their seeded order.
    fn sectors(&self) -> Fut<'_, Vec<Sector>>;
    /// `Conflict` if the name is taken; `Invalid` for an unknown sector.
    fn create_organization<'a>(
        &'a self,
        actor: &'a Actor,
        new: &'a NewOrganization,
    ) -> Fut<'a, OrgId>;
    fn organization(&self, id: OrgId) -> Fut<'_, Option<Organization>>;
    /// All organisations, by id.
    fn organizations(&self) -> Fut<'_, Vec<Organization>>;
    /// Operators and government bodies in any sector that `ministry`
    /// supervises (empty if it is not a ministry), by id.
    fn supervised_organizations(&self, ministry: OrgId) -> Fut<'_, Vec<OrgId>>;
    /// Organisations of any kind with any of `sectors`, by id.
    fn organizations_in_sectors<'a>(&'a self, sectors: &'a [String]) -> Fut<'a, Vec<OrgId>>;
    /// Whether an NCO organisation has an admin (a member or a valid token):
    /// the first-start bootstrap asks this.
    fn nco_admin_exists(&self) -> Fut<'_, bool>;
    /// The NCO organisation: the first (lowest id) of kind `nco`, or, if
    /// there is none, a new one named "National Cyber Office" with no
    /// sectors (audited).
    fn nco_organization<'a>(&'a self, actor: &'a Actor) -> Fut<'a, OrgId>;

    // People and tokens.

    /// `Conflict` if the e-mail is taken.
    fn create_user<'a>(&'a self, actor: &'a Actor, new: &'a NewUser) -> Fut<'a, UserId>;
    fn user(&self, id: UserId) -> Fut<'_, Option<User>>;
    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>>;
    /// Adds the membership or changes its role.
    fn set_membership<'a>(&'a self, actor: &'a Actor, m: &'a Membership) -> Fut<'a, ()>;
    fn memberships(&self, user: UserId) -> Fut<'_, Vec<Membership>>;
    /// Sets a person's display preferences (`None`: the default).
    /// `NotFound` if there is no such user.
    fn set_user_preferences<'a>(
        &'a self,
        actor: &'a Actor,
        user: UserId,
        language: Option<&'a str>,
        time_zone: Option<&'a str>,
    ) -> Fut<'a, ()>;
    fn create_token<'a>(&'a self, actor: &'a Actor, new: &'a NewToken) -> Fut<'a, TokenId>;
    /// An organisation's tokens, valid or not, by id.
    fn tokens(&self, org: OrgId) -> Fut<'_, Vec<ApiToken>>;
    /// The token whose secret hashes to `hash`, valid or not.
    fn token_by_hash<'a>(&'a self, hash: &'a [u8; 32]) -> Fut<'a, Option<ApiToken>>;
    /// Revokes a token (again: no change, still audited). `NotFound` if none.
    fn revoke_token<'a>(&'a self, actor: &'a Actor, id: TokenId) -> Fut<'a, ()>;

    // Web sessions.

    /// `Conflict` if the hash is taken; `Invalid` for an unknown user or
    /// organisation (membership is the caller's business).
    fn create_session<'a>(&'a self, actor: &'a Actor, new: &'a NewSession) -> Fut<'a, SessionId>;
    /// The session whose secret hashes to `hash`, expired or not: the
    /// caller checks ([`Session::is_valid_at`]).
    fn session_by_hash<'a>(&'a self, hash: &'a [u8; 32]) -> Fut<'a, Option<Session>>;
    /// Ends a session (log-out). `NotFound` if there is none.
    fn delete_session<'a>(&'a self, actor: &'a Actor, id: SessionId) -> Fut<'a, ()>;

    // First start.

    /// Stores a one-time bootstrap link by the SHA-256 of its secret.
    /// `Conflict` if the hash is taken.
    fn create_bootstrap_link<'a>(
        &'a self,
        actor: &'a Actor,
        hash: &'a [u8; 32],
        expires_at: Timestamp,
    ) -> Fut<'a, ()>;
    /// In one transaction: if the link whose secret hashes to `link`
    /// exists, is unused and `now` is before its expiry, marks it used,
    /// creates `user` and makes them admin of the NCO organisation (as
    /// [`Store::nco_organization`] finds or creates it), and returns both
    /// ids. Otherwise changes nothing and returns `None`. `Conflict` if the
    /// e-mail is taken: nothing changes, the link stays unused.
    fn bootstrap_admin<'a>(
        &'a self,
        actor: &'a Actor,
        link: &'a [u8; 32],
        now: Timestamp,
        user: &'a NewUser,
    ) -> Fut<'a, Option<(OrgId, UserId)>>;

    // Assets and inventories.

    /// `Conflict` if the organisation already has an asset of that name.
    fn create_asset<'a>(&'a self, actor: &'a Actor, new: &'a NewAsset) -> Fut<'a, AssetId>;
    /// In one transaction: creates every asset and makes its inventory
    /// current with its findings (bulk registration from an asset
    /// register). The inventories' `asset` fields are ignored. `Conflict`
    /// and nothing written if any name is taken.
    fn create_assets<'a>(
        &'a self,
        actor: &'a Actor,
        items: &'a [NewAssetWithInventory],
    ) -> Fut<'a, Vec<AssetId>>;
    fn asset(&self, id: AssetId) -> Fut<'_, Option<Asset>>;
    /// An organisation's assets, by id.
    fn assets(&self, org: OrgId) -> Fut<'_, Vec<Asset>>;
    /// In one transaction: makes `inventory` the asset's current document
    /// (the previous one stays as history) and brings the asset's findings
    /// in line with `observations`: new ones open, fixed ones that reappear
    /// reopen, present ones are refreshed (last seen, decision, deadline,
    /// explanation), open or in-triage ones no longer observed become fixed.
    fn replace_inventory<'a>(
        &'a self,
        actor: &'a Actor,
        inventory: &'a NewInventory,
        observations: &'a [Observation],
    ) -> Fut<'a, (InventoryId, FindingsUpdate)>;
    fn current_inventory(&self, asset: AssetId) -> Fut<'_, Option<InventoryDocument>>;
    /// Every document uploaded to the asset, oldest first.
    fn inventory_history(&self, asset: AssetId) -> Fut<'_, Vec<InventoryMeta>>;
    /// Every asset that has a current inventory, by id: what to
    /// re-evaluate after a feed import.
    fn assets_with_inventory(&self) -> Fut<'_, Vec<AssetId>>;

    // Findings.

    /// In one transaction: brings the asset's findings in line with
    /// `observations` exactly as [`Store::replace_inventory`] does (open,
    /// reopen, refresh, resolve), leaving its inventories alone: for
    /// re-evaluation after an advisory feed changed. `NotFound` if there is
    /// no such asset.
    fn refresh_findings<'a>(
        &'a self,
        actor: &'a Actor,
        asset: AssetId,
        observations: &'a [Observation],
    ) -> Fut<'a, FindingsUpdate>;
    /// As [`Store::refresh_findings`], limited to the findings of the
    /// vulnerability ids `vulns` (as stored): observations of other ids are
    /// ignored and the asset's other findings left as they are. For a feed
    /// change that touched only those vulnerabilities, which therefore
    /// cannot have changed the others: a KEV entry for one vulnerability
    /// rewrites its findings, not the hundreds of others of every asset it
    /// touches.
    fn refresh_findings_of<'a>(
        &'a self,
        actor: &'a Actor,
        asset: AssetId,
        observations: &'a [Observation],
        vulns: &'a [String],
    ) -> Fut<'a, FindingsUpdate>;

    /// Ordered by deadline (none last), then id.
    fn findings<'a>(&'a self, filter: &'a FindingFilter) -> Fut<'a, Vec<Finding>>;
    fn finding(&self, id: FindingId) -> Fut<'_, Option<Finding>>;
    /// Every finding, in any organisation, of any of the vulnerability
    /// ids (a vulnerability's aliases), by organisation, asset and id.
    fn findings_of_vulnerabilities<'a>(&'a self, ids: &'a [String]) -> Fut<'a, Vec<Finding>>;
    /// Per organisation (by id), how many assets and findings are exposed
    /// to any of the vulnerability ids (a vulnerability's aliases): findings
    /// present in their asset's current inventory and not fixed, not
    /// affected or false positives. One aggregate over the partial index
    /// `findings_exposed`: its size is the number of organisations, not of
    /// findings.
    fn exposure_counts<'a>(&'a self, ids: &'a [String]) -> Fut<'a, Vec<ExposureCount>>;
    /// The exposed findings (as [`Store::exposure_counts`] counts them) of
    /// `orgs` to any of `ids`, with their assets' names, by organisation,
    /// asset and id, at most `limit`.
    fn exposed_findings<'a>(
        &'a self,
        ids: &'a [String],
        orgs: &'a [OrgId],
        limit: u32,
    ) -> Fut<'a, Vec<ExposedFinding>>;
    /// Findings figures of each of `orgs` at `now` (trend: the last
    /// `weeks` weeks), in organisation order.
    fn finding_summaries<'a>(
        &'a self,
        orgs: &'a [OrgId],
        now: Timestamp,
        weeks: u32,
    ) -> Fut<'a, Vec<OrgSummary>>;
    /// Applies `t` if the finding is still in `t.from` (`Conflict`
    /// otherwise), recording who, when and why.
    fn transition_finding<'a>(
        &'a self,
        actor: &'a Actor,
        id: FindingId,
        t: &'a Transition,
    ) -> Fut<'a, ()>;
    /// Applies every move in one transaction: all, or (on the first
    /// `Conflict` or `NotFound`) none.
    fn transition_findings<'a>(
        &'a self,
        actor: &'a Actor,
        moves: &'a [(FindingId, Transition)],
    ) -> Fut<'a, ()>;
    /// The finding's transitions, oldest first.
    fn finding_history(&self, id: FindingId) -> Fut<'_, Vec<FindingTransition>>;
    /// Reopens every accepted risk whose expiry is at or before `now`;
    /// returns how many.
    fn reopen_expired_risks(&self, now: Timestamp) -> Fut<'_, u64>;

    // Advisory snapshots.

    /// Stores an imported advisory snapshot and returns its id; earlier
    /// ones stay as history. `Invalid` if `digest` is not the SHA-256 of
    /// the body (hex, either case; stored lower-case).
    fn put_feed_snapshot<'a>(&'a self, actor: &'a Actor, new: &'a NewFeedSnapshot) -> Fut<'a, i64>;
    /// The latest snapshot stored, with its body.
    fn latest_feed_snapshot(&self) -> Fut<'_, Option<(FeedSnapshotMeta, Vec<u8>)>>;
    /// PostgreSQL: the announcements of writes committed by any process on
    /// the database, as they commit: `inventory:<asset id>` when an asset's
    /// inventory changed, `feed:<digest>` when a feed snapshot was stored.
    /// `None` on SQLite, which one process owns.
    fn changes(&self) -> Fut<'_, Option<tokio::sync::mpsc::Receiver<String>>>;

    // Jobs.

    fn enqueue_job<'a>(&'a self, actor: &'a Actor, job: &'a NewJob) -> Fut<'a, JobId>;
    /// Leases the oldest due job (not done, not leased, or lease expired) to
    /// `worker` until `now + lease`. No two workers get the same lease.
    fn claim_job<'a>(
        &'a self,
        worker: &'a str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Fut<'a, Option<Job>>;
    /// Marks a leased job done; `Conflict` if `worker` no longer holds it.
    fn finish_job<'a>(&'a self, id: JobId, worker: &'a str) -> Fut<'a, ()>;
    /// Extends `worker`'s lease of a running job to `until`; `Conflict` if
    /// it no longer holds it (the lease ran out and another took it).
    fn renew_job<'a>(&'a self, id: JobId, worker: &'a str, until: Timestamp) -> Fut<'a, ()>;

    // Periodic jobs and scheduled feed sources (see `schedule.rs`).

    /// Queues the job of each of `periodic` that is due at `now` or not
    /// known yet, and moves it a period ahead. Of several replicas calling
    /// this at once, one queues each due job. Not audited (bookkeeping).
    fn schedule_jobs<'a>(&'a self, periodic: &'a [Periodic], now: Timestamp)
    -> Fut<'a, Vec<JobId>>;
    /// Every schedule's name and next run.
    fn schedules(&self) -> Fut<'_, Vec<(String, Timestamp)>>;
    /// Queues a sync of the source `name` now, outside its schedule.
    fn sync_feed_now<'a>(&'a self, actor: &'a Actor, name: &'a str) -> Fut<'a, JobId>;
    /// Every scheduled source's state, by name.
    fn feed_sources(&self) -> Fut<'_, Vec<FeedSourceState>>;
    fn feed_source<'a>(&'a self, name: &'a str) -> Fut<'a, Option<FeedSourceState>>;
    /// Records what a sync found (not audited: bookkeeping; the snapshot
    /// an import stores is).
    fn record_feed_sync<'a>(&'a self, result: &'a FeedSyncResult) -> Fut<'a, ()>;

    // Webhooks and the event outbox (see the `webhook` module's docs).

    /// Registers a webhook. Audited without its secret and with only its
    /// URL's origin (paths and queries often carry tokens). `Invalid`
    /// without events.
    fn create_webhook<'a>(&'a self, actor: &'a Actor, new: &'a NewWebhook) -> Fut<'a, WebhookId>;
    /// An organisation's webhooks, by id, without their secrets.
    fn webhooks(&self, org: OrgId) -> Fut<'_, Vec<Webhook>>;
    /// Deletes a webhook with its deliveries. `NotFound` if there is none.
    fn delete_webhook<'a>(&'a self, actor: &'a Actor, id: WebhookId) -> Fut<'a, ()>;
    /// A webhook's deliveries, newest first, at most `limit`.
    fn webhook_deliveries(&self, webhook: WebhookId, limit: u32) -> Fut<'_, Vec<Delivery>>;
    /// In one transaction, for organisations with a webhook subscribed:
    /// `finding.overdue` for every open or in-triage finding whose deadline
    /// is before `now`, and `finding.deadline_approaching` for those whose
    /// deadline is in `[now, now + window)`, each once per finding.
    /// Audited when it writes any.
    fn scan_deadlines(&self, now: Timestamp, window: SignedDuration) -> Fut<'_, DeadlineEvents>;
    /// Events not yet fanned out into deliveries, oldest first, at most
    /// `limit`.
    fn undispatched_events(&self, limit: u32) -> Fut<'_, Vec<Event>>;
    /// In one transaction: marks each event dispatched and creates its
    /// deliveries to the webhooks and e-mail subscriptions given, due at
    /// `at`. An event already dispatched (by another replica) is skipped.
    /// Returns how many deliveries it created (both kinds). Queue
    /// bookkeeping, like job leases: not audited.
    fn dispatch_events<'a>(&'a self, fan_out: &'a [FanOut], at: Timestamp) -> Fut<'a, u64>;
    /// Leases the oldest due delivery (not leased, or lease expired) to
    /// `worker` until `now + lease`, counting an attempt, with what sending
    /// it needs. No two workers get the same lease.
    fn claim_delivery<'a>(
        &'a self,
        worker: &'a str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Fut<'a, Option<DeliveryTask>>;
    /// Records how a leased delivery's attempt ended and releases it;
    /// `Conflict` if `worker` no longer holds it (or it was deleted).
    fn finish_delivery<'a>(
        &'a self,
        id: DeliveryId,
        worker: &'a str,
        attempt: &'a Attempt,
    ) -> Fut<'a, ()>;

    // E-mail subscriptions (see the `mail` module's docs); their events
    // are the webhooks' ([`Store::scan_deadlines`], [`Store::dispatch_events`]).

    /// Subscribes an address. Audited (with the address). `Invalid`
    /// without events; `Conflict` if the organisation has the address
    /// subscribed already.
    fn create_mail_subscription<'a>(
        &'a self,
        actor: &'a Actor,
        new: &'a NewMailSubscription,
    ) -> Fut<'a, MailSubscriptionId>;
    /// An organisation's e-mail subscriptions, by id.
    fn mail_subscriptions(&self, org: OrgId) -> Fut<'_, Vec<MailSubscription>>;
    /// Deletes a subscription with its deliveries. `NotFound` if there is
    /// none.
    fn delete_mail_subscription<'a>(
        &'a self,
        actor: &'a Actor,
        id: MailSubscriptionId,
    ) -> Fut<'a, ()>;
    /// A subscription's deliveries, newest first, at most `limit`.
    fn mail_deliveries(
        &self,
        subscription: MailSubscriptionId,
        limit: u32,
    ) -> Fut<'_, Vec<MailDelivery>>;
    /// Leases the oldest due e-mail delivery to `worker` until `now +
    /// lease`, counting an attempt, with what sending it needs. No two
    /// workers get the same lease.
    fn claim_mail_delivery<'a>(
        &'a self,
        worker: &'a str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Fut<'a, Option<MailTask>>;
    /// Records how a leased e-mail delivery's attempt ended (the status is
    /// an SMTP reply code) and releases it; `Conflict` if `worker` no
    /// longer holds it (or it was deleted).
    fn finish_mail_delivery<'a>(
        &'a self,
        id: MailDeliveryId,
        worker: &'a str,
        attempt: &'a Attempt,
    ) -> Fut<'a, ()>;

    // Incident reports and alerts (see the `incident` module's docs).

    /// Files a report with its indicators, vulnerabilities, assets (each
    /// must be the organisation's: `Invalid` otherwise) and, for TLP:RED,
    /// its named recipients; its timeline starts with "filed".
    fn create_incident<'a>(&'a self, actor: &'a Actor, new: &'a NewIncident)
    -> Fut<'a, IncidentId>;
    fn incident(&self, id: IncidentId) -> Fut<'_, Option<Incident>>;
    /// The reports of `orgs` (every report with `None`), newest first, at
    /// most `limit`.
    fn incidents<'a>(&'a self, orgs: Option<&'a [OrgId]>, limit: u32)
    -> Fut<'a, Vec<IncidentHead>>;
    /// The reports with these ids that exist, by id.
    fn incident_heads<'a>(&'a self, ids: &'a [IncidentId]) -> Fut<'a, Vec<IncidentHead>>;
    /// The STIX bundle a report was imported from.
    fn incident_stix(&self, id: IncidentId) -> Fut<'_, Option<String>>;
    /// The reporter's change, with its timeline entry. `NotFound` if none.
    fn update_incident<'a>(
        &'a self,
        actor: &'a Actor,
        id: IncidentId,
        update: &'a IncidentUpdate,
    ) -> Fut<'a, ()>;
    /// A hop's (`org`'s) annotation. `NotFound` if there is no report.
    fn annotate_incident<'a>(
        &'a self,
        actor: &'a Actor,
        id: IncidentId,
        org: OrgId,
        to_reporter: bool,
        body: &'a str,
    ) -> Fut<'a, ()>;
    /// Every timeline entry, oldest first (the caller filters).
    fn incident_timeline(&self, id: IncidentId) -> Fut<'_, Vec<TimelineEntry>>;
    /// Stores a file with its SHA-256 (limits are the caller's).
    fn add_attachment<'a>(
        &'a self,
        actor: &'a Actor,
        id: IncidentId,
        org: OrgId,
        attachment: &'a NewAttachment,
    ) -> Fut<'a, AttachmentId>;
    fn attachment(
        &self,
        incident: IncidentId,
        id: AttachmentId,
    ) -> Fut<'_, Option<(AttachmentMeta, Vec<u8>)>>;
    /// The reports whose revision is after `after`, with all their
    /// indicators: a correlation index catching up (`after` = 0 at start).
    fn indicator_changes(&self, after: i64) -> Fut<'_, IndicatorChanges>;
    /// Every report carrying the indicator, with when it saw it, by report.
    fn indicator_sightings<'a>(
        &'a self,
        kind: &'a str,
        value: &'a str,
    ) -> Fut<'a, Vec<(IncidentId, IncidentIndicator)>>;

    /// Issues an alert to its recipients (received now), plus, when it
    /// targets exposure, every organisation with exposed findings of
    /// `exposed_to` (within `exposed_within`); later exposures are added
    /// by the writes that open their findings.
    fn create_alert<'a>(&'a self, actor: &'a Actor, new: &'a NewAlert) -> Fut<'a, AlertId>;
    fn alert(&self, id: AlertId) -> Fut<'_, Option<Alert>>;
    /// The alerts `org` received, with its acknowledgement, newest first.
    fn alert_inbox(&self, org: OrgId, limit: u32) -> Fut<'_, Vec<(Alert, AlertRecipient)>>;
    /// The alerts `org` issued, newest first.
    fn alerts_issued(&self, org: OrgId, limit: u32) -> Fut<'_, Vec<Alert>>;
    /// TLP:CLEAR alerts, newest first.
    fn public_alerts(&self, limit: u32) -> Fut<'_, Vec<Alert>>;
    /// An alert's recipient organisations, by id.
    fn alert_recipients(&self, id: AlertId) -> Fut<'_, Vec<AlertRecipient>>;
    fn alert_recipient(&self, id: AlertId, org: OrgId) -> Fut<'_, Option<AlertRecipient>>;
    /// Moves `org`'s acknowledgement forward to `status`, taking the steps
    /// before it too (who and when for each). `NotFound` if `org` is not a
    /// recipient; `Conflict` for a step back (reading again changes
    /// nothing).
    fn acknowledge_alert<'a>(
        &'a self,
        actor: &'a Actor,
        id: AlertId,
        org: OrgId,
        status: AckStatus,
        note: Option<&'a str>,
    ) -> Fut<'a, AlertRecipient>;
    /// Marks a reminder for every recipient not yet acting; how many.
    fn remind_alert<'a>(&'a self, actor: &'a Actor, id: AlertId) -> Fut<'a, u64>;

    // Audit and backup.

    /// Entries with `seq > after`, at most `limit`, in order.
    fn audit_entries(&self, after: u64, limit: u32) -> Fut<'_, Vec<AuditEntry>>;
    /// Recomputes the whole chain: the number of entries, or the first
    /// broken one.
    fn verify_audit(&self) -> Fut<'_, Result<u64, BrokenAt>>;
    /// A consistent copy of the live store into the new file `out`
    /// (SQLite; PostgreSQL answers `Unsupported`: use pg_dump).
    fn backup<'a>(&'a self, out: &'a Path) -> Fut<'a, ()>;
}
