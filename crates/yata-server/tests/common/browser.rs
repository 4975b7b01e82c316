//! A browser for the page tests (`tests/web.rs`, `tests/web_roles.rs`):
//! a cookie jar over the in-process router, sign-in through the form, and
//! the checks every page answer must pass.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use yata_store::{OrgId, Role};

use super::{App, Reply};

pub const PASSWORD: &str = "correct horse battery staple";

/// A browser: a cookie jar over the in-process router.
pub struct Browser<'a> {
    app: &'a App,
    pub cookies: Mutex<BTreeMap<String, String>>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a App) -> Browser<'a> {
        Browser {
            app,
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&self, req: axum::http::request::Builder, body: Body) -> Reply {
        let req = req.header(header::COOKIE, self.cookie_header());
        let reply = self.app.request(req.body(body).unwrap()).await;
        let mut jar = self.cookies.lock().unwrap();
        for v in reply.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                jar.remove(k);
            } else {
                jar.insert(k.to_owned(), val.to_owned());
            }
        }
        check_headers(&reply);
        reply
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(
            Request::builder().method(Method::GET).uri(path),
            Body::empty(),
        )
        .await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(serde_urlencoded::to_string(fields).unwrap()),
        )
        .await
    }

    /// Posts a `multipart/form-data` form with one file.
    pub async fn upload(&self, path: &str, csrf: &str, file_name: &str, bytes: &[u8]) -> Reply {
        let boundary = "----yata-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::builder().method(Method::POST).uri(path).header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            ),
            Body::from(body),
        )
        .await
    }

    /// Signs in through the form.
    pub async fn login(&self, email: &str) {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf(&page);
        let r = self
            .post(
                "/login",
                &[("csrf", &csrf), ("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
        assert!(self.cookies.lock().unwrap().contains_key("yata_session"));
    }
}

/// Every answer: the CSP without `unsafe-inline`, and HTML with no inline
/// script.
pub fn check_headers(r: &Reply) {
    let csp = r.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("form-action 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let is_html = r
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
    if is_html {
        let body = text(r);
        for (i, _) in body.match_indices("<script") {
            assert!(
                body[i..].starts_with("<script src=\"/static/app-"),
                "inline script: {}",
                &body[i..(i + 80).min(body.len())]
            );
        }
        assert!(!body.contains(" onclick="), "inline handler");
        assert!(!body.contains(" style=\""), "inline style");
    }
}

pub fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The first CSRF field of a page.
pub fn csrf(r: &Reply) -> String {
    let body = text(r);
    let at = body
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no csrf field: {body}"));
    let rest = &body[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

pub fn location(r: &Reply) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_owned()
}

/// A user with a password, member of `org` with `role`.
pub async fn user(app: &App, org: i64, role: Role, email: &str) {
    super::member(&app.state, OrgId(org), role, email, email, Some(PASSWORD)).await;
}
