//! An organisation's (or one asset's) finding decisions as VEX: CycloneDX
//! 1.6 VEX or CSAF 2.0 VEX. Each finding is one statement about its
//! subject (the component's purl, or the product's CPE or name):
//!
//! | state | VEX status | with |
//! |---|---|---|
//! | open | affected | |
//! | in_triage | under_investigation | |
//! | fixed | fixed | |
//! | mitigated | affected | action: mitigated |
//! | not_affected | not_affected | the justification |
//! | risk_accepted | affected | action: risk accepted until … |
//! | false_positive | not_affected | impact: the finding does not apply |

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use yata_store::{AssetId, Finding, FindingFilter, FindingState, OrgId};
use yata_vex::{
    CsafMeta, Justification, JustificationKind, ProductRef, SpecVersion, Statement, Status,
};

use crate::api::rfc3339;
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VexQuery {
    /// `cyclonedx` (default) or `csaf`.
    format: Option<String>,
    asset: Option<i64>,
}

pub async fn export(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
    Query(q): Query<VexQuery>,
) -> Result<Response, AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Status, Access::Read).await?;
    let findings = state
        .store()
        .findings(&FindingFilter {
            org: org.id,
            asset: q.asset.map(AssetId),
            state: None,
        })
        .await?;
    let statements: Vec<Statement> = findings.iter().filter_map(statement).collect();
    if statements.is_empty() {
        return Err(AppError::NotFound);
    }
    let unprocessable = |e: yata_vex::VexError| {
        AppError::Unprocessable {
        message: "the decisions cannot be written as one VEX document; export one asset at a time with ?asset=".into(),
        errors: vec![e.to_string()],
    }
    };
    match q.format.as_deref().unwrap_or("cyclonedx") {
        "cyclonedx" => {
            let text = yata_vex::to_cyclonedx_vex(&statements, SpecVersion::V1_6, &uuid_v4()?)
                .map_err(unprocessable)?;
            Ok((
                [(header::CONTENT_TYPE, "application/vnd.cyclonedx+json")],
                text,
            )
                .into_response())
        }
        "csaf" => {
            let now = jiff::Timestamp::now();
            let meta = CsafMeta {
                id: format!("YATA-VEX-{}-{}", org.id, now.as_second()),
                title: format!("VEX of {}", org.name),
                publisher_name: org.name.clone(),
                publisher_namespace: "https://yata-shield.invalid/organizations".into(),
                publisher_category: "user".into(),
                generated: now,
                tlp: Some("AMBER".into()),
            };
            let text = yata_vex::to_csaf_vex(&statements, &meta).map_err(unprocessable)?;
            Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
        }
        other => Err(AppError::BadRequest(format!(
            "format: {other:?} (expected cyclonedx or csaf)"
        ))),
    }
}

/// A finding as a VEX statement; `None` if its subject cannot be named.
fn statement(f: &Finding) -> Option<Statement> {
    let explanation: Value = serde_json::from_str(&f.explanation).unwrap_or(Value::Null);
    let product = product_ref(f, &explanation)?;
    let aliases = explanation["aliases"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|a| *a != f.vuln_id)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let (status, justification, impact, action) = match f.state {
        FindingState::Open => (Status::Affected, None, None, None),
        FindingState::InTriage => (Status::UnderInvestigation, None, None, None),
        FindingState::Fixed => (Status::Fixed, None, None, None),
        FindingState::Mitigated => (
            Status::Affected,
            None,
            None,
            Some("mitigated: the vulnerability cannot be exploited in this deployment".to_owned()),
        ),
        FindingState::NotAffected => {
            let kind = f
                .justification
                .as_deref()
                .and_then(JustificationKind::from_openvex);
            (
                Status::NotAffected,
                kind.map(|kind| Justification {
                    kind,
                    as_written: kind.as_str().to_owned(),
                }),
                kind.is_none().then(|| "not affected".to_owned()),
                None,
            )
        }
        FindingState::RiskAccepted => (
            Status::Affected,
            None,
            None,
            Some(match f.risk_accepted_until {
                Some(t) => format!("risk accepted until {}", rfc3339(t)),
                None => "risk accepted".to_owned(),
            }),
        ),
        FindingState::FalsePositive => (
            Status::NotAffected,
            None,
            Some("false positive: the finding does not apply to this product".to_owned()),
            None,
        ),
    };
    Some(Statement {
        vulnerability: f.vuln_id.clone(),
        aliases,
        products: vec![product],
        subcomponents: Vec::new(),
        status,
        justification,
        impact_statement: impact,
        action_statement: action,
        timestamp: Some(f.state_changed_at),
        source: yata_vex::Format::CycloneDx,
    })
}

fn product_ref(f: &Finding, explanation: &Value) -> Option<ProductRef> {
    if let Some(purl) = explanation["package"]["purl"].as_str()
        && let Ok(p) = purl.parse()
    {
        return Some(ProductRef::Purl(p));
    }
    let product = &explanation["product"];
    if let Some(cpe) = product["cpe"].as_str() {
        return Some(ProductRef::Cpe(cpe.to_owned()));
    }
    let text = |k: &str| product[k].as_str().map(str::to_owned);
    if let Some(name) = text("product") {
        return Some(ProductRef::Name {
            vendor: text("vendor"),
            product: name,
            version: text("version"),
        });
    }
    let package = &explanation["package"];
    package["name"]
        .as_str()
        .map(|name| ProductRef::Name {
            vendor: None,
            product: name.to_owned(),
            version: package["version"].as_str().map(str::to_owned),
        })
        .or_else(|| (!f.subject.is_empty()).then(|| ProductRef::Other(f.subject.clone())))
}

/// A random RFC 4122 version 4 UUID.
fn uuid_v4() -> Result<String, AppError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(AppError::internal)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}
