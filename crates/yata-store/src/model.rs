//! The store's records: what goes in (`New…`) and what comes out.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;

/// A value of a closed set stored as text, with its stored spelling.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[$name] = &[$($name::$variant,)+];

            /// The stored (and API) spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue { what: stringify!($name), value: s.to_owned() }),
                }
            }
        }
    };
}

pub(crate) use text_enum;

/// A string that names no value of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what}: {value:?}")]
pub struct UnknownValue {
    pub(crate) what: &'static str,
    pub(crate) value: String,
}

text_enum! {
    /// What an organisation is; it decides what its sectors mean.
    OrgKind {
        /// The national cyber office (国家サイバー統括室).
        Nco = "nco",
        /// A sector ministry: its sectors are the ones it supervises.
        Ministry = "ministry",
        /// A critical-infrastructure operator: its sectors are its own.
        Operator = "operator",
        /// A government body: its sectors are its own.
        Government = "government",
        /// A software or product vendor.
        Vendor = "vendor",
    }
}

text_enum! {
    /// A person's or token's role in one organisation.
    Role {
        Admin = "admin",
        Analyst = "analyst",
        Viewer = "viewer",
        /// Read-only, including the audit log.
        Auditor = "auditor",
    }
}

text_enum! {
    /// Software holds inventory documents; a product is vendor/product/version/CPE.
    AssetKind {
        Software = "software",
        Product = "product",
    }
}

text_enum! {
    /// Mission criticality of an asset.
    Criticality {
        Low = "low",
        Medium = "medium",
        High = "high",
        VeryHigh = "very-high",
    }
}

text_enum! {
    /// Where a finding is in its workflow. Which moves are allowed is the
    /// service's rule; the store records them atomically.
    FindingState {
        Open = "open",
        InTriage = "in_triage",
        Fixed = "fixed",
        Mitigated = "mitigated",
        NotAffected = "not_affected",
        RiskAccepted = "risk_accepted",
        FalsePositive = "false_positive",
    }
}

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}
pub(crate) use id_type;

id_type! {
    /// An organisation.
    OrgId;
    /// A user.
    UserId;
    /// An API token.
    TokenId;
    /// An asset.
    AssetId;
    /// One uploaded inventory document.
    InventoryId;
    /// A finding.
    FindingId;
    /// A background job.
    JobId;
    /// A web session.
    SessionId;
}

/// Who did a write: recorded in the audit log and in finding transitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The platform itself (expiry, re-evaluation, migrations of data).
    System,
    /// The command line run by an operator of the machine.
    Cli,
    /// A signed-in person.
    User(UserId),
    /// An API token.
    Token(TokenId),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::System => f.write_str("system"),
            Actor::Cli => f.write_str("cli"),
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Token(id) => write!(f, "token:{id}"),
        }
    }
}

/// One of the 15 critical-infrastructure sectors (seeded, never written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sector {
    /// Stable code, e.g. `credit_cards`.
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    pub name: String,
    pub kind: OrgKind,
    /// Sector codes: its own, or for a ministry the supervised ones.
    pub sectors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    /// Sorted sector codes.
    pub sectors: Vec<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    /// Normalised by the caller (the store compares bytes).
    pub email: String,
    /// An Argon2id PHC string, hashed by the service; `None`: no password login.
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub created_at: Timestamp,
    pub disabled_at: Option<Timestamp>,
    /// Display preferences (web UI): `ja` or `en`; an IANA time zone. The
    /// service checks the values; `None`: the defaults (Japanese,
    /// Asia/Tokyo).
    pub language: Option<String>,
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub user: UserId,
    pub org: OrgId,
    pub role: Role,
}

/// A token to create: only the SHA-256 of the secret reaches the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub hash: [u8; 32],
    pub name: String,
    pub org: OrgId,
    pub user: Option<UserId>,
    pub role: Role,
    pub expires_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub org: OrgId,
    pub user: Option<UserId>,
    pub role: Role,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl ApiToken {
    /// Neither revoked nor expired at `now`.
    pub fn is_valid_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

/// A web session to create: only the SHA-256 of the cookie's secret and
/// of the CSRF token reach the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub hash: [u8; 32],
    pub user: UserId,
    /// The organisation the session acts for.
    pub org: OrgId,
    pub csrf_hash: [u8; 32],
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user: UserId,
    pub org: OrgId,
    pub csrf_hash: [u8; 32],
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl Session {
    /// Not expired at `now`.
    pub fn is_valid_at(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAsset {
    pub org: OrgId,
    pub name: String,
    pub kind: AssetKind,
    pub internet_exposed: bool,
    pub criticality: Criticality,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub cpe: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub id: AssetId,
    pub org: OrgId,
    pub name: String,
    pub kind: AssetKind,
    pub internet_exposed: bool,
    pub criticality: Criticality,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub cpe: Option<String>,
    pub created_at: Timestamp,
}

/// An inventory document to make current for an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInventory {
    pub asset: AssetId,
    /// The detected or given input format, e.g. `cyclonedx-json`.
    pub format: String,
    /// SHA-256 (hex) of the uploaded bytes.
    pub digest: String,
    pub components: u64,
    /// How `body` is encoded, e.g. `json` or `json+gzip`: the service's choice.
    pub encoding: String,
    /// The parsed inventory.
    pub body: Vec<u8>,
}

/// An asset to create together with its first inventory and findings.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssetWithInventory {
    pub asset: NewAsset,
    /// Its `asset` field is replaced by the new asset's id.
    pub inventory: NewInventory,
    pub observations: Vec<Observation>,
}

/// An inventory document's metadata (history listing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryMeta {
    pub id: InventoryId,
    pub asset: AssetId,
    pub format: String,
    pub digest: String,
    pub uploaded_at: Timestamp,
    pub uploaded_by: String,
    pub components: u64,
    pub is_current: bool,
}

