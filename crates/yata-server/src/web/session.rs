//! Signing in and out, the home redirect and the language switch.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use yata_store::{Actor, OrgId, OrgKind};

use super::{
    AnonPosted, Lang, PRE_COOKIE, Page, Posted, TZ_COOKIE, i18n, lang_of, layout, see_other,
};
use crate::api::session::{CLEAR_SESSION_COOKIE, authenticate, open_session};
use crate::auth::{SESSION_COOKIE, cookie, new_secret};
use crate::error::AppError;
use crate::state::AppState;

/// Where an organisation of `kind` starts: its own figures for operators
/// and government bodies, its sectors for a ministry, the nation for the
/// NCO, its products' exposure for a vendor.
pub fn home_of(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Operator | OrgKind::Government => "/dashboard",
        OrgKind::Ministry => "/sectors",
        OrgKind::Nco => "/nation",
        OrgKind::Vendor => "/vendor",
    }
}

/// `/`: the organisation's home, or the log-in page.
pub async fn home(page: Result<Page, AppError>) -> Response {
    match page {
        Ok(page) => see_other(home_of(page.p.org.kind)),
        Err(_) => see_other("/login"),
    }
}

/// A local path to come back to: only `/…` paths of this site.
fn local(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

#[derive(Debug, Default)]
struct LoginView<'a> {
    email: &'a str,
    next: Option<&'a str>,
    error: Option<&'a str>,
    /// The user's organisations, when there are several to choose from.
    orgs: Vec<(OrgId, String)>,
}

fn login_view(lang: Lang, token: &str, v: &LoginView<'_>) -> String {
    let switch = layout::lang_switch(lang, token, "/login");
    layout::bare(
        lang,
        lang.t("login.title"),
        Some(switch),
        html! {
            @if let Some(e) = v.error {
                p.errors role="alert" { (e) }
            }
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(token);
                @if let Some(next) = v.next {
                    input type="hidden" name="next" value=(next);
                }
                div {
                    label for="email" { (lang.t("login.email")) }
                    input #email type="email" name="email" required autocomplete="username" value=(v.email);
                }
                div {
                    label for="password" { (lang.t("login.password")) }
                    input #password type="password" name="password" required autocomplete="current-password";
                }
                @if !v.orgs.is_empty() {
                    div {
                        label for="organization" { (lang.t("login.organization")) }
                        select #organization name="organization" required {
                            @for (id, name) in &v.orgs {
                                option value=(id.0) { (name) }
                            }
                        }
                    }
                }
                div { button type="submit" { (lang.t("login.submit")) } }
            }
        },
    )
    .into_string()
}

/// The pre-session token of this browser, and the cookie to set if it has
/// none yet.
fn pre_token(headers: &HeaderMap) -> Result<(String, Option<HeaderValue>), AppError> {
    if let Some(t) = super::header_cookie(headers, PRE_COOKIE).filter(|c| c.len() >= 32) {
        return Ok((t, None));
    }
    let t = new_secret("")?;
    let set = HeaderValue::from_str(&format!(
        "{PRE_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict"
    ))
    .map_err(AppError::internal)?;
    Ok((t, Some(set)))
}

fn with_cookie(status: StatusCode, body: String, set: Option<HeaderValue>) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    if let Some(set) = set {
        r.headers_mut().append(header::SET_COOKIE, set);
    }
    r
}

pub async fn login_page(req: axum::extract::Request) -> Result<Response, AppError> {
    let (parts, _) = req.into_parts();
    let lang = lang_of(&parts);
    let (token, set) = pre_token(&parts.headers)?;
    let next = super::query_value(&parts, "next");
    let view = LoginView {
        next: local(next.as_deref()),
        ..Default::default()
    };
    Ok(with_cookie(
        StatusCode::OK,
        login_view(lang, &token, &view),
        set,
    ))
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    organization: Option<i64>,
    next: Option<String>,
}

