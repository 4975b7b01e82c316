//! Webhooks, the events of the outbox and their deliveries: what goes in
//! and what comes out (the SQL is in `outbox.rs`).
//!
//! An event is written in the transaction of the change that causes it
//! (and only for an organisation with a webhook or an e-mail subscription
//! subscribed to its kind); the service then fans it out into one delivery
//! per matching webhook and per matching e-mail subscription
//! ([`crate::Store::dispatch_events`], see also [`crate::MailSubscription`])
//! and sends each delivery, retrying, from a lease-claimed queue. Which webhook wants which event beyond its
//! subscription (its `min_decision`) is the service's rule: the store does
//! not order decisions.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;

use crate::model::{id_type, text_enum};
use crate::{AssetId, FindingId, FindingState, MailSubscriptionId, OrgId, UnknownValue};

text_enum! {
    /// What happened to a finding.
    EventKind {
        /// A finding was opened, or reopened (it reappeared, or its risk
        /// acceptance expired).
        FindingNew = "finding.new",
        /// An open or in-triage finding's deadline is near (once per finding).
        DeadlineApproaching = "finding.deadline_approaching",
        /// An open or in-triage finding's deadline has passed (once per finding).
        Overdue = "finding.overdue",
    }
}

id_type! {
    /// A webhook.
    WebhookId;
    /// An event of the outbox.
    EventId;
    /// One event's delivery to one webhook.
    DeliveryId;
}

/// A webhook to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub org: OrgId,
    /// Checked by the service (http or https).
    pub url: String,
    /// At least one.
    pub events: Vec<EventKind>,
    /// A decision name the service understands; `None`: every finding.
    pub min_decision: Option<String>,
    /// Kept as given (the service signs with it); never read back by
    /// [`crate::Store::webhooks`].
    pub secret: String,
}

/// A registered webhook, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub org: OrgId,
    pub url: String,
    /// Sorted.
    pub events: Vec<EventKind>,
    pub min_decision: Option<String>,
    pub created_at: Timestamp,
}

/// One event of the outbox: a finding's fields when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub org: OrgId,
    pub kind: EventKind,
    pub finding: FindingId,
    pub asset: AssetId,
    pub vuln_id: String,
    pub subject: String,
    pub decision: Option<String>,
    pub deadline: Option<Timestamp>,
    pub state: FindingState,
    pub occurred_at: Timestamp,
}

/// Where one event goes: the webhooks and e-mail subscriptions the service
/// chose for it (either may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanOut {
    pub event: EventId,
    pub webhooks: Vec<WebhookId>,
    pub mail: Vec<MailSubscriptionId>,
}

/// One event's delivery to one webhook: its log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub webhook: WebhookId,
    pub event: EventId,
    pub kind: EventKind,
    pub created_at: Timestamp,
    /// Attempts started (a claim counts one).
    pub attempts: u32,
    /// When it is due next; `None` once delivered or given up.
    pub next_attempt_at: Option<Timestamp>,
    pub last_attempt_at: Option<Timestamp>,
    /// The HTTP status of the last attempt, if it got an answer.
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub delivered_at: Option<Timestamp>,
    /// When it was given up.
    pub failed_at: Option<Timestamp>,
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryTask {
    pub delivery: Delivery,
    pub event: Event,
    pub url: String,
    pub secret: String,
}

/// How one attempt of a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The receiver answered 2xx.
    Delivered { at: Timestamp, status: u16 },
    /// Anything else: the status if there was an answer, what went wrong,
    /// and when to try again (`None`: give up).
    Failed {
        at: Timestamp,
        status: Option<u16>,
        error: String,
        retry_at: Option<Timestamp>,
    },
}

/// What a deadline scan wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeadlineEvents {
    pub approaching: u64,
    pub overdue: u64,
}