/// The current inventory document of an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryDocument {
    pub meta: InventoryMeta,
    pub encoding: String,
    pub body: Vec<u8>,
}

/// What the matcher says about one (vulnerability, subject) of an asset now.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub vuln_id: String,
    /// The component's purl (or name@version), or `product`.
    pub subject: String,
    pub decision: Option<String>,
    pub deadline: Option<Timestamp>,
    /// The vulnerability is in CISA's KEV catalogue.
    pub kev: bool,
    /// Its EPSS score (probability of exploitation in 30 days, 0 to 1).
    pub epss: Option<f64>,
    /// JSON: why it matched and how it was prioritised.
    pub explanation: String,
}

/// How many of one organisation's assets and findings are exposed to a
/// vulnerability ([`crate::Store::exposure_counts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExposureCount {
    pub org: OrgId,
    /// Distinct assets with an exposed finding.
    pub assets: u64,
    pub findings: u64,
}

/// One exposed finding with what the exposure view shows of its asset
/// ([`crate::Store::exposed_findings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposedFinding {
    pub id: FindingId,
    pub org: OrgId,
    pub asset: AssetId,
    pub asset_name: String,
    pub internet_exposed: bool,
    pub subject: String,
    pub state: FindingState,
    pub decision: Option<String>,
    pub deadline: Option<Timestamp>,
}

/// What replacing an asset's inventory did to its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FindingsUpdate {
    /// New findings, opened.
    pub opened: u64,
    /// Findings that were fixed (or gone) and reappeared: reopened.
    pub reopened: u64,
    /// Findings still present: `last_seen`, deadline and explanation refreshed.
    pub refreshed: u64,
    /// Open or in-triage findings no longer present: marked fixed.
    pub resolved: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: FindingId,
    pub org: OrgId,
    pub asset: AssetId,
    pub vuln_id: String,
    pub subject: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// In the asset's current inventory.
    pub present: bool,
    pub state: FindingState,
    pub state_changed_at: Timestamp,
    pub decision: Option<String>,
    pub deadline: Option<Timestamp>,
    pub justification: Option<String>,
    pub risk_accepted_until: Option<Timestamp>,
    /// The vulnerability is in CISA's KEV catalogue (as last observed).
    pub kev: bool,
    pub explanation: String,
}

/// Which findings to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingFilter {
    pub org: OrgId,
    pub asset: Option<AssetId>,
    pub state: Option<FindingState>,
}

/// A move of a finding, applied only if it is still in state `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: FindingState,
    pub to: FindingState,
    /// VEX justification (required by the schema for `not_affected`).
    pub justification: Option<String>,
    pub note: String,
    /// Required by the schema for `risk_accepted`.
    pub risk_accepted_until: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingTransition {
    pub at: Timestamp,
    pub actor: String,
    pub from: FindingState,
    pub to: FindingState,
    pub justification: Option<String>,
    pub note: String,
}

/// An advisory snapshot imported into the server (`yata-knowledge`'s
/// snapshot format; the store keeps the bytes as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedSnapshot {
    /// SHA-256 (hex) of `body`.
    pub digest: String,
    /// JSON: what the snapshot holds, for listings.
    pub summary: String,
    pub body: Vec<u8>,
    /// The stored snapshot this one was built on (`None`: none). Storing
    /// is refused with `Conflict` if it is no longer the latest, so that
    /// two imports never undo each other.
    pub base: Option<i64>,
    /// A job to queue in the same transaction (the re-evaluation).
    pub job: Option<NewJob>,
}

/// A stored advisory snapshot, without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSnapshotMeta {
    pub id: i64,
    pub imported_at: Timestamp,
    pub imported_by: String,
    /// SHA-256 (lower-case hex) of the body.
    pub digest: String,
    pub summary: String,
    /// The body's length in bytes.
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    /// JSON.
    pub payload: String,
    pub run_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    pub attempts: u32,
    pub lease_until: Timestamp,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: String,
    /// E.g. `organization.create`.
    pub action: String,
    /// E.g. `organization:3`.
    pub object: String,
    /// JSON, exactly as hashed.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The first entry where the audit chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at entry {seq}: {reason}")]
pub struct BrokenAt {
    pub seq: u64,
    pub reason: String,
}

