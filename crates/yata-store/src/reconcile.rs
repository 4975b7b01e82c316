//! Bringing an asset's findings in line with what the matcher observes now,
//! inside a write (part of the one body: compiled per driver as a child of
//! `sql`).
//!
//! Sized for tens of thousands of observations per asset: the asset's
//! findings are read in one query into a map, and every write is a
//! multi-row statement (`INSERT … VALUES (…), (…)`, `UPDATE … FROM
//! (VALUES …)`, `WHERE id IN (…)`) of at most [`MAX_BINDS`] parameters, so
//! about a hundred findings per round trip instead of one. Their
//! parameters are written `{P}n` (see [`P`]).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use sqlx::{AssertSqlSafe, Row};

use super::Write;
use crate::{Error, FindingState, FindingsUpdate, Observation};

/// How the generated statements write bind parameter `n`: `{P}n`, `$n` on
/// PostgreSQL and `?n` on SQLite (see `PARAM` in `sqlite.rs`).
const P: char = super::PARAM;

/// Bind parameters per statement, at most. Far below the limits (SQLite
/// 32,766, PostgreSQL 65,535) because SQLite's cost per parameter grows
/// with the statement's parameter count (names and numbers are looked up
/// in a list): two uploads of 20,000 observations (the test) took 0.86 s
/// at 250, 0.72 s at 500, 0.85 s at 1,000, 1.2 s at 2,000 and 9.8 s at
/// 32,766 on SQLite in a debug build; PostgreSQL, 1.7–2.0 s, hardly cared.
const MAX_BINDS: usize = 500;

/// The notes the findings' transitions carry: why they moved.
pub(super) struct Notes {
    /// A fixed finding observed again.
    pub(super) reopened: String,
    /// An open or in-triage finding no longer observed.
    pub(super) resolved: String,
}

/// A finding of the asset as it is before the reconciliation.
struct Existing {
    id: i64,
    vuln_id: String,
    subject: String,
    state: FindingState,
    present: bool,
    decision: Option<String>,
    kev: bool,
    epss: Option<f64>,
}

/// An EPSS score rising by at least this many basis points (ten percentage
/// points) above the one the finding was last prioritised with is a jump:
/// the finding moves up the work list, and the move is recorded.
const EPSS_JUMP_BP: i64 = 1000;

/// Whether `new` is a jump from `old` (a first score is not).
fn epss_jump(old: Option<f64>, new: Option<f64>) -> bool {
    let bp = |score: f64| (score * 10_000.0).round() as i64;
    matches!((old, new), (Some(o), Some(n)) if bp(n) - bp(o) >= EPSS_JUMP_BP)
}

/// The EPSS score a finding keeps: the one it was last prioritised with,
/// replaced by a first score or a jump (so a slow climb is a jump once it
/// adds up), kept when the feed has none.
fn epss_kept(old: Option<f64>, new: Option<f64>) -> Option<f64> {
    if old.is_none() || epss_jump(old, new) {
        new.or(old)
    } else {
        old
    }
}

/// Makes the asset's findings match `observations` (the first of
/// duplicates counts): new ones open, fixed ones observed again reopen,
/// others observed are refreshed (last seen, present, decision, deadline,
/// explanation; their state kept), and present ones no longer observed
/// become absent, fixed if they were open or in triage. Records the
/// transitions; the caller audits and commits. Returns what it did and the
/// ids of the findings it opened or reopened (the caller writes their
/// events in the same transaction).
pub(super) async fn reconcile(
    w: &mut Write,
    org: i64,
    asset: i64,
    observations: &[Observation],
    notes: &Notes,
) -> Result<(FindingsUpdate, Vec<i64>), Error> {
    reconcile_only(w, org, asset, observations, notes, None).await
}

