//! What wraps every request: a request id, security headers, metrics, and
//! one error body shape (`{"error": {"code", "message", "request_id"}}`)
//! for every error, including the framework's own (bad JSON, unknown
//! route, body too large, timeout).

use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ErrorBody;
use crate::state::AppState;

/// The id of one request, in the `x-request-id` response header, in error
/// bodies and in the log.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The route template that answered, carried out of the router for the
/// metrics (set by [`remember_route`]).
#[derive(Debug, Clone)]
struct Route(String);

/// Inside the router: records which route template matched.
pub async fn remember_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let mut response = next.run(req).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// Outermost: request id, timing, security headers, error bodies.
pub async fn finish(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = crate::auth::new_secret("")
        .map(|s| s[..16].to_owned())
        .unwrap_or_default();
    req.extensions_mut().insert(RequestId(id.clone()));
    // Any token is a method to HTTP: unknown ones share one series, so
    // clients cannot grow the metrics without bound.
    let method = match *req.method() {
        axum::http::Method::GET
        | axum::http::Method::HEAD
        | axum::http::Method::POST
        | axum::http::Method::PUT
        | axum::http::Method::DELETE
        | axum::http::Method::PATCH
        | axum::http::Method::OPTIONS => req.method().as_str().to_owned(),
        _ => "OTHER".to_owned(),
    };
    let response = next.run(req).await;
    let mut response = error_body(response, &id).await;
    let status = response.status().as_u16();
    let route = response
        .extensions()
        .get::<Route>()
        .map_or("(unmatched)", |r| r.0.as_str())
        .to_owned();
    state
        .metrics()
        .record(&method, &route, status, started.elapsed());
    security_headers(response.headers_mut(), state.config().tls);
    if let Ok(v) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    response
}

/// Rewrites an error response into the one error shape.
async fn error_body(response: Response, request_id: &str) -> Response {
    let status = response.status();
    if let Some(body) = response.extensions().get::<ErrorBody>().cloned() {
        if let Some(detail) = &body.internal {
            tracing::error!(request_id, detail, "internal error");
        }
        let mut error = json!({
            "code": body.code,
            "message": body.message,
            "request_id": request_id,
        });
        if !body.errors.is_empty() {
            error["errors"] = json!(body.errors);
        }
        return (status, axum::Json(json!({ "error": error }))).into_response();
    }
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // JSON errors are already in shape; HTML ones are the web UI's error
    // pages (`web::html_errors`), which show the request id themselves.
    let keep = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
        });
    if keep {
        return response;
    }
    // The framework's own rejections: plain text meant for the client
    // (4xx), or nothing; 5xx text is never shown.
    let text = match axum::body::to_bytes(response.into_body(), 64 << 10).await {
        Ok(b) if status.is_client_error() => String::from_utf8_lossy(&b).trim().to_owned(),
        _ => String::new(),
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        text
    };
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        s if s.is_client_error() => "bad_request",
        _ => "internal",
    };
    let body = json!({ "error": { "code": code, "message": message, "request_id": request_id } });
    (status, axum::Json(body)).into_response()
}

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

fn security_headers(h: &mut axum::http::HeaderMap, tls: bool) {
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        h.entry(HeaderName::from_static(name))
            .or_insert(HeaderValue::from_static(value));
    };
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "no-referrer");
    // The web UI's pages need no more: scripts and styles from its own
    // static files only (no inline script, style or event handler), SVG
    // charts inline and `data:` images at most.
    set(h, "content-security-policy", CSP);
    set(h, "cache-control", "no-store");
    if tls {
        set(h, "strict-transport-security", "max-age=31536000");
    }
}

/// An empty body with `status`, for handlers with nothing to say.
pub fn empty(status: StatusCode) -> Response {
    (status, Body::empty()).into_response()
}
