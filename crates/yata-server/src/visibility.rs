//! Who may see and do what: the one place the rules of DESIGN.md
//! "Visibility" live. Every handler reaches an organisation, asset or
//! finding through the functions here, never through the store directly.
//!
//! * Members see their own organisation's data; admins and analysts write
//!   it; only admins manage tokens and members; only its own admins see and
//!   manage its webhooks (not even the NCO: their URLs and delivery logs
//!   are the organisation's own plumbing).
//! * A sector ministry sees the assets and findings (not raw inventories)
//!   of the operators and government bodies in the sectors it supervises.
//! * The NCO sees every organisation's assets and findings (not raw
//!   inventories); its admins create organisations, issue tokens for any
//!   organisation and import feeds; its admins and auditors read the audit
//!   log.
//! * Vendors see only themselves (customer counts come with the vendor
//!   views, never identities).
//! * Incident reports go up the chain: the reporting organisation, the
//!   ministries of its sectors, the NCO; never sideways, never to vendors.
//!   TLP 2.0 narrows that further (`crate::tlp`). The reporter's writers
//!   update a report; the hops' writers annotate it.
//! * An object the caller may not see answers 404, exactly as a missing
//!   one; 403 only where the caller sees the object but its role may not
//!   do the thing.

use yata_store::{
    Asset, AssetId, Finding, FindingId, Incident, IncidentHead, IncidentId, OrgId, OrgKind,
    Organization, Role,
};

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

/// What part of an organisation a request touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    /// The organisation record, its assets and findings.
    Status,
    /// Raw inventory documents.
    Inventory,
    /// API tokens and memberships.
    Tokens,
    /// Webhooks and their delivery logs.
    Webhooks,
    /// E-mail subscriptions and their delivery logs.
    MailSubscriptions,
    /// Incident reports: they go up the chain (its ministries, the NCO),
    /// never sideways; [`crate::tlp`] narrows further.
    Incidents,
}

