//! The web UI, served by `yata serve` itself: server-rendered HTML
//! (`maud`, escaped unless wrapped in `PreEscaped`), a little
//! progressive-enhancement JavaScript, CSS and JS compiled into the binary.
//! Every page reads without JavaScript.
//!
//! How a page is made (the conventions the other page modules follow):
//!
//! * **Route**: one row in [`routes`] (path and method router). Pages sit
//!   beside the API's table (`crate::api::routes`), which stays the API's
//!   contract; [`html_errors`] wraps them all.
//! * **Who**: a GET handler takes [`Page`] (the signed-in session, its
//!   language and CSRF token); a POST handler takes [`Posted<T>`] (the
//!   same, after the form's `csrf` field was checked against the
//!   session's hash, 403 otherwise) — there is no other way to read a
//!   form. Objects are reached through `crate::visibility` (or the API's
//!   shared functions, which do), so another organisation's object is 404.
//! * **Strings**: `page.lang.t("key")` / `.f("key", &[("name", v)])`
//!   only, keys in both `messages/*.toml` (tests check it);
//!   `lang.value("state", s)` for enum values; `lang.datetime(t)` for times.
//! * **Markup**: `layout::page(&page, title, body)` around the content;
//!   every `<form method="post">` starts with `(layout::csrf(&page))`; no
//!   inline script, style attribute or event handler (CSP).
//! * **Navigation**: a row in `layout::NAV`.
//! * **Charts**: `charts::*` return SVG markup; put the numbers beside
//!   them in a table or text.
//! * **Errors**: return `Result<Response, AppError>`; [`html_errors`]
//!   turns an error into a page in the user's language (internal details
//!   logged with the request id, never shown) and "authentication
//!   required" into a redirect to the log-in page.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use maud::Markup;
use serde::de::DeserializeOwned;

use crate::auth::{Principal, SESSION_COOKIE, cookie, csrf_token, session_principal};
use crate::error::{AppError, ErrorBody};
use crate::middleware::RequestId;
use crate::state::AppState;

mod alerts;
pub mod charts;
mod dashboard;
mod findings;
pub mod i18n;
mod incidents;
mod inventory;
pub mod layout;
mod oversight;
mod parts;
mod session;
mod settings;
pub mod static_files;
mod vendor;

pub use i18n::Lang;

/// Every page route with its handler (see the module docs).
pub fn routes(config: &crate::ServiceConfig) -> Vec<(&'static str, MethodRouter<AppState>)> {
    let upload = axum::extract::DefaultBodyLimit::max(config.max_upload);
    vec![
        ("/", get(session::home)),
        ("/login", get(session::login_page).post(session::login)),
        ("/logout", post(session::logout)),
        ("/lang", get(session::lang_link).post(session::lang)),
        ("/static/{file}", get(static_files::serve)),
        ("/dashboard", get(dashboard::page)),
        (
            "/settings/preferences",
            get(session::preferences).post(session::save_preferences),
        ),
        ("/findings", get(findings::list)),
        (
            "/findings/{id}",
            get(findings::show).post(findings::transition),
        ),
        ("/assets", get(inventory::list).post(inventory::create)),
        ("/assets/{id}", get(inventory::show)),
        (
            "/assets/{id}/inventory",
            post(inventory::upload).layer(upload),
        ),
        (
            "/tokens",
            get(settings::tokens).post(settings::create_token),
        ),
        ("/tokens/{id}/revoke", post(settings::revoke_token)),
        (
            "/settings/webhooks",
            get(settings::webhooks).post(settings::create_webhook),
        ),
        (
            "/settings/webhooks/{id}/delete",
            post(settings::delete_webhook),
        ),
        ("/incidents", get(incidents::list)),
        (
            "/incidents/new",
            get(incidents::new_form)
                .post(incidents::create)
                .layer(upload),
        ),
        ("/incidents/{id}", get(incidents::show)),
        ("/incidents/{id}/update", post(incidents::update)),
        ("/incidents/{id}/annotate", post(incidents::annotate)),
        (
            "/incidents/{id}/attachments",
            post(incidents::attach).layer(upload),
        ),
        ("/alerts", get(alerts::inbox)),
        ("/alerts/issued", get(alerts::issued)),
        ("/alerts/new", get(alerts::composer).post(alerts::compose)),
        ("/alerts/{id}", get(alerts::show)),
        ("/alerts/{id}/ack", post(alerts::ack)),
        ("/alerts/{id}/progress", get(alerts::progress)),
        ("/alerts/{id}/remind", post(alerts::remind)),
        ("/sectors", get(oversight::sectors)),
        ("/organizations/{id}", get(oversight::organization)),
        ("/nation", get(oversight::nation)),
        ("/exposure", get(oversight::exposure)),
        ("/campaigns", get(oversight::campaigns)),
        ("/vendor", get(vendor::page)),
    ]
}