/// [`reconcile`] with `only` some vulnerability ids: the asset's findings
/// of other ids and the observations of other ids are left out, as if
/// neither existed.
pub(super) async fn reconcile_only(
    w: &mut Write,
    org: i64,
    asset: i64,
    observations: &[Observation],
    notes: &Notes,
    only: Option<&[String]>,
) -> Result<(FindingsUpdate, Vec<i64>), Error> {
    let only: Option<HashSet<&str>> = only.map(|ids| ids.iter().map(String::as_str).collect());
    let wanted = |vuln: &str| only.as_ref().is_none_or(|o| o.contains(vuln));
    let rows = sqlx::query(
        "SELECT id, vuln_id, subject, state, present, decision, kev, epss FROM findings \
         WHERE asset_id = $1",
    )
    .bind(asset)
    .fetch_all(&mut *w.tx)
    .await?;
    let existing = rows
        .iter()
        .map(|r| {
            Ok(Existing {
                id: r.try_get("id")?,
                vuln_id: r.try_get("vuln_id")?,
                subject: r.try_get("subject")?,
                state: r.try_get::<&str, _>("state")?.parse()?,
                present: r.try_get("present")?,
                decision: r.try_get("decision")?,
                kev: r.try_get("kev")?,
                epss: r.try_get("epss")?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    drop(rows);
    let existing: Vec<Existing> = existing
        .into_iter()
        .filter(|e| wanted(&e.vuln_id))
        .collect();
    let by_key: HashMap<(&str, &str), &Existing> = existing
        .iter()
        .map(|e| ((e.vuln_id.as_str(), e.subject.as_str()), e))
        .collect();

    let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(observations.len());
    let mut new = Vec::new();
    let mut again = Vec::new();
    for o in observations.iter().filter(|o| wanted(&o.vuln_id)) {
        let key = (o.vuln_id.as_str(), o.subject.as_str());
        if !seen.insert(key) {
            continue;
        }
        match by_key.get(&key) {
            Some(e) => again.push((*e, o)),
            None => new.push(o),
        }
    }
    let mut gone: Vec<&Existing> = existing
        .iter()
        .filter(|e| e.present && !seen.contains(&(e.vuln_id.as_str(), e.subject.as_str())))
        .collect();
    gone.sort_unstable_by_key(|e| e.id);

    let reopened: Vec<(i64, FindingState)> = again
        .iter()
        .filter(|(e, _)| e.state == FindingState::Fixed)
        .map(|(e, _)| (e.id, e.state))
        .collect();
    let (resolved, absent): (Vec<&Existing>, Vec<&Existing>) = gone
        .into_iter()
        .partition(|e| matches!(e.state, FindingState::Open | FindingState::InTriage));
    let resolved: Vec<(i64, FindingState)> = resolved.iter().map(|e| (e.id, e.state)).collect();

    let mut entered = insert_new(w, org, asset, &new).await?;
    refresh(w, &again).await?;
    mark_absent(w, &absent.iter().map(|e| e.id).collect::<Vec<_>>(), false).await?;
    mark_absent(w, &resolved.iter().map(|r| r.0).collect::<Vec<_>>(), true).await?;
    record(w, &reopened, FindingState::Open, &notes.reopened).await?;
    record(w, &resolved, FindingState::Fixed, &notes.resolved).await?;
    // A finding whose priority moved (its advisory entered KEV, its EPSS
    // jumped, its policy changed) keeps its state; the move is recorded in
    // its history.
    for (e, o) in again.iter().filter(|(e, _)| e.state != FindingState::Fixed) {
        let entered_kev = o.kev && !e.kev;
        let epss_jump = epss_jump(e.epss, o.epss);
        if e.decision == o.decision && !entered_kev && !epss_jump {
            continue;
        }
        let mut note = format!(
            "re-prioritised: {} → {}",
            e.decision.as_deref().unwrap_or("none"),
            o.decision.as_deref().unwrap_or("none")
        );
        if entered_kev {
            note.push_str(" (now in CISA KEV)");
        }
        if epss_jump {
            let _ = write!(
                note,
                " (EPSS {} → {})",
                e.epss.map_or("none".into(), |s| format!("{s:.3}")),
                o.epss.map_or("none".into(), |s| format!("{s:.3}"))
            );
        }
        w.transition(e.id, e.state, e.state, None, &note).await?;
    }

    let update = FindingsUpdate {
        opened: new.len() as u64,
        reopened: reopened.len() as u64,
        refreshed: (again.len() - reopened.len()) as u64,
        resolved: resolved.len() as u64,
    };
    entered.extend(reopened.iter().map(|r| r.0));
    Ok((update, entered))
}

/// How many rows of `width` parameters fit in a statement that also binds
/// `fixed` shared ones.
fn rows_per_statement(fixed: usize, width: usize) -> usize {
    (MAX_BINDS - fixed) / width
}

/// `n` comma-separated groups written by `group(sql, p)`, whose parameters
/// are numbers `p` to `p + width - 1`; numbering starts after `fixed`.
fn groups(n: usize, fixed: usize, width: usize, group: impl Fn(&mut String, usize)) -> String {
    let mut sql = String::with_capacity(n * width * 8);
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        group(&mut sql, fixed + 1 + i * width);
    }
    sql
}

/// Opens findings for observations that have none; returns their ids.
async fn insert_new(
    w: &mut Write,
    org: i64,
    asset: i64,
    new: &[&Observation],
) -> Result<Vec<i64>, Error> {
    // $1 org, $2 asset, $3 now; per row: vuln, subject, decision, deadline, kev, explanation, epss.
    const FIXED: usize = 3;
    const WIDTH: usize = 7;
    let mut ids = Vec::with_capacity(new.len());
    for chunk in new.chunks(rows_per_statement(FIXED, WIDTH)) {
        let values = groups(chunk.len(), FIXED, WIDTH, |sql, p| {
            let _ = write!(
                sql,
                "({P}1, {P}2, {P}{p}, {P}{}, {P}3, {P}3, TRUE, 'open', {P}3, {P}{}, {P}{}, {P}{}, {P}{}, {P}{})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            );
        });
        let sql = format!(
            "INSERT INTO findings (org_id, asset_id, vuln_id, subject, first_seen, last_seen, \
             present, state, state_changed_at, decision, deadline, kev, explanation, epss) \
             VALUES {values} \
             RETURNING id"
        );
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql))
            .persistent(false)
            .bind(org)
            .bind(asset)
            .bind(w.at);
        for o in chunk {
            q = q
                .bind(o.vuln_id.as_str())
                .bind(o.subject.as_str())
                .bind(o.decision.as_deref())
                .bind(o.deadline.map(|t| t.as_microsecond()))
                .bind(o.kev)
                .bind(o.explanation.as_str())
                .bind(o.epss);
        }
        ids.extend(q.fetch_all(&mut *w.tx).await?);
    }
    Ok(ids)
}

/// Refreshes findings observed again, reopening the fixed ones.
async fn refresh(w: &mut Write, again: &[(&Existing, &Observation)]) -> Result<(), Error> {
    // $1 now; per row: id, decision, deadline, explanation, reopen, kev, epss.
    const FIXED: usize = 1;
    const WIDTH: usize = 7;
    for chunk in again.chunks(rows_per_statement(FIXED, WIDTH)) {
        let values = groups(chunk.len(), FIXED, WIDTH, |sql, p| {
            let _ = write!(
                sql,
                "({P}{p}, {P}{}, {P}{}, {P}{}, {P}{}, {P}{}, {P}{})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            );
        });
        // VALUES columns are `column1`… in both dialects; SET expressions
        // read the row as it was before the update.
        let sql = format!(
            "UPDATE findings SET last_seen = {P}1, present = TRUE, decision = v.column2, \
             deadline = v.column3, explanation = v.column4, kev = v.column6, epss = v.column7, \
             state = CASE WHEN v.column5 THEN 'open' ELSE findings.state END, \
             state_changed_at = CASE WHEN v.column5 THEN {P}1 \
                                ELSE findings.state_changed_at END \
             FROM (VALUES {values}) AS v WHERE findings.id = v.column1"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false).bind(w.at);
        for (e, o) in chunk {
            q = q
                .bind(e.id)
                .bind(o.decision.as_deref())
                .bind(o.deadline.map(|t| t.as_microsecond()))
                .bind(o.explanation.as_str())
                .bind(e.state == FindingState::Fixed)
                .bind(o.kev)
                .bind(epss_kept(e.epss, o.epss));
        }
        q.execute(&mut *w.tx).await?;
    }
    Ok(())
}

/// Marks findings no longer observed as absent, and fixed if `fix`.
async fn mark_absent(w: &mut Write, ids: &[i64], fix: bool) -> Result<(), Error> {
    // If `fix`: $1 now. Per row: id.
    let (fixed, set) = if fix {
        (
            1,
            format!("present = FALSE, state = 'fixed', state_changed_at = {P}1"),
        )
    } else {
        (0, "present = FALSE".to_owned())
    };
    for chunk in ids.chunks(rows_per_statement(fixed, 1)) {
        let list = groups(chunk.len(), fixed, 1, |sql, p| {
            let _ = write!(sql, "{P}{p}");
        });
        let sql = format!("UPDATE findings SET {set} WHERE id IN ({list})");
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
        if fix {
            q = q.bind(w.at);
        }
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *w.tx).await?;
    }
    Ok(())
}

/// Records the moves of `findings` (id, state before) to `to`.
async fn record(
    w: &mut Write,
    findings: &[(i64, FindingState)],
    to: FindingState,
    note: &str,
) -> Result<(), Error> {
    // $1 now, $2 actor, $3 to, $4 note; per row: finding, from.
    const FIXED: usize = 4;
    const WIDTH: usize = 2;
    for chunk in findings.chunks(rows_per_statement(FIXED, WIDTH)) {
        let values = groups(chunk.len(), FIXED, WIDTH, |sql, p| {
            let _ = write!(sql, "({P}{p}, {P}1, {P}2, {P}{}, {P}3, NULL, {P}4)", p + 1);
        });
        let sql = format!(
            "INSERT INTO finding_transitions \
             (finding_id, at, actor, from_state, to_state, justification, note) VALUES {values}"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .persistent(false)
            .bind(w.at)
            .bind(w.actor.as_str())
            .bind(to.as_str())
            .bind(note);
        for (id, from) in chunk {
            q = q.bind(*id).bind(from.as_str());
        }
        q.execute(&mut *w.tx).await?;
    }
    Ok(())
}
