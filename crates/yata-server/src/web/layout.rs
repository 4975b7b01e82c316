//! The frame every page shares: `<html lang>`, skip link, header with the
//! organisation and role, the navigation of the organisation's kind
//! ([`NAV`]), the language switch and the log-out form, `<main>`.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};
use yata_store::{OrgKind, Role};

use super::{Lang, Page, static_files};

/// One navigation entry: shown to organisations of `kinds` (all when
/// empty) and, if `admin_only`, to their admins only. Add a row to add a
/// page to the navigation; `key` is a catalogue key.
#[derive(Debug, Clone, Copy)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub kinds: &'static [OrgKind],
    pub admin_only: bool,
}

/// Organisations that hold assets and findings of their own.
const HOLDERS: &[OrgKind] = &[
    OrgKind::Operator,
    OrgKind::Government,
    OrgKind::Vendor,
    OrgKind::Ministry,
    OrgKind::Nco,
];

/// The organisations that oversee others: the NCO and the ministries.
const OVERSIGHT: &[OrgKind] = &[OrgKind::Nco, OrgKind::Ministry];

/// The navigation, in order.
pub const NAV: &[NavItem] = &[
    NavItem {
        href: "/nation",
        key: "menu.nation",
        kinds: &[OrgKind::Nco],
        admin_only: false,
    },
    NavItem {
        href: "/sectors",
        key: "menu.sectors",
        kinds: &[OrgKind::Ministry],
        admin_only: false,
    },
    NavItem {
        href: "/vendor",
        key: "menu.vendor",
        kinds: &[OrgKind::Vendor],
        admin_only: false,
    },
    NavItem {
        href: "/dashboard",
        key: "nav.dashboard",
        kinds: &[],
        admin_only: false,
    },
    NavItem {
        href: "/findings",
        key: "nav.findings",
        kinds: HOLDERS,
        admin_only: false,
    },
    NavItem {
        href: "/assets",
        key: "nav.assets",
        kinds: HOLDERS,
        admin_only: false,
    },
    NavItem {
        href: "/incidents",
        key: "menu.incidents",
        kinds: &[
            OrgKind::Operator,
            OrgKind::Government,
            OrgKind::Ministry,
            OrgKind::Nco,
        ],
        admin_only: false,
    },
    NavItem {
        href: "/campaigns",
        key: "menu.campaigns",
        kinds: OVERSIGHT,
        admin_only: false,
    },
    NavItem {
        href: "/alerts",
        key: "menu.alerts",
        kinds: &[],
        admin_only: false,
    },
    NavItem {
        href: "/alerts/issued",
        key: "menu.alerts_issued",
        kinds: OVERSIGHT,
        admin_only: false,
    },
    NavItem {
        href: "/exposure",
        key: "menu.exposure",
        kinds: OVERSIGHT,
        admin_only: false,
    },
    NavItem {
        href: "/tokens",
        key: "nav.tokens",
        kinds: &[],
        admin_only: true,
    },
    NavItem {
        href: "/settings/webhooks",
        key: "nav.webhooks",
        kinds: &[],
        admin_only: true,
    },
    NavItem {
        href: "/settings/preferences",
        key: "nav.preferences",
        kinds: &[],
        admin_only: false,
    },
];

/// The entries `page`'s caller sees.
pub fn nav_for(kind: OrgKind, role: Role) -> impl Iterator<Item = &'static NavItem> {
    NAV.iter().filter(move |n| {
        (n.kinds.is_empty() || n.kinds.contains(&kind)) && (!n.admin_only || role == Role::Admin)
    })
}

/// The entry of `path` among `items`: the longest `href` that is the path
/// or a folder of it (`/alerts/issued/…` is "issued", not "inbox").
fn current<'a>(items: &[&'a NavItem], path: &str) -> Option<&'a str> {
    items
        .iter()
        .map(|n| n.href)
        .filter(|h| path == *h || path.starts_with(&format!("{h}/")))
        .max_by_key(|h| h.len())
}