/// The log-in form: `auth`'s password check and limiter (the API's), a
/// session, and back to where the user was going.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnonPosted { lang, form, ip }: AnonPosted<LoginForm>,
) -> Result<Response, AppError> {
    let (token, _) = pre_token(&headers)?;
    let next = local(form.next.as_deref());
    let refused = |key: &'static str, status: StatusCode| {
        let view = LoginView {
            email: &form.email,
            next,
            error: Some(lang.t(key)),
            ..Default::default()
        };
        with_cookie(status, login_view(lang, &token, &view), None)
    };
    let (user, memberships) =
        match authenticate(&state, ip.0, &form.email, form.password.clone()).await {
            Ok(found) => found,
            Err(AppError::Unauthenticated) => {
                return Ok(refused("login.refused", StatusCode::UNAUTHORIZED));
            }
            Err(AppError::TooManyRequests) => {
                return Ok(refused("login.too_many", StatusCode::TOO_MANY_REQUESTS));
            }
            Err(e) => return Err(e),
        };
    let chosen = match form.organization {
        Some(org) => memberships.iter().find(|m| m.org == OrgId(org)),
        None if memberships.len() == 1 => memberships.first(),
        None => None,
    };
    let Some(membership) = chosen else {
        // Several organisations: ask which one (the password again).
        let mut orgs = Vec::new();
        for m in &memberships {
            if let Some(o) = state.organization(m.org).await? {
                orgs.push((o.id, o.name));
            }
        }
        let view = LoginView {
            email: &form.email,
            next,
            error: Some(lang.t("login.choose_organization")),
            orgs,
        };
        return Ok(with_cookie(
            StatusCode::OK,
            login_view(lang, &token, &view),
            None,
        ));
    };
    let session = open_session(&state, &Actor::User(user), user, membership.org).await?;
    let mut r = see_other(next.unwrap_or("/"));
    r.headers_mut()
        .append(header::SET_COOKIE, session.set_cookie);
    // The person's preferences follow them to every browser.
    if let Some(u) = state.store().user(user).await? {
        preference_cookies(&mut r, u.language.as_deref(), u.time_zone.as_deref());
    }
    Ok(r)
}

#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// Ends the session (audited by the store) and clears its cookie.
pub async fn logout(
    State(state): State<AppState>,
    Posted { page, .. }: Posted<NoFields>,
) -> Result<Response, AppError> {
    if let Some(session) = page.p.session {
        state.store().delete_session(&page.p.actor, session).await?;
    }
    let mut r = see_other("/login");
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static(CLEAR_SESSION_COOKIE),
    );
    Ok(r)
}

#[derive(Debug, Deserialize)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

fn lang_cookie(lang: Lang) -> HeaderValue {
    match lang {
        Lang::Ja => {
            HeaderValue::from_static("yata_lang=ja; Path=/; SameSite=Lax; Max-Age=31536000")
        }
        Lang::En => {
            HeaderValue::from_static("yata_lang=en; Path=/; SameSite=Lax; Max-Age=31536000")
        }
    }
}

/// Remembers the chosen language in this browser (the `yata_lang` cookie)
/// and goes back. The form carries the session's token when signed in,
/// the pre-session one otherwise.
pub async fn lang(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let (parts, body) = req.into_parts();
    let signed_in = cookie(&parts, SESSION_COOKIE).is_some();
    let req = axum::extract::Request::from_parts(parts, body);
    let (form, who) = if signed_in {
        match <Posted<LangForm> as axum::extract::FromRequest<AppState>>::from_request(req, &state)
            .await
        {
            Ok(p) => (Ok(p.form), p.page.p.user),
            Err(e) => (Err(e), None),
        }
    } else {
        (
            <AnonPosted<LangForm> as axum::extract::FromRequest<AppState>>::from_request(
                req, &state,
            )
            .await
            .map(|p| p.form),
            None,
        )
    };
    match form {
        Ok(form) => {
            let lang = Lang::parse(&form.lang);
            // Signed in as a person: the choice is theirs, kept on their account.
            if let (Some(lang), Some(user)) = (lang, who) {
                let zone = match state.store().user(user).await {
                    Ok(Some(u)) => u.time_zone,
                    _ => None,
                };
                if let Err(e) = state
                    .store()
                    .set_user_preferences(
                        &Actor::User(user),
                        user,
                        Some(lang.code()),
                        zone.as_deref(),
                    )
                    .await
                {
                    return AppError::from(e).into_response();
                }
            }
            switch_to(lang, form.next.as_deref())
        }
        Err(e) => e.into_response(),
    }
}

