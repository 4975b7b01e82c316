//! E-mail subscriptions and their deliveries: the outbox's second channel
//! (the SQL is in `outbox.rs`, beside the webhooks').
//!
//! A subscription is an address of an organisation with the events it
//! wants, a `min_decision` and a language; the service fans each event out
//! to the subscriptions that want it ([`crate::Store::dispatch_events`],
//! together with the webhooks, in one transaction) and sends each delivery
//! as one message to that one address, retrying, from a lease-claimed
//! queue exactly like webhook deliveries. How a message reads and which
//! SMTP replies are retried is the service's business.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;

use crate::model::{id_type, text_enum};
use crate::{Event, EventId, EventKind, OrgId, UnknownValue};

text_enum! {
    /// What language a subscription's messages are written in.
    MailLanguage {
        Ja = "ja",
        En = "en",
        /// Japanese first, then English, in one message.
        JaEn = "ja+en",
    }
}

id_type! {
    /// An e-mail subscription.
    MailSubscriptionId;
    /// One event's delivery to one e-mail subscription.
    MailDeliveryId;
}

/// An e-mail subscription to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMailSubscription {
    pub org: OrgId,
    /// Checked by the service (one mailbox, `local@domain`).
    pub address: String,
    /// At least one.
    pub events: Vec<EventKind>,
    /// A decision name the service understands; `None`: every finding.
    pub min_decision: Option<String>,
    pub language: MailLanguage,
}

/// An e-mail subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSubscription {
    pub id: MailSubscriptionId,
    pub org: OrgId,
    pub address: String,
    /// Sorted.
    pub events: Vec<EventKind>,
    pub min_decision: Option<String>,
    pub language: MailLanguage,
    pub created_at: Timestamp,
}

/// One event's delivery to one subscription: its log entry. As
/// [`crate::Delivery`], with SMTP reply codes for HTTP statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailDelivery {
    pub id: MailDeliveryId,
    pub subscription: MailSubscriptionId,
    pub event: EventId,
    pub kind: EventKind,
    pub created_at: Timestamp,
    /// Attempts started (a claim counts one).
    pub attempts: u32,
    /// When it is due next; `None` once delivered or given up.
    pub next_attempt_at: Option<Timestamp>,
    pub last_attempt_at: Option<Timestamp>,
    /// The SMTP reply code of the last attempt, if the server gave one.
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    /// When the SMTP server accepted the message.
    pub delivered_at: Option<Timestamp>,
    /// When it was given up.
    pub failed_at: Option<Timestamp>,
}

/// A claimed e-mail delivery with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTask {
    pub delivery: MailDelivery,
    pub event: Event,
    /// The subscription's address: the message's only recipient.
    pub address: String,
    pub language: MailLanguage,
}
