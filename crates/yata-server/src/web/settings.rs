//! Administration of the caller's organisation: API tokens and webhooks
//! (its admins; the API's shared functions and visibility rules).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;
use yata_store::{EventKind, Role, TokenId};

use super::{Page, Posted, html, layout, see_other};
use crate::api::orgs::{issue_token, revoke};
use crate::api::webhooks::{NewWebhookBody, delivery_status, webhook};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// A secret shown once, with the warning to copy it now.
fn secret_box(page: &Page, secret: &str) -> Markup {
    let lang = page.lang;
    html! {
        div.flash role="status" {
            p { (lang.t("settings.secret_once")) }
            p.secret { (secret) }
        }
    }
}

/// A refused form's message (the API's, named by field), shown in place.
fn refused(page: &Page, message: &str) -> Markup {
    html! {
        div.errors role="alert" {
            p { (page.lang.t("form.has_errors")) }
            p lang="en" { small { (message) } }
        }
    }
}

async fn tokens_page(state: &AppState, page: &Page, notice: Markup) -> Result<Response, AppError> {
    let lang = page.lang;
    let org = visibility::organization(state, &page.p, page.p.org.id, Object::Tokens, Access::Read)
        .await?;
    let tokens = state.store().tokens(org.id).await?;
    let now = Timestamp::now();
    let body = html! {
        (notice)
        @if tokens.is_empty() {
            p { (lang.t("tokens.empty")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("tokens.col.name")) }
                    th scope="col" { (lang.t("tokens.col.role")) }
                    th scope="col" { (lang.t("tokens.col.created")) }
                    th scope="col" { (lang.t("tokens.col.expires")) }
                    th scope="col" { (lang.t("tokens.col.status")) }
                    th scope="col" { span.visually-hidden { (lang.t("tokens.revoke")) } }
                } }
                tbody { @for t in &tokens { tr {
                    td { (t.name) }
                    td { (lang.value("role", t.role.as_str())) }
                    td { (lang.datetime(t.created_at)) }
                    td { @if let Some(e) = t.expires_at { (lang.date(e)) } }
                    td { @if t.is_valid_at(now) { (lang.t("tokens.valid")) } @else if t.revoked_at.is_some() { (lang.t("tokens.revoked")) } @else { (lang.t("tokens.expired")) } }
                    td { @if t.is_valid_at(now) {
                        form.inline method="post" action=(format!("/tokens/{}/revoke", t.id.0)) data-confirm=(lang.f("tokens.revoke_confirm", &[("name", &t.name)])) {
                            (layout::csrf(page))
                            button.danger type="submit" { (lang.t("tokens.revoke")) }
                        }
                    } }
                } } }
            } }
        }
        h2 { (lang.t("tokens.new")) }
        form.stack method="post" action="/tokens" {
            (layout::csrf(page))
            div {
                label for="t-name" { (lang.t("tokens.col.name")) }
                input #t-name type="text" name="name" required maxlength="200";
            }
            div {
                label for="t-role" { (lang.t("tokens.col.role")) }
                select #t-role name="role" {
                    @for r in Role::ALL {
                        option value=(r.as_str()) selected[*r == Role::Viewer] { (lang.value("role", r.as_str())) }
                    }
                }
            }
            div {
                label for="t-days" { (lang.t("tokens.days")) }
                input #t-days type="number" name="expires_in_days" min="1" max="3650" value="90";
            }
            div { button type="submit" { (lang.t("tokens.create")) } }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(page, lang.t("tokens.title"), body),
    ))
}

pub async fn tokens(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    tokens_page(&state, &page, html! {}).await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    expires_in_days: String,
}

