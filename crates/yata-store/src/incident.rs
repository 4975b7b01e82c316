//! Incident reports and alerts (注意喚起): what goes in and what comes out
//! (the SQL is in `incidents.rs`).
//!
//! The store keeps reports, their indicators (already normalised by the
//! service), timelines and attachments, and alerts with their recipient
//! organisations and acknowledgements. Who may see a report or an alert
//! (routing and TLP 2.0) is the service's rule; the store answers the
//! queries it needs. Two things happen inside the store because they must
//! happen in the transaction of their cause: an organisation that becomes
//! exposed to a vulnerability an alert targets by exposure becomes one of
//! its recipients in the write that opened the finding, and every write to
//! a report moves its `revision` to that write's audit sequence number
//! (so replicas following the reports catch up in commit order).

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
pub use yata_model::Tlp;

use crate::model::{id_type, text_enum};
use crate::{AssetId, OrgId, UnknownValue, UserId};

id_type! {
    /// An incident report.
    IncidentId;
    /// An attachment of an incident report.
    AttachmentId;
    /// An alert.
    AlertId;
}

text_enum! {
    /// Where an incident stands.
    IncidentStatus {
        Suspected = "suspected",
        Confirmed = "confirmed",
        Contained = "contained",
        Recovered = "recovered",
    }
}

text_enum! {
    /// An incident's effect on the service the organisation provides.
    ServiceImpact {
        None = "none",
        Degraded = "degraded",
        Outage = "outage",
    }
}

text_enum! {
    /// What a timeline entry records.
    TimelineKind {
        /// The report was filed.
        Filed = "filed",
        /// The reporter changed it (status, times, indicators, notes).
        Update = "update",
        /// A hop (a ministry, the NCO) annotated it.
        Annotation = "annotation",
        /// A file was attached.
        Attachment = "attachment",
    }
}

text_enum! {
    /// An alert's severity.
    AlertSeverity {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

text_enum! {
    /// Why an organisation receives an alert.
    RecipientReason {
        All = "all",
        Sector = "sector",
        Organization = "organization",
        /// It has findings of a vulnerability the alert targets.
        Exposed = "exposed",
        /// One of its people is a named recipient (TLP:RED).
        Named = "named",
    }
}

text_enum! {
    /// A recipient organisation's acknowledgement, in order.
    AckStatus {
        Received = "received",
        Read = "read",
        Acting = "acting",
        Done = "done",
    }
}

/// A normalised indicator of a report, with when it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentIndicator {
    /// The kind as `yata-indicator` names it (`ipv4`, `domain`, …).
    pub kind: String,
    /// The canonical value.
    pub value: String,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    pub org: OrgId,
    /// The person who files it, if a person does (TLP:RED reports are
    /// visible to their author).
    pub reporter_user: Option<UserId>,
    pub title: String,
    pub description: String,
    pub status: IncidentStatus,
    pub tlp: Tlp,
    pub detected_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub contained_at: Option<Timestamp>,
    pub service_impact: ServiceImpact,
    pub continuity_impact: Option<String>,
    pub handling: Option<String>,
    /// Assets of `org` (the service checks).
    pub assets: Vec<AssetId>,
    pub vulnerabilities: Vec<String>,
    pub indicators: Vec<IncidentIndicator>,
    /// The named people of a TLP:RED report.
    pub recipients: Vec<UserId>,
    /// The STIX 2.1 bundle the report came from (JSON text).
    pub stix: Option<String>,
}

/// A report's own fields, as listings show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentHead {
    pub id: IncidentId,
    pub org: OrgId,
    pub reporter: String,
    pub reporter_user: Option<UserId>,
    pub title: String,
    pub description: String,
    pub status: IncidentStatus,
    pub tlp: Tlp,
    pub detected_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub contained_at: Option<Timestamp>,
    pub service_impact: ServiceImpact,
    pub continuity_impact: Option<String>,
    pub handling: Option<String>,
    pub from_stix: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub revision: i64,
    pub recipients: Vec<UserId>,
}

/// A report with everything attached to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub head: IncidentHead,
    pub assets: Vec<AssetId>,
    pub vulnerabilities: Vec<String>,
    /// By kind and value.
    pub indicators: Vec<IncidentIndicator>,
    pub attachments: Vec<AttachmentMeta>,
}