/// What a request does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// How the caller's organisation relates to the target organisation.
fn relation(p: &Principal, target: &Organization) -> Relation {
    if p.org.id == target.id {
        return Relation::Own;
    }
    match p.org.kind {
        OrgKind::Nco => Relation::National,
        OrgKind::Ministry
            if matches!(target.kind, OrgKind::Operator | OrgKind::Government)
                && target.sectors.iter().any(|s| p.org.sectors.contains(s)) =>
        {
            Relation::Supervising
        }
        _ => Relation::None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Own,
    National,
    Supervising,
    None,
}

/// Whether `p` may see `object` of `target` at all.
pub fn sees(p: &Principal, target: &Organization, object: Object) -> bool {
    match (relation(p, target), object) {
        (Relation::Own, Object::Tokens | Object::Webhooks | Object::MailSubscriptions) => {
            p.role == Role::Admin
        }
        (Relation::Own, _) => true,
        (Relation::National | Relation::Supervising, Object::Incidents) => true,
        (Relation::National, Object::Status) => true,
        (Relation::National, Object::Tokens) => p.role == Role::Admin,
        (Relation::Supervising, Object::Status) => true,
        _ => false,
    }
}

/// Whether `p` may change `object` of `target` (assumes [`sees`]).
pub fn writes(p: &Principal, target: &Organization, object: Object) -> bool {
    match (relation(p, target), object) {
        (Relation::Own, Object::Tokens | Object::Webhooks | Object::MailSubscriptions) => {
            p.role == Role::Admin
        }
        (Relation::Own, _) => matches!(p.role, Role::Admin | Role::Analyst),
        (Relation::National, Object::Tokens) => p.role == Role::Admin,
        // Hops annotate reports (see [`is_hop`]); they do not change them.
        _ => false,
    }
}

/// Whether `p` is one of a report's hops (its supervising ministry, the
/// NCO) rather than its reporter: hops annotate, the reporter updates.
pub fn is_hop(p: &Principal, reporter: &Organization) -> bool {
    matches!(
        relation(p, reporter),
        Relation::National | Relation::Supervising
    )
}

/// Whether `p` acts for the NCO with `roles`.
pub fn is_nco(p: &Principal, roles: &[Role]) -> bool {
    p.org.kind == OrgKind::Nco && roles.contains(&p.role)
}

/// Requires an NCO admin; anyone else gets 403 (the route itself is no
/// secret, and there is no object whose existence could leak).
pub fn require_nco_admin(p: &Principal) -> Result<(), AppError> {
    if is_nco(p, &[Role::Admin]) {
        Ok(())
    } else {
        Err(AppError::Forbidden("only an NCO admin may do this".into()))
    }
}

fn check(
    p: &Principal,
    org: &Organization,
    object: Object,
    access: Access,
) -> Result<(), AppError> {
    if !sees(p, org, object) {
        return Err(AppError::NotFound);
    }
    if access == Access::Write && !writes(p, org, object) {
        return Err(AppError::Forbidden(format!(
            "role {} may not change this",
            p.role
        )));
    }
    Ok(())
}

/// The organisation `id`, if `p` may `access` its `object`.
pub async fn organization(
    state: &AppState,
    p: &Principal,
    id: OrgId,
    object: Object,
    access: Access,
) -> Result<Organization, AppError> {
    let org = if id == p.org.id {
        p.org.clone()
    } else {
        state.organization(id).await?.ok_or(AppError::NotFound)?
    };
    check(p, &org, object, access)?;
    Ok(org)
}

/// The asset `id` and its organisation, if `p` may `access` its `object`.
pub async fn asset(
    state: &AppState,
    p: &Principal,
    id: AssetId,
    object: Object,
    access: Access,
) -> Result<(Asset, Organization), AppError> {
    let asset = state.store().asset(id).await?.ok_or(AppError::NotFound)?;
    let org = organization(state, p, asset.org, object, access).await?;
    Ok((asset, org))
}

/// The finding `id` and its organisation, if `p` may `access` it.
pub async fn finding(
    state: &AppState,
    p: &Principal,
    id: FindingId,
    access: Access,
) -> Result<(Finding, Organization), AppError> {
    let finding = state.store().finding(id).await?.ok_or(AppError::NotFound)?;
    let org = organization(state, p, finding.org, Object::Status, access).await?;
    Ok((finding, org))
}

/// The incident report `id` and its organisation, if routing and TLP let
/// `p` see it; for `Write`, only its own organisation's writers.
pub async fn incident(
    state: &AppState,
    p: &Principal,
    id: IncidentId,
    access: Access,
) -> Result<(Incident, Organization), AppError> {
    let incident = state
        .store()
        .incident(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = reporting_org(state, p, &incident.head).await?;
    if access == Access::Write && !writes(p, &org, Object::Incidents) {
        return Err(AppError::Forbidden(format!(
            "role {} of organisation {} may not change this report",
            p.role, p.org.id
        )));
    }
    Ok((incident, org))
}

/// The organisation of a report, if routing and TLP let `p` see it.
pub async fn reporting_org(
    state: &AppState,
    p: &Principal,
    head: &IncidentHead,
) -> Result<Organization, AppError> {
    let org = if head.org == p.org.id {
        p.org.clone()
    } else {
        state
            .organization(head.org)
            .await?
            .ok_or(AppError::NotFound)?
    };
    if !sees(p, &org, Object::Incidents) || !crate::tlp::reads_report(p, head) {
        return Err(AppError::NotFound);
    }
    Ok(org)
}

/// Whether `p` sees reports of `org` (routing only, before TLP).
pub fn sees_reports_of(p: &Principal, org: &Organization) -> bool {
    sees(p, org, Object::Incidents)
}

/// Every organisation whose status `p` sees, by id.
pub async fn visible_organizations(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<Organization>, AppError> {
    let all = state.store().organizations().await?;
    Ok(all
        .into_iter()
        .filter(|o| sees(p, o, Object::Status))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use yata_store::Actor;

    fn org(id: i64, kind: OrgKind, sectors: &[&str]) -> Organization {
        Organization {
            id: OrgId(id),
            name: format!("org {id}"),
            kind,
            sectors: sectors.iter().map(|s| s.to_string()).collect(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    fn principal(org: Organization, role: Role) -> Principal {
        Principal {
            actor: Actor::System,
            user: None,
            org,
            role,
            session: None,
        }
    }

    #[test]
    fn ministries_see_status_of_supervised_operators_only() {
        let ministry = principal(org(1, OrgKind::Ministry, &["finance"]), Role::Viewer);
        let bank = org(2, OrgKind::Operator, &["finance"]);
        let railway = org(3, OrgKind::Operator, &["railways"]);
        let vendor = org(4, OrgKind::Vendor, &["finance"]);
        assert!(sees(&ministry, &bank, Object::Status));
        assert!(!sees(&ministry, &bank, Object::Inventory));
        assert!(!writes(&ministry, &bank, Object::Status));
        assert!(!sees(&ministry, &railway, Object::Status));
        assert!(!sees(&ministry, &vendor, Object::Status));
    }

    #[test]
    fn members_write_by_role_and_only_admins_touch_tokens() {
        let own = org(2, OrgKind::Operator, &["gas"]);
        for (role, write, tokens) in [
            (Role::Admin, true, true),
            (Role::Analyst, true, false),
            (Role::Viewer, false, false),
            (Role::Auditor, false, false),
        ] {
            let p = principal(own.clone(), role);
            assert!(sees(&p, &own, Object::Status));
            assert!(sees(&p, &own, Object::Inventory));
            assert_eq!(writes(&p, &own, Object::Status), write, "{role}");
            assert_eq!(sees(&p, &own, Object::Tokens), tokens, "{role}");
            assert_eq!(sees(&p, &own, Object::Webhooks), tokens, "{role}");
            assert_eq!(writes(&p, &own, Object::Webhooks), tokens, "{role}");
            assert_eq!(sees(&p, &own, Object::MailSubscriptions), tokens, "{role}");
            assert_eq!(
                writes(&p, &own, Object::MailSubscriptions),
                tokens,
                "{role}"
            );
        }
    }

    #[test]
    fn webhooks_are_their_own_admins_only() {
        let bank = org(2, OrgKind::Operator, &["finance"]);
        for (caller, kind, sectors) in [
            (1, OrgKind::Nco, &[][..]),
            (3, OrgKind::Ministry, &["finance"][..]),
            (4, OrgKind::Operator, &["finance"][..]),
        ] {
            let p = principal(org(caller, kind, sectors), Role::Admin);
            assert!(!sees(&p, &bank, Object::Webhooks), "{kind}");
            assert!(!sees(&p, &bank, Object::MailSubscriptions), "{kind}");
        }
    }

    #[test]
    fn operators_and_vendors_never_see_each_other() {
        let a = principal(org(2, OrgKind::Operator, &["gas"]), Role::Admin);
        let b = org(3, OrgKind::Operator, &["gas"]);
        let v = principal(org(4, OrgKind::Vendor, &[]), Role::Admin);
        assert!(!sees(&a, &b, Object::Status));
        assert!(!sees(&v, &b, Object::Status));
    }
}