/// The hidden CSRF field every `<form method="post">` starts with.
pub fn csrf(page: &Page) -> Markup {
    html! { input type="hidden" name="csrf" value=(page.csrf); }
}

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " — " (lang.t("app.name")) }
            link rel="stylesheet" href=(static_files::url("app.css"));
            script src=(static_files::url("app.js")) defer {}
        }
    }
}

/// The language switch: a form (works without JavaScript) with one
/// button per language; `csrf` is the session's or the pre-session token.
pub fn lang_switch(lang: Lang, csrf: &str, back: &str) -> Markup {
    html! {
        form.lang-switch method="post" action="/lang" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="next" value=(back);
            span.visually-hidden { (lang.t("lang.switch")) }
            @for l in Lang::ALL {
                button type="submit" name="lang" value=(l.code()) lang=(l.code())
                    aria-pressed=(if l == lang { "true" } else { "false" }) {
                    (lang.t(&format!("lang.{}", l.code())))
                }
            }
        }
    }
}

/// A signed-in page: the frame around `body`.
pub fn page(page: &Page, title: &str, body: Markup) -> Markup {
    let lang = page.lang;
    let org = &page.p.org;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body {
                a.skip href="#main" { (lang.t("layout.skip")) }
                header.top {
                    div.brand {
                        a href="/" { (lang.t("app.name")) }
                    }
                    div.who {
                        span.org { (org.name) }
                        " "
                        span.badge { (lang.value("kind", org.kind.as_str())) }
                        " "
                        span.badge { (lang.value("role", page.p.role.as_str())) }
                    }
                    (lang_switch(lang, &page.csrf, &page.path))
                    form.logout method="post" action="/logout" {
                        (csrf(page))
                        button type="submit" { (lang.t("layout.logout")) }
                    }
                }
                nav.main aria-label=(lang.t("layout.nav")) {
                    @let items: Vec<&NavItem> = nav_for(org.kind, page.p.role).collect();
                    @let here = current(&items, &page.path);
                    ul {
                        @for item in &items {
                            li {
                                @if here == Some(item.href) {
                                    a href=(item.href) aria-current="page" { (lang.t(item.key)) }
                                } @else {
                                    a href=(item.href) { (lang.t(item.key)) }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    @if let Some(flash) = page.flash {
                        p.flash role="status" { (flash) }
                    }
                    (body)
                }
                footer.bottom {
                    p { (lang.t("layout.footer")) }
                }
            }
        }
    }
}

/// A page without a session (log-in, errors): the frame without
/// navigation.
pub fn bare(lang: Lang, title: &str, switch: Option<Markup>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body {
                a.skip href="#main" { (lang.t("layout.skip")) }
                header.top {
                    div.brand { a href="/" { (lang.t("app.name")) } }
                    @if let Some(switch) = switch { (switch) }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// An error as a page: what happened in the user's language, and the
/// request id to quote (never internal details).
pub fn error_page(lang: Lang, status: StatusCode, code: &str, request_id: &str) -> Markup {
    let known = [
        "forbidden",
        "not_found",
        "bad_request",
        "conflict",
        "unprocessable",
        "too_many_requests",
        "unavailable",
        "timeout",
        "payload_too_large",
        "method_not_allowed",
    ];
    let key = if known.contains(&code) {
        code
    } else {
        "internal"
    };
    let title = lang.lookup(&format!("error.{key}")).unwrap_or(key);
    bare(
        lang,
        title,
        None,
        html! {
            p { (lang.f("error.status", &[("status", status.as_str())])) }
            p { (lang.f("error.request_id", &[("id", request_id)])) }
            p { a href="/" { (lang.t("error.home")) } }
        },
    )
}

/// A field's error, next to it (`id` is what `aria-describedby` names).
pub fn field_error(id: &str, message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            p.field-error id=(id) role="alert" { (m) }
        }
    }
}
