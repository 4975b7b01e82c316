//! The organisation's home: its figures, the trend of the last 12 weeks
//! and its open findings by decision, as charts with their numbers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use maud::html;

use super::charts::{self, Series};
use super::{Page, html, layout};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// Weeks of trend the dashboard shows.
const WEEKS: u32 = 12;
const WEEK_MICROS: i64 = 7 * 24 * 3600 * 1_000_000;

/// BOD 26-04 decisions, most urgent first, and `none`.
const DECISIONS: [&str; 6] = [
    "3 days & forensic investigation",
    "3 days",
    "14 days",
    "60 days",
    "fix on system upgrade",
    "none",
];

pub async fn page(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let lang = page.lang;
    let org =
        visibility::organization(&state, &page.p, page.p.org.id, Object::Status, Access::Read)
            .await?;
    let now = Timestamp::now();
    let s = state
        .store()
        .finding_summaries(&[org.id], now, WEEKS)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let this_week = now.as_microsecond() / WEEK_MICROS;
    let weeks: Vec<i64> = (0..i64::from(WEEKS)).rev().map(|b| this_week - b).collect();
    let labels: Vec<String> = weeks
        .iter()
        .map(|w| {
            Timestamp::from_microsecond(w * WEEK_MICROS)
                .map(|t| lang.date(t))
                .unwrap_or_default()
        })
        .collect();
    let opened: Vec<u64> = weeks
        .iter()
        .map(|w| s.weeks.get(w).map_or(0, |x| x.0))
        .collect();
    let fixed: Vec<u64> = weeks
        .iter()
        .map(|w| s.weeks.get(w).map_or(0, |x| x.1))
        .collect();
    let open_at: Vec<u64> = weeks
        .iter()
        .map(|w| s.backlog.get(w).map_or(0, |x| x.0))
        .collect();
    let overdue_at: Vec<u64> = weeks
        .iter()
        .map(|w| s.backlog.get(w).map_or(0, |x| x.1))
        .collect();
    let by_decision: Vec<(String, u64)> = DECISIONS
        .iter()
        .filter_map(|d| {
            let n = s.open_by_decision.get(*d).copied().unwrap_or(0);
            (n > 0).then(|| (lang.value("decision", d).into_owned(), n))
        })
        .collect();
    let open = s.by_state.get("open").copied().unwrap_or(0)
        + s.by_state.get("in_triage").copied().unwrap_or(0);
    let opened_name = lang.t("dashboard.opened");
    let fixed_name = lang.t("dashboard.fixed");
    let open_name = lang.t("dashboard.open");
    let overdue_name = lang.t("dashboard.overdue");
    let empty = lang.t("charts.empty");
    let body = html! {
        section aria-labelledby="figures" {
            h2 #figures { (lang.t("dashboard.figures")) }
            dl.facts {
                dt { (lang.t("dashboard.open")) }
                dd { a href="/findings" { (open) } }
                dt { (lang.t("dashboard.overdue")) }
                dd { a href="/findings?due=overdue" { (s.overdue) } }
                dt { (lang.t("dashboard.due7")) }
                dd { a href="/findings?due=7" { (s.due_within_7_days) } }
                dt { (lang.t("dashboard.kev_open")) }
                dd { (s.kev_open) }
                dt { (lang.t("dashboard.overdue_kev")) }
                dd { (s.overdue_kev) }
                dt { (lang.t("dashboard.mttr")) }
                dd { @match s.mean_time_to_remediate() {
                    Some(d) => { (lang.f("dashboard.days", &[("days", &format!("{:.1}", d.as_secs_f64() / 86_400.0))])) }
                    None => { (lang.t("common.unknown")) }
                } }
            }
        }
        div.charts {
            (two_lines(lang, lang.t("dashboard.backlog"), &labels, [(open_name, &open_at), (overdue_name, &overdue_at)], empty))
            (two_lines(lang, lang.t("dashboard.trend"), &labels, [(opened_name, &opened), (fixed_name, &fixed)], empty))
            figure {
                (charts::bar_chart(lang.t("dashboard.by_decision"), &by_decision, empty))
                figcaption {
                    details {
                        summary { (lang.t("charts.numbers")) }
                        table {
                            thead { tr {
                                th scope="col" { (lang.t("findings.col.decision")) }
                                th scope="col" class="num" { (lang.t("dashboard.count")) }
                            } }
                            tbody { @for (d, n) in &by_decision { tr { td { (d) } td.num { (n) } } } }
                        }
                    }
                }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("dashboard.title"), body),
    ))
}

/// A figure with a two-series line chart over the weeks and, for those
/// who cannot see it, its numbers in a table.
fn two_lines(
    lang: super::Lang,
    title: &str,
    labels: &[String],
    series: [(&str, &[u64]); 2],
    empty: &str,
) -> maud::Markup {
    let [(a_name, a), (b_name, b)] = series;
    html! {
        figure {
            (charts::line_chart(title, labels, &[
                Series { name: a_name, values: a },
                Series { name: b_name, values: b },
            ], empty))
            figcaption {
                details {
                    summary { (lang.t("charts.numbers")) }
                    table {
                        thead { tr {
                            th scope="col" { (lang.t("dashboard.week")) }
                            th scope="col" class="num" { (a_name) }
                            th scope="col" class="num" { (b_name) }
                        } }
                        tbody { @for (i, l) in labels.iter().enumerate() { tr {
                            td { (l) }
                            td.num { (a[i]) }
                            td.num { (b[i]) }
                        } } }
                    }
                }
            }
        }
    }
}