/// A change by the reporter; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentUpdate {
    pub status: Option<IncidentStatus>,
    pub contained_at: Option<Timestamp>,
    pub service_impact: Option<ServiceImpact>,
    pub continuity_impact: Option<String>,
    pub handling: Option<String>,
    /// Added to the report's (an indicator already there gets the wider
    /// first/last seen).
    pub add_indicators: Vec<IncidentIndicator>,
    pub add_vulnerabilities: Vec<String>,
    /// What changed, in the reporter's words (the timeline entry).
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    /// The organisation of whoever wrote it.
    pub org: OrgId,
    pub kind: TimelineKind,
    /// Whether the reporting organisation sees it (always, for its own
    /// entries).
    pub to_reporter: bool,
    /// The status the report moved to, for updates that moved it.
    pub status: Option<IncidentStatus>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub digest: String,
    pub created_at: Timestamp,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub name: String,
    pub media_type: String,
    pub body: Vec<u8>,
}

/// The reports changed after a revision, with their whole indicator sets:
/// what a replica's correlation index needs to catch up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorChanges {
    /// The latest revision of any report (the next call's `after`).
    pub latest: i64,
    pub incidents: Vec<IncidentIndicators>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentIndicators {
    pub id: IncidentId,
    pub org: OrgId,
    pub tlp: Tlp,
    pub indicators: Vec<IncidentIndicator>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    pub issuer_org: OrgId,
    pub issuer_user: Option<UserId>,
    pub title_ja: Option<String>,
    pub body_ja: Option<String>,
    pub title_en: Option<String>,
    pub body_en: Option<String>,
    pub tlp: Tlp,
    pub severity: Option<AlertSeverity>,
    pub deadline: Option<Timestamp>,
    pub actions: Vec<String>,
    /// The targets as issued (JSON text), for display.
    pub targets: String,
    pub vulnerabilities: Vec<String>,
    /// `(kind, value)`.
    pub indicators: Vec<(String, String)>,
    /// Every id (aliases included) whose findings make an organisation a
    /// recipient, now and as new exposures appear; empty when the alert
    /// is not targeted by exposure.
    pub exposed_to: Vec<String>,
    /// The recipients computed at issue; organisations with open
    /// findings of `exposed_to` are added by the store in the same
    /// transaction.
    pub recipients: Vec<(OrgId, RecipientReason)>,
    /// TLP:RED: the named people.
    pub named_users: Vec<UserId>,
    /// Derived from a report: its id and its organisation's sector (the
    /// organisation itself is never kept with the alert).
    pub source_incident: Option<IncidentId>,
    pub source_sector: Option<String>,
    pub relay_of: Option<AlertId>,
    /// When `exposed_to` is set, only organisations among these (a
    /// ministry's sectors); `None`: any.
    pub exposed_within: Option<Vec<OrgId>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: AlertId,
    pub issuer_org: OrgId,
    pub issuer: String,
    pub issuer_user: Option<UserId>,
    pub title_ja: Option<String>,
    pub body_ja: Option<String>,
    pub title_en: Option<String>,
    pub body_en: Option<String>,
    pub tlp: Tlp,
    pub severity: Option<AlertSeverity>,
    pub deadline: Option<Timestamp>,
    pub actions: Vec<String>,
    pub targets: String,
    pub vulnerabilities: Vec<String>,
    pub indicators: Vec<(String, String)>,
    pub exposed_to: Vec<String>,
    pub named_users: Vec<UserId>,
    pub source_incident: Option<IncidentId>,
    pub source_sector: Option<String>,
    pub relay_of: Option<AlertId>,
    pub created_at: Timestamp,
}

/// One recipient organisation's acknowledgement of an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRecipient {
    pub alert: AlertId,
    pub org: OrgId,
    pub reason: RecipientReason,
    pub status: AckStatus,
    pub received_at: Timestamp,
    pub read: Option<(Timestamp, String)>,
    pub acting: Option<(Timestamp, String)>,
    pub done: Option<(Timestamp, String)>,
    pub note: Option<String>,
    pub reminded_at: Option<Timestamp>,
    pub reminders: u32,
}