/// Findings figures of one organisation at one moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrgSummary {
    pub org: Option<OrgId>,
    /// Every finding by state.
    pub by_state: std::collections::BTreeMap<String, u64>,
    /// Open and in-triage findings by decision (`none` when undecided).
    pub open_by_decision: std::collections::BTreeMap<String, u64>,
    /// Open or in triage past their deadline.
    pub overdue: u64,
    /// Open or in triage, deadline within the next seven days.
    pub due_within_7_days: u64,
    /// Open or in triage and in KEV.
    pub kev_open: u64,
    /// Open or in triage, in KEV and past their deadline.
    pub overdue_kev: u64,
    /// Findings fixed, and the sum of first seen → fixed, in seconds
    /// (mean time to remediate = sum / count).
    pub fixed: u64,
    pub remediation_seconds: i64,
    /// Per week (Monday-aligned to the Unix epoch's Thursday: week index =
    /// microseconds / one week), from the earliest asked: findings first
    /// seen and findings fixed.
    pub weeks: std::collections::BTreeMap<i64, (u64, u64)>,
    /// Per week (indexed as `weeks`): findings open or in triage at the
    /// week's end (now, for this week), and of them those past their
    /// deadline then. Reconstructed from each finding's first seen, state
    /// and last state change: a finding decided after a week's end counts
    /// as open then; one reopened since counts from its first sighting.
    pub backlog: std::collections::BTreeMap<i64, (u64, u64)>,
}

impl OrgSummary {
    /// Adds `other`'s figures to these.
    pub fn add(&mut self, other: &OrgSummary) {
        for (k, v) in &other.by_state {
            *self.by_state.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.open_by_decision {
            *self.open_by_decision.entry(k.clone()).or_default() += v;
        }
        self.overdue += other.overdue;
        self.due_within_7_days += other.due_within_7_days;
        self.kev_open += other.kev_open;
        self.overdue_kev += other.overdue_kev;
        self.fixed += other.fixed;
        self.remediation_seconds = self
            .remediation_seconds
            .saturating_add(other.remediation_seconds);
        for (w, (o, f)) in &other.weeks {
            let e = self.weeks.entry(*w).or_default();
            e.0 += o;
            e.1 += f;
        }
        for (w, (o, d)) in &other.backlog {
            let e = self.backlog.entry(*w).or_default();
            e.0 += o;
            e.1 += d;
        }
    }

    /// Mean time from first seen to fixed.
    pub fn mean_time_to_remediate(&self) -> Option<jiff::SignedDuration> {
        (self.fixed > 0)
            .then(|| jiff::SignedDuration::from_secs(self.remediation_seconds / self.fixed as i64))
    }
}

/// The kind of job that syncs one scheduled feed source; its payload is
/// `{"source": "<name>"}`.
pub const FEED_SYNC_JOB: &str = "feed-sync";

/// A job queued once per period (see `Store::schedule_jobs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Periodic {
    /// Unique among schedules.
    pub name: String,
    pub every: jiff::SignedDuration,
    pub kind: String,
    /// JSON.
    pub payload: String,
}

impl Periodic {
    /// The sync of feed source `source` every `every`: named
    /// `feed-sync:<source>`.
    pub fn feed_sync(source: &str, every: jiff::SignedDuration) -> Periodic {
        Periodic {
            name: format!("{FEED_SYNC_JOB}:{source}"),
            every,
            kind: FEED_SYNC_JOB.into(),
            payload: serde_json::json!({ "source": source }).to_string(),
        }
    }
}

/// A scheduled feed source as the store keeps it: when it is next due and
/// how its last sync went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSourceState {
    pub name: String,
    /// The last fetch's `ETag` and `Last-Modified`, sent back as
    /// `If-None-Match` and `If-Modified-Since`.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// SHA-256 of what was last imported (a file's bytes, a directory's
    /// listing): the same again is not imported again.
    pub fingerprint: Option<String>,
    pub checked_at: Option<Timestamp>,
    /// When what the source served last changed.
    pub changed_at: Option<Timestamp>,
    pub outcome: Option<SyncOutcome>,
    /// The import's summary, or what went wrong.
    pub message: Option<String>,
}

/// How one sync of a feed source went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Something new was read and stored in a snapshot.
    Imported,
    /// Not modified (HTTP 304, or the same bytes or listing as last time).
    Unchanged,
    Failed,
}

impl SyncOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncOutcome::Imported => "imported",
            SyncOutcome::Unchanged => "unchanged",
            SyncOutcome::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<SyncOutcome> {
        [
            SyncOutcome::Imported,
            SyncOutcome::Unchanged,
            SyncOutcome::Failed,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

impl FromStr for SyncOutcome {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, crate::Error> {
        SyncOutcome::parse(s).ok_or_else(|| crate::Error::Invalid(format!("sync outcome {s:?}")))
    }
}

/// What one sync of a feed source found, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSyncResult {
    pub name: String,
    pub checked_at: Timestamp,
    pub outcome: SyncOutcome,
    pub message: String,
    /// For `Imported` and `Unchanged`: the validators and fingerprint to
    /// keep (a failure keeps the previous ones).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fingerprint: Option<String>,
}