/// Issues a token and shows its secret this once (no redirect: the page
/// that answers the form is the only place it appears).
pub async fn create_token(
    State(state): State<AppState>,
    Posted { page, form, .. }: Posted<TokenForm>,
) -> Result<Response, AppError> {
    let days = match form.expires_in_days.trim() {
        "" => None,
        d => Some(
            d.parse::<u32>()
                .map_err(|_| AppError::BadRequest("expires_in_days: a number of days".into())),
        ),
    };
    let result = match days.transpose() {
        Ok(days) => issue_token(&state, &page.p, page.p.org.id, &form.role, &form.name, days).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(issued) => tokens_page(&state, &page, secret_box(&page, &issued.secret)).await,
        Err(AppError::BadRequest(m)) => {
            let mut r = tokens_page(&state, &page, refused(&page, &m)).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct NoFields {}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, .. }: Posted<NoFields>,
) -> Result<Response, AppError> {
    revoke(&state, &page.p, page.p.org.id, TokenId(id)).await?;
    Ok(see_other("/tokens?done=token_revoked"))
}

async fn webhooks_page(
    state: &AppState,
    page: &Page,
    notice: Markup,
) -> Result<Response, AppError> {
    let lang = page.lang;
    let org = visibility::organization(
        state,
        &page.p,
        page.p.org.id,
        Object::Webhooks,
        Access::Read,
    )
    .await?;
    let hooks = state.store().webhooks(org.id).await?;
    let mut logs = Vec::with_capacity(hooks.len());
    for h in &hooks {
        logs.push(state.store().webhook_deliveries(h.id, 20).await?);
    }
    let body = html! {
        (notice)
        @if hooks.is_empty() {
            p { (lang.t("webhooks.empty")) }
        }
        @for (h, log) in hooks.iter().zip(&logs) {
            section {
                h2 { code { (h.url) } }
                dl.facts {
                    dt { (lang.t("webhooks.events")) }
                    dd { @for (i, e) in h.events.iter().enumerate() {
                        @if i > 0 { ", " }
                        (lang.value("event", e.as_str()))
                    } }
                    dt { (lang.t("webhooks.min_decision")) }
                    dd { (lang.value("decision", h.min_decision.as_deref().unwrap_or("none"))) }
                    dt { (lang.t("webhooks.created")) }
                    dd { (lang.datetime(h.created_at)) }
                }
                form.inline method="post" action=(format!("/settings/webhooks/{}/delete", h.id.0)) data-confirm=(lang.t("webhooks.delete_confirm")) {
                    (layout::csrf(page))
                    button.danger type="submit" { (lang.t("webhooks.delete")) }
                }
                h3 { (lang.t("webhooks.log_title")) }
                @if log.is_empty() {
                    p { (lang.t("webhooks.log_empty")) }
                } @else {
                    div.table-wrap { table {
                        thead { tr {
                            th scope="col" { (lang.t("webhooks.log.at")) }
                            th scope="col" { (lang.t("webhooks.events")) }
                            th scope="col" { (lang.t("webhooks.log.status")) }
                            th scope="col" class="num" { (lang.t("webhooks.log.attempts")) }
                            th scope="col" { (lang.t("webhooks.log.last")) }
                        } }
                        tbody { @for d in log { tr {
                            td { (lang.datetime(d.created_at)) }
                            td { (lang.value("event", d.kind.as_str())) }
                            td { (lang.value("delivery", delivery_status(d.delivered_at, d.failed_at))) }
                            td.num { (d.attempts) }
                            td { @if let Some(s) = d.last_status { (s) } " " @if let Some(e) = &d.last_error { small lang="en" { (e) } } }
                        } } }
                    } }
                }
            }
        }
        h2 { (lang.t("webhooks.new")) }
        form.stack method="post" action="/settings/webhooks" {
            (layout::csrf(page))
            div {
                label for="w-url" { (lang.t("webhooks.url")) }
                input #w-url type="url" name="url" required placeholder="https://";
            }
            fieldset {
                legend { (lang.t("webhooks.events")) }
                @for e in EventKind::ALL {
                    label { input type="checkbox" name="events" value=(e.as_str()) checked; " " (lang.value("event", e.as_str())) }
                }
            }
            div {
                label for="w-min" { (lang.t("webhooks.min_decision")) }
                select #w-min name="min_decision" {
                    option value="" { (lang.t("webhooks.any_decision")) }
                    @for d in ["3 days & forensic investigation", "3 days", "14 days", "60 days", "fix on system upgrade"] {
                        option value=(d) { (lang.value("decision", d)) }
                    }
                }
            }
            div { button type="submit" { (lang.t("webhooks.create")) } }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(page, lang.t("webhooks.title"), body),
    ))
}

pub async fn webhooks(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    webhooks_page(&state, &page, html! {}).await
}

/// The new-webhook form (its fields as pairs, since `events` repeats),
/// by the API's rules.
pub async fn create_webhook(
    State(state): State<AppState>,
    Posted { page, form, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (state, page) = (&state, &page);
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let body = NewWebhookBody {
        url: get("url").unwrap_or_default(),
        events: form
            .iter()
            .filter(|(k, _)| k == "events")
            .map(|(_, v)| v.clone())
            .collect(),
        min_decision: get("min_decision").filter(|d| !d.is_empty()),
        secret: None,
    };
    match crate::api::webhooks::create_webhook(state, &page.p, page.p.org.id, body).await {
        Ok((_, secret)) => webhooks_page(state, page, secret_box(page, &secret)).await,
        Err(AppError::BadRequest(m)) | Err(AppError::Conflict(m)) => {
            let mut r = webhooks_page(state, page, refused(page, &m)).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_webhook(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, .. }: Posted<NoFields>,
) -> Result<Response, AppError> {
    let (_, hook) = webhook(&state, &page.p, page.p.org.id.0, id, Access::Write).await?;
    state.store().delete_webhook(&page.p.actor, hook.id).await?;
    Ok(see_other("/settings/webhooks?done=webhook_deleted"))
}
