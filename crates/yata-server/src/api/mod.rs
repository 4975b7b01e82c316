//! The HTTP API: one table of routes ([`routes`]) from which the router,
//! the OpenAPI document and the authorisation matrix test are all made, so
//! no route can be missing from any of them.

use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};
use jiff::Timestamp;

use crate::error::AppError;
use crate::state::AppState;

pub mod alerts;
pub mod assets;
pub mod feeds;
pub mod findings;
pub mod incidents;
pub mod mail;
pub mod orgs;
pub mod session;
pub mod system;
pub mod vex;
pub mod views;
pub mod webhooks;

/// How a route learns who calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone (probes, the OpenAPI document, log-in, bootstrap links).
    Public,
    /// A bearer token or a session cookie (with CSRF for unsafe methods).
    Required,
}

/// What a route's request body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    /// A JSON object of the named schema (see `openapi.rs`), at most
    /// [`crate::ServiceConfig::max_json_body`] bytes.
    Json(&'static str),
    /// A document as uploaded (inventory, feed), at most
    /// [`crate::ServiceConfig::max_upload`] bytes.
    Upload,
    /// An HTML form.
    Form,
}

/// One route of the API.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: Method,
    /// axum's template: `/api/v1/assets/{asset}`.
    pub path: &'static str,
    pub operation: &'static str,
    pub summary: &'static str,
    pub auth: Auth,
    pub body: Body,
    /// The status of success.
    pub success: u16,
    /// Query parameters: name and description.
    pub query: &'static [(&'static str, &'static str)],
}

#[allow(clippy::too_many_arguments)] // A table row; named fields would triple the table.
fn route(
    method: Method,
    path: &'static str,
    operation: &'static str,
    summary: &'static str,
    auth: Auth,
    body: Body,
    success: u16,
    query: &'static [(&'static str, &'static str)],
) -> Route {
    Route {
        method,
        path,
        operation,
        summary,
        auth,
        body,
        success,
        query,
    }
}