/// Sets the language and time-zone cookies from a person's preferences.
fn preference_cookies(r: &mut Response, language: Option<&str>, zone: Option<&str>) {
    if let Some(lang) = language.and_then(Lang::parse) {
        r.headers_mut()
            .append(header::SET_COOKIE, lang_cookie(lang));
    }
    let zone = zone.and_then(i18n::known_zone);
    let value = match &zone {
        Some(z) => format!("{TZ_COOKIE}={z}; Path=/; SameSite=Lax; Max-Age=31536000"),
        None => format!("{TZ_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0"),
    };
    if let Ok(v) = HeaderValue::from_str(&value) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    lang: String,
    time_zone: String,
}

/// Common zones offered first (any IANA name the database knows is taken).
const ZONES: &[&str] = &[
    "Asia/Tokyo",
    "UTC",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
];

/// `GET /settings/preferences`: the signed-in person's language and time
/// zone (kept on their account; tokens have no person and no page).
pub async fn preferences(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let user = page.p.user.ok_or(AppError::NotFound)?;
    let u = state.store().user(user).await?.ok_or(AppError::NotFound)?;
    let lang = page.lang;
    let zone = u.time_zone.clone().unwrap_or_else(|| "Asia/Tokyo".into());
    let body = html! {
        form.stack method="post" action="/settings/preferences" {
            (layout::csrf(&page))
            div {
                label for="pref-lang" { (lang.t("preferences.language")) }
                select #pref-lang name="lang" {
                    @for l in Lang::ALL {
                        option value=(l.code()) selected[l == lang] { (lang.t(&format!("lang.{}", l.code()))) }
                    }
                }
            }
            div {
                label for="pref-zone" { (lang.t("preferences.time_zone")) }
                input #pref-zone name="time_zone" list="zones" value=(zone) required
                    aria-describedby="pref-zone-help";
                datalist #zones { @for z in ZONES { option value=(z) {} } }
                p #pref-zone-help.help { (lang.t("preferences.time_zone_help")) }
            }
            div { button type="submit" #pref-save { (lang.t("preferences.save")) } }
        }
    };
    Ok(super::html(
        StatusCode::OK,
        layout::page(&page, lang.t("preferences.title"), body),
    ))
}

/// Saves the person's preferences and sets the cookies that carry them.
pub async fn save_preferences(
    State(state): State<AppState>,
    Posted { page, form, .. }: Posted<PreferencesForm>,
) -> Result<Response, AppError> {
    let user = page.p.user.ok_or(AppError::NotFound)?;
    let lang =
        Lang::parse(&form.lang).ok_or_else(|| AppError::BadRequest("lang: ja or en".into()))?;
    let zone = i18n::known_zone(&form.time_zone).ok_or_else(|| {
        AppError::BadRequest(format!(
            "time_zone: {:?} is not a time zone of the IANA database",
            form.time_zone
        ))
    })?;
    state
        .store()
        .set_user_preferences(&page.p.actor, user, Some(lang.code()), Some(&zone))
        .await?;
    let mut r = see_other("/settings/preferences?done=preferences.saved");
    preference_cookies(&mut r, Some(lang.code()), Some(&zone));
    Ok(r)
}

fn switch_to(lang: Option<Lang>, next: Option<&str>) -> Response {
    let mut r = see_other(local(next).unwrap_or("/"));
    if let Some(lang) = lang {
        r.headers_mut()
            .append(header::SET_COOKIE, lang_cookie(lang));
    }
    r
}

/// `GET /lang?lang=en&next=/findings`: the same for a link (a cookie
/// holding a language is no state worth protecting).
pub async fn lang_link(req: axum::extract::Request) -> Response {
    let (parts, _) = req.into_parts();
    let lang = super::query_value(&parts, "lang");
    let next = super::query_value(&parts, "next");
    switch_to(lang.as_deref().and_then(Lang::parse), next.as_deref())
}