/// The pages' router: [`routes`] with timeouts and [`html_errors`].
pub fn router(state: &AppState) -> axum::Router<AppState> {
    let config = state.config();
    let mut router = axum::Router::new();
    for (path, handler) in routes(config) {
        router = router.route(
            path,
            handler.layer(tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                config.request_timeout * 10,
            )),
        );
    }
    router
        .layer(axum::middleware::from_fn(html_errors))
        .layer(axum::middleware::from_fn(with_zone))
}

/// The cookie that carries a person's time zone preference to every page
/// (set at log-in and by the preferences page from their account).
pub const TZ_COOKIE: &str = "yata_tz";

/// Renders the request's pages in the person's time zone (`yata_tz`,
/// checked against the time-zone database; Asia/Tokyo otherwise).
async fn with_zone(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let zone = cookie(&parts, TZ_COOKIE)
        .and_then(|name| i18n::known_zone(&name))
        .and_then(|name| jiff::tz::TimeZone::get(&name).ok())
        .unwrap_or_else(i18n::tokyo);
    let req = Request::from_parts(parts, body);
    i18n::in_zone(zone, next.run(req)).await
}

/// The language of a request: `?lang=` (links), else the `yata_lang`
/// cookie, else Japanese.
pub fn lang_of(parts: &Parts) -> Lang {
    let query = parts.uri.query().unwrap_or("");
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()
        .and_then(|q| {
            q.iter()
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::parse(v))
        })
        .or_else(|| cookie(parts, i18n::LANG_COOKIE).and_then(|v| Lang::parse(&v)))
        .unwrap_or_default()
}

/// A signed-in page request: who, in which language, with the session's
/// CSRF token to render into forms.
#[derive(Debug, Clone)]
pub struct Page {
    pub p: Principal,
    pub lang: Lang,
    /// The session's form token (see [`crate::auth::csrf_token`]).
    pub csrf: String,
    /// The path asked for (navigation marks the current entry).
    pub path: String,
    /// A message of the catalogue's `flash.` keys named by `?done=`, after
    /// a form's redirect (only keys that exist: nothing is reflected).
    pub flash: Option<&'static str>,
}

impl Page {
    fn new(p: Principal, parts: &Parts, secret: &str) -> Page {
        let lang = lang_of(parts);
        let flash = query_value(parts, "done").and_then(|key| flash_text(lang, &key));
        Page {
            p,
            lang,
            csrf: csrf_token(secret),
            path: parts.uri.path().to_owned(),
            flash,
        }
    }
}

/// The flash message `?done=` names: `name` is `flash.name`, and
/// `section.name` is `section.flash.name` (the pages' own flash keys).
fn flash_text(lang: Lang, key: &str) -> Option<&'static str> {
    match key.split_once('.') {
        Some((section, name)) => lang.lookup(&format!(
            "{}.flash.{}",
            i18n::slug(section),
            i18n::slug(name)
        )),
        None => lang.lookup(&format!("flash.{}", i18n::slug(key))),
    }
}

/// One query parameter of the request.
pub fn query_value(parts: &Parts, name: &str) -> Option<String> {
    let query = parts.uri.query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Page, AppError> {
        let secret = cookie(parts, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
        let p = session_principal(state, &secret, None).await?;
        Ok(Page::new(p, parts, &secret))
    }
}

/// A file of a `multipart/form-data` form.
#[derive(Debug)]
pub struct Upload {
    pub field: String,
    pub file_name: Option<String>,
    pub bytes: axum::body::Bytes,
}

/// A form posted by a signed-in user, accepted only with the session's
/// CSRF token in its `csrf` field (checked by `auth`'s session check, the
/// one the API's `X-CSRF-Token` header goes through): `form` is the
/// other fields (`application/x-www-form-urlencoded` or
/// `multipart/form-data`), `files` the files of a multipart form. A
/// missing or wrong token is 403 before any handler code runs.
#[derive(Debug)]
pub struct Posted<T> {
    pub page: Page,
    pub form: T,
    pub files: Vec<Upload>,
}

/// The fields and files of a form body.
async fn read_form(
    req: Request,
    state: &AppState,
) -> Result<(Vec<(String, String)>, Vec<Upload>), AppError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut fields = Vec::new();
    let mut files = Vec::new();
    if is_multipart {
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            match file_name {
                Some(_) => files.push(Upload {
                    field: name,
                    file_name,
                    bytes,
                }),
                None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
            }
        }
    } else {
        let limit = state.config().max_json_body;
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| AppError::BadRequest("form too large".into()))?;
        fields = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::BadRequest(format!("form: {e}")))?;
    }
    Ok((fields, files))
}