/// Every route with its handler.
pub fn routes(config: &crate::ServiceConfig) -> Vec<(Route, MethodRouter<AppState>)> {
    use Auth::*;
    use Body::*;
    let json = DefaultBodyLimit::max(config.max_json_body);
    let upload = DefaultBodyLimit::max(config.max_upload);
    let none: &[(&str, &str)] = &[];
    vec![
        (
            route(
                Method::GET,
                "/healthz",
                "healthz",
                "The process answers.",
                Public,
                None,
                200,
                none,
            ),
            get(system::healthz),
        ),
        (
            route(
                Method::GET,
                "/readyz",
                "readyz",
                "The store answers and advisories are loaded.",
                Public,
                None,
                200,
                none,
            ),
            get(system::readyz),
        ),
        (
            route(
                Method::GET,
                "/metrics",
                "metrics",
                "Prometheus metrics.",
                Public,
                None,
                200,
                none,
            ),
            get(system::metrics),
        ),
        (
            route(
                Method::GET,
                "/api/openapi.json",
                "openapi",
                "This document.",
                Public,
                None,
                200,
                none,
            ),
            get(system::openapi),
        ),
        (
            route(
                Method::POST,
                "/api/v1/session",
                "login",
                "Signs in with e-mail and password: sets the session cookie, returns the CSRF token.",
                Public,
                Json("Login"),
                200,
                none,
            ),
            post(session::login).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/session",
                "whoami",
                "Who the caller is.",
                Required,
                None,
                200,
                none,
            ),
            get(session::whoami),
        ),
        (
            route(
                Method::DELETE,
                "/api/v1/session",
                "logout",
                "Signs out.",
                Required,
                None,
                204,
                none,
            ),
            delete(session::logout),
        ),
        (
            route(
                Method::GET,
                "/bootstrap/{secret}",
                "bootstrap_page",
                "The one-time first-start page (HTML).",
                Public,
                None,
                200,
                none,
            ),
            get(session::bootstrap_page),
        ),
        (
            route(
                Method::POST,
                "/bootstrap/{secret}",
                "bootstrap_submit",
                "Creates the first NCO admin (HTML form).",
                Public,
                Form,
                200,
                none,
            ),
            post(session::bootstrap_submit).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/sectors",
                "list_sectors",
                "The 15 critical-infrastructure sectors.",
                Required,
                None,
                200,
                none,
            ),
            get(orgs::sectors),
        ),
        (
            route(
                Method::POST,
                "/api/v1/organizations",
                "create_organization",
                "Creates an organisation (NCO admin).",
                Required,
                Json("NewOrganization"),
                201,
                none,
            ),
            post(orgs::create).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations",
                "list_organizations",
                "The organisations the caller sees.",
                Required,
                None,
                200,
                none,
            ),
            get(orgs::list),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}",
                "get_organization",
                "One organisation.",
                Required,
                None,
                200,
                none,
            ),
            get(orgs::get),
        ),
        (
            route(
                Method::POST,
                "/api/v1/organizations/{org}/tokens",
                "create_token",
                "Issues an API token (shown once).",
                Required,
                Json("NewToken"),
                201,
                none,
            ),
            post(orgs::create_token).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/tokens",
                "list_tokens",
                "The organisation's tokens (never their secrets).",
                Required,
                None,
                200,
                none,
            ),
            get(orgs::list_tokens),
        ),
        (
            route(
                Method::DELETE,
                "/api/v1/organizations/{org}/tokens/{token}",
                "revoke_token",
                "Revokes a token.",
                Required,
                None,
                204,
                none,
            ),
            delete(orgs::revoke_token),
        ),
        (
            route(
                Method::POST,
                "/api/v1/organizations/{org}/webhooks",
                "create_webhook",
                "Registers a webhook (organisation admins); its signing secret is shown once.",
                Required,
                Json("NewWebhook"),
                201,
                none,
            ),
            post(webhooks::create).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/webhooks",
                "list_webhooks",
                "The organisation's webhooks (never their secrets).",
                Required,
                None,
                200,
                none,
            ),
            get(webhooks::list),
        ),
        (
            route(
                Method::DELETE,
                "/api/v1/organizations/{org}/webhooks/{webhook}",
                "delete_webhook",
                "Deletes a webhook and its delivery log.",
                Required,
                None,
                204,
                none,
            ),
            delete(webhooks::delete),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/webhooks/{webhook}/deliveries",
                "webhook_deliveries",
                "The webhook's delivery log, newest first: event, attempts, last status or error, next attempt, delivered or given up.",
                Required,
                None,
                200,
                &[("limit", "At most this many (1 to 1000, default 100).")],
            ),
            get(webhooks::deliveries),
        ),
        (
            route(
                Method::POST,
                "/api/v1/organizations/{org}/mail-subscriptions",
                "create_mail_subscription",
                "Subscribes an e-mail address to the organisation's events (organisation admins; the server must have SMTP configured).",
                Required,
                Json("NewMailSubscription"),
                201,
                none,
            ),
            post(mail::create).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/mail-subscriptions",
                "list_mail_subscriptions",
                "The organisation's e-mail subscriptions, and whether e-mail is on.",
                Required,
                None,
                200,
                none,
            ),
            get(mail::list),
        ),
        (
            route(
                Method::DELETE,
                "/api/v1/organizations/{org}/mail-subscriptions/{subscription}",
                "delete_mail_subscription",
                "Deletes an e-mail subscription and its delivery log.",
                Required,
                None,
                204,
                none,
            ),
            delete(mail::delete),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/mail-subscriptions/{subscription}/deliveries",
                "mail_deliveries",
                "The subscription's delivery log, newest first: event, attempts, last SMTP reply code or error, next attempt, delivered or given up.",
                Required,
                None,
                200,
                &[("limit", "At most this many (1 to 1000, default 100).")],
            ),
            get(mail::deliveries),
        ),
        (
            route(
                Method::POST,
                "/api/v1/organizations/{org}/assets",
                "create_asset",
                "Registers an asset; a product asset's findings are computed at once.",
                Required,
                Json("NewAsset"),
                201,
                none,
            ),
            post(assets::create).layer(json),
        ),
        (
            route(
                Method::POST,
                "/api/v1/organizations/{org}/assets/bulk",
                "bulk_products",
                "Registers every row of an asset register (CSV or XLSX) as a product asset with its findings, in one transaction.",
                Required,
                Upload,
                201,
                &[("format", "product-csv or product-xlsx; detected if absent.")],
            ),
            post(assets::bulk_products).layer(upload),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/assets",
                "list_assets",
                "The organisation's assets.",
                Required,
                None,
                200,
                none,
            ),
            get(assets::list),
        ),
        (
            route(
                Method::GET,
                "/api/v1/assets/{asset}",
                "get_asset",
                "One asset.",
                Required,
                None,
                200,
                none,
            ),
            get(assets::get),
        ),
        (
            route(
                Method::PUT,
                "/api/v1/assets/{asset}/inventory",
                "put_inventory",
                "Replaces the asset's inventory with the uploaded document (any supported format) and recomputes its findings, atomically.",
                Required,
                Upload,
                200,
                &[
                    (
                        "format",
                        "The document's format (e.g. cyclonedx-json, spdx-tag-value, cargo-lock); detected if absent.",
                    ),
                    (
                        "name",
                        "The document's file name, to help detection (e.g. Cargo.lock).",
                    ),
                ],
            ),
            put(assets::put_inventory).layer(upload),
        ),
        (
            route(
                Method::GET,
                "/api/v1/assets/{asset}/inventory",
                "get_inventory",
                "The asset's current inventory document, as uploaded.",
                Required,
                None,
                200,
                none,
            ),
            get(assets::get_inventory),
        ),
        (
            route(
                Method::GET,
                "/api/v1/assets/{asset}/inventories",
                "inventory_history",
                "Every document uploaded to the asset, oldest first.",
                Required,
                None,
                200,
                none,
            ),
            get(assets::history),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/findings",
                "list_findings",
                "The organisation's findings, by deadline.",
                Required,
                None,
                200,
                &[
                    (
                        "state",
                        "Only findings in this state (open, in_triage, fixed, mitigated, not_affected, risk_accepted, false_positive).",
                    ),
                    ("asset", "Only this asset's findings."),
                ],
            ),
            get(findings::list),
        ),
        (
            route(
                Method::GET,
                "/api/v1/findings/{finding}",
                "get_finding",
                "One finding.",
                Required,
                None,
                200,
                none,
            ),
            get(findings::get),
        ),
        (
            route(
                Method::GET,
                "/api/v1/findings/{finding}/transitions",
                "finding_history",
                "The finding's transitions, oldest first.",
                Required,
                None,
                200,
                none,
            ),
            get(findings::history),
        ),
        (
            route(
                Method::POST,
                "/api/v1/findings/{finding}/transitions",
                "transition_finding",
                "Moves a finding through the workflow.",
                Required,
                Json("Transition"),
                200,
                none,
            ),
            post(findings::transition).layer(json),
        ),
        (
            route(
                Method::POST,
                "/api/v1/findings/transitions",
                "transition_findings",
                "Moves many findings in one transaction: all or none.",
                Required,
                Json("TransitionBatch"),
                200,
                &[],
            ),
            post(findings::transition_batch).layer(DefaultBodyLimit::max(
                config.max_json_body.saturating_mul(8),
            )),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/vex",
                "export_vex",
                "The organisation's finding decisions as CycloneDX 1.6 VEX or CSAF 2.0 VEX.",
                Required,
                None,
                200,
                &[
                    ("format", "cyclonedx (default) or csaf."),
                    ("asset", "Only this asset's findings."),
                ],
            ),
            get(vex::export),
        ),
        (
            route(
                Method::GET,
                "/api/v1/organizations/{org}/summary",
                "organization_summary",
                "The organisation's findings figures: by state and decision, overdue, due in 7 days, KEV, mean time to remediate, 12-week trend.",
                Required,
                None,
                200,
                none,
            ),
            get(views::organization),
        ),
        (
            route(
                Method::GET,
                "/api/v1/sectors/{sector}/summary",
                "sector_summary",
                "A sector's figures and its organisations, overdue KEV first (the NCO and the sector's ministry); computed at most every few seconds per replica (`as_of`).",
                Required,
                None,
                200,
                none,
            ),
            get(views::sector),
        ),
        (
            route(
                Method::GET,
                "/api/v1/summary",
                "nation_summary",
                "The nation's figures by sector and its 100 most urgent organisations, overdue KEV first (NCO); computed at most every few seconds per replica (`as_of`).",
                Required,
                None,
                200,
                none,
            ),
            get(views::nation),
        ),
        (
            route(
                Method::GET,
                "/api/v1/vulnerabilities/{id}/exposure",
                "exposure",
                "Who is exposed to a vulnerability (any alias): organisations and assets by sector for the NCO and ministries (their sectors; at most 500 findings listed, `truncated` says if more, counts complete), counts for vendors (below 5 as \"<5\").",
                Required,
                None,
                200,
                none,
            ),
            get(views::exposure),
        ),
        (
            route(
                Method::POST,
                "/api/v1/feeds",
                "import_feeds",
                "Imports a snapshot or a raw advisory source (NCO admin); findings are re-evaluated.",
                Required,
                Upload,
                202,
                &[
                    (
                        "format",
                        "The raw source's format (osv-json, osv-yaml, rustsec, cve5, kev-json, kev-csv, epss, csaf, jvnrss, vuldef); detected if absent.",
                    ),
                    ("wait", "true: re-evaluate before answering (200)."),
                ],
            ),
            post(feeds::upload).layer(upload),
        ),
        (
            route(
                Method::GET,
                "/api/v1/feeds",
                "feed_status",
                "The advisory snapshot the server runs on.",
                Required,
                None,
                200,
                none,
            ),
            get(feeds::status),
        ),
        (
            route(
                Method::GET,
                "/api/v1/feeds/sources",
                "feed_sources",
                "The scheduled feed sources of the configuration with their last sync: when, outcome, message (the NCO).",
                Required,
                None,
                200,
                none,
            ),
            get(feeds::sources),
        ),
        (
            route(
                Method::POST,
                "/api/v1/feeds/sources/{source}/sync",
                "sync_feed_source",
                "Queues a sync of a configured feed source now, outside its schedule (NCO admin).",
                Required,
                None,
                202,
                none,
            ),
            post(feeds::sync_source),
        ),
        (
            route(
                Method::POST,
                "/api/v1/incidents",
                "create_incident",
                "Files an incident report of the caller's organisation: JSON, or a STIX 2.1 bundle as `application/stix+json` (every object kept). 201 {\"id\", \"warnings\"}.",
                Required,
                Json("IncidentReport"),
                201,
                &[(
                    "tlp",
                    "A STIX bundle's marking if it has none (default amber).",
                )],
            ),
            post(incidents::create).layer(DefaultBodyLimit::max(
                config.max_json_body.saturating_mul(16),
            )),
        ),
        (
            route(
                Method::GET,
                "/api/v1/incidents",
                "list_incidents",
                "The reports the caller sees (its own; its sectors' for a ministry; all for the NCO), under TLP, newest first.",
                Required,
                None,
                200,
                none,
            ),
            get(incidents::list),
        ),
        (
            route(
                Method::GET,
                "/api/v1/incidents/clusters",
                "incident_clusters",
                "Campaigns: reports linked, transitively, by shared indicators (known-benign and very common values link nothing), largest first (NCO; ministries within their sectors).",
                Required,
                None,
                200,
                &[
                    (
                        "across_sectors",
                        "true: only clusters spanning two or more sectors.",
                    ),
                    ("min_size", "Fewest reports per cluster (default 2)."),
                ],
            ),
            get(crate::correlation::clusters),
        ),
        (
            route(
                Method::GET,
                "/api/v1/incidents/{incident}",
                "get_incident",
                "A report with its indicators, attachments and the timeline the caller may read.",
                Required,
                None,
                200,
                none,
            ),
            get(incidents::get),
        ),
        (
            route(
                Method::POST,
                "/api/v1/incidents/{incident}/updates",
                "update_incident",
                "The reporter's change (status, times, impact, indicators, vulnerabilities) with a note for the timeline.",
                Required,
                Json("IncidentUpdate"),
                200,
                none,
            ),
            post(incidents::update).layer(json),
        ),
        (
            route(
                Method::POST,
                "/api/v1/incidents/{incident}/annotations",
                "annotate_incident",
                "A hop's (ministry, NCO) annotation, to the reporter or to the hops only.",
                Required,
                Json("Annotation"),
                201,
                none,
            ),
            post(incidents::annotate).layer(json),
        ),
        (
            route(
                Method::POST,
                "/api/v1/incidents/{incident}/attachments",
                "attach_to_incident",
                "Attaches a file (at most 10 MiB) to the caller's own report; kept with its SHA-256.",
                Required,
                Upload,
                201,
                &[("name", "The file name.")],
            ),
            post(incidents::attach).layer(DefaultBodyLimit::max(incidents::MAX_ATTACHMENT)),
        ),
        (
            route(
                Method::GET,
                "/api/v1/incidents/{incident}/attachments/{attachment}",
                "get_attachment",
                "An attachment, as a download.",
                Required,
                None,
                200,
                none,
            ),
            get(incidents::attachment),
        ),
        (
            route(
                Method::GET,
                "/api/v1/incidents/{incident}/stix",
                "incident_stix",
                "The report as a STIX 2.1 bundle (an imported bundle keeps every object).",
                Required,
                None,
                200,
                none,
            ),
            get(crate::stix::export),
        ),
        (
            route(
                Method::GET,
                "/api/v1/incidents/{incident}/related",
                "related_incidents",
                "Reports the caller sees that share indicators with this one, most shared first (NCO; ministries within their sectors).",
                Required,
                None,
                200,
                none,
            ),
            get(crate::correlation::related),
        ),
        (
            route(
                Method::GET,
                "/api/v1/indicators",
                "indicator",
                "An indicator across the reports the caller sees: which, first and last seen, benign or common (NCO; ministries within their sectors).",
                Required,
                None,
                200,
                &[
                    ("value", "The indicator (defanged forms accepted)."),
                    ("type", "Its type, if not inferred."),
                ],
            ),
            get(crate::correlation::indicator),
        ),
        (
            route(
                Method::POST,
                "/api/v1/alerts",
                "create_alert",
                "Issues an alert (NCO and ministries): to all, sectors, organisations, or every organisation exposed to vulnerabilities (kept current); TLP:RED to named people.",
                Required,
                Json("Alert"),
                201,
                none,
            ),
            post(alerts::create).layer(json),
        ),
        (
            route(
                Method::POST,
                "/api/v1/alerts/preview",
                "preview_alert",
                "How many organisations an alert would reach now, by sector; issues nothing.",
                Required,
                Json("Alert"),
                200,
                none,
            ),
            post(alerts::preview).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/alerts",
                "list_alerts",
                "The caller's inbox with its acknowledgements, newest first (`issued=true`: the alerts its organisation issued).",
                Required,
                None,
                200,
                &[(
                    "issued",
                    "true: the alerts the caller's organisation issued.",
                )],
            ),
            get(alerts::list),
        ),
        (
            route(
                Method::GET,
                "/api/v1/alerts/{alert}",
                "get_alert",
                "An alert (404 outside its audience); a recipient's first read is recorded.",
                Required,
                None,
                200,
                none,
            ),
            get(alerts::get),
        ),
        (
            route(
                Method::POST,
                "/api/v1/alerts/{alert}/ack",
                "acknowledge_alert",
                "A recipient organisation's acknowledgement: read, acting or done, with a note.",
                Required,
                Json("Acknowledgement"),
                200,
                none,
            ),
            post(alerts::ack).layer(json),
        ),
        (
            route(
                Method::GET,
                "/api/v1/alerts/{alert}/progress",
                "alert_progress",
                "Acknowledgements by status, sector and organisation (the issuer).",
                Required,
                None,
                200,
                none,
            ),
            get(alerts::progress),
        ),
        (
            route(
                Method::POST,
                "/api/v1/alerts/{alert}/remind",
                "remind_alert",
                "Reminds every recipient not yet acting (the issuer).",
                Required,
                None,
                200,
                none,
            ),
            post(alerts::remind),
        ),
        (
            route(
                Method::GET,
                "/api/v1/public/alerts",
                "public_alerts",
                "TLP:CLEAR alerts, for anyone.",
                Public,
                None,
                200,
                none,
            ),
            get(alerts::public),
        ),
        (
            route(
                Method::GET,
                "/api/v1/audit",
                "audit_log",
                "Audit log entries (NCO admins and auditors).",
                Required,
                None,
                200,
                &[
                    ("after", "Entries after this sequence number."),
                    ("limit", "At most this many (1 to 10000, default 1000)."),
                ],
            ),
            get(system::audit),
        ),
        (
            route(
                Method::GET,
                "/api/v1/audit/verify",
                "audit_verify",
                "Recomputes the audit chain (NCO admins and auditors).",
                Required,
                None,
                200,
                none,
            ),
            get(system::audit_verify),
        ),
    ]
}

/// Parses a closed-set value, naming the field on failure.
pub(crate) fn parse_enum<T: std::str::FromStr>(field: &str, value: &str) -> Result<T, AppError>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e| AppError::BadRequest(format!("{field}: {e}")))
}

/// RFC 3339 in UTC with second precision, as the API writes times.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    t.round(jiff::Unit::Second)
        .unwrap_or(t)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