/// The typed form of `fields`, without its token.
fn typed<T: DeserializeOwned>(fields: &[(String, String)]) -> Result<T, AppError> {
    let rest: Vec<&(String, String)> = fields.iter().filter(|(k, _)| k != "csrf").collect();
    let encoded = serde_urlencoded::to_string(rest).map_err(AppError::internal)?;
    serde_urlencoded::from_str(&encoded).map_err(|e| AppError::BadRequest(format!("form: {e}")))
}

fn csrf_field(fields: &[(String, String)]) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Posted<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (parts, body) = req.into_parts();
        let secret = cookie(&parts, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
        let req = Request::from_parts(parts.clone(), body);
        let (fields, files) = read_form(req, state).await?;
        let p = session_principal(state, &secret, Some(csrf_field(&fields))).await?;
        let form = typed(&fields)?;
        Ok(Posted {
            page: Page::new(p, &parts, &secret),
            form,
            files,
        })
    }
}

/// The cookie that carries the token of forms posted before signing in
/// (log-in, language): a double-submit token, `SameSite=Strict`.
pub const PRE_COOKIE: &str = "yata_pre";

/// A form posted without a session (log-in, language), accepted only
/// when its `csrf` field equals the [`PRE_COOKIE`] the page set.
#[derive(Debug)]
pub struct AnonPosted<T> {
    pub lang: Lang,
    pub form: T,
    pub ip: crate::auth::ClientIp,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for AnonPosted<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let ip = crate::auth::ClientIp::from_request_parts(&mut parts, state)
            .await
            .unwrap_or(crate::auth::ClientIp(None));
        let expected = cookie(&parts, PRE_COOKIE).filter(|c| c.len() >= 32);
        let lang = lang_of(&parts);
        let (fields, _) = read_form(Request::from_parts(parts, body), state).await?;
        let ok = matches!((expected, csrf_field(&fields)), (Some(e), Some(g)) if crate::auth::secret_hash(&e) == crate::auth::secret_hash(&g));
        if !ok {
            return Err(AppError::Forbidden(
                "missing or wrong csrf form field".into(),
            ));
        }
        Ok(AnonPosted {
            lang,
            form: typed(&fields)?,
            ip,
        })
    }
}

/// An HTML answer.
pub fn html(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// A 303 to `location` (after a form, or to the log-in page).
pub fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Around every page: an error becomes a page in the user's language
/// (internal details logged with the request id, which is all the page
/// shows), and "authentication required" a redirect to the log-in page
/// that comes back here afterwards.
pub async fn html_errors(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let lang = lang_of(&parts);
    let request_id = parts
        .extensions
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let method = parts.method.clone();
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let response = next.run(Request::from_parts(parts, body)).await;
    let status = response.status();
    let code = match response.extensions().get::<ErrorBody>() {
        Some(error) => {
            if let Some(detail) = &error.internal {
                tracing::error!(request_id, detail, "internal error");
            }
            error.code
        }
        // The framework's own rejections (a path parameter that is no
        // number, a body too large, a timeout): a page too.
        None if status.is_client_error() || status.is_server_error() => {
            let is_html = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
            if is_html {
                return response;
            }
            match status {
                StatusCode::NOT_FOUND => "not_found",
                StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
                StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                StatusCode::REQUEST_TIMEOUT => "timeout",
                s if s.is_client_error() => "bad_request",
                _ => "internal",
            }
        }
        None => return response,
    };
    let (mut parts, _) = response.into_parts();
    parts.extensions.remove::<ErrorBody>();
    if code == "unauthenticated" {
        let target = if method == Method::GET && here.starts_with('/') && !here.starts_with("//") {
            format!(
                "/login?{}",
                serde_urlencoded::to_string([("next", here.as_str())]).unwrap_or_default()
            )
        } else {
            "/login".to_owned()
        };
        let mut r = see_other(&target);
        r.extensions_mut().extend(parts.extensions);
        return r;
    }
    let markup = layout::error_page(lang, parts.status, code, &request_id);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(markup.into_string()))
}

/// The value of cookie `name` in `headers`.
pub fn header_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Whether a form checkbox was ticked.
pub fn checked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.is_empty() && v != "false")
}
