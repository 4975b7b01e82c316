//! TLP 2.0, enforced in one place: every read of an incident report or an
//! alert, every relay and every alert derived from a report asks here.
//!
//! Routing comes first and is [`crate::visibility`]'s: a report goes up
//! the chain (its organisation, the ministries of its sectors, the NCO),
//! never sideways. TLP then narrows what routing allows:
//!
//! | marking | report (within its routing) | alert |
//! |---|---|---|
//! | CLEAR | every hop | anyone, also unauthenticated (the public feed) |
//! | GREEN | every hop | every member of the platform |
//! | AMBER | every hop | its recipient organisations and its issuer's |
//! | AMBER+STRICT | every hop | its recipient organisations and its issuer's |
//! | RED | its author and its named people only | its issuer and its named people only |
//!
//! AMBER+STRICT differs from AMBER in what may be shared onward: a
//! ministry may relay an AMBER alert to its sectors but not an
//! AMBER+STRICT one, and an alert may be derived from an AMBER report
//! (sanitised, at AMBER or stricter) but not from an AMBER+STRICT one.
//! RED is never shared onward. Roles do not matter to TLP: a viewer reads
//! what an admin of the same organisation reads (roles decide writes).

use yata_model::Tlp;
use yata_store::{Actor, Alert, IncidentHead, UserId};

use crate::auth::Principal;

/// Whether the caller, whom routing already lets see the report, may read
/// it under its marking.
pub fn reads_report(p: &Principal, report: &IncidentHead) -> bool {
    match report.tlp {
        Tlp::Clear | Tlp::Green | Tlp::Amber | Tlp::AmberStrict => true,
        Tlp::Red => {
            is_author(p, &report.reporter, report.reporter_user)
                || named(p.user, &report.recipients)
        }
    }
}

/// Where the caller stands with an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A member of the issuing organisation.
    Issuer,
    /// A member of one of its recipient organisations.
    Recipient,
    /// Another member of the platform.
    Member,
}

/// Whether a caller (`None`: unauthenticated) may read an alert.
pub fn reads_alert(p: Option<(&Principal, Standing)>, alert: &Alert) -> bool {
    let Some((p, standing)) = p else {
        return alert.tlp == Tlp::Clear;
    };
    match alert.tlp {
        Tlp::Clear | Tlp::Green => true,
        Tlp::Amber | Tlp::AmberStrict => {
            matches!(standing, Standing::Issuer | Standing::Recipient)
        }
        Tlp::Red => match standing {
            Standing::Issuer => {
                is_author(p, &alert.issuer, alert.issuer_user) || named(p.user, &alert.named_users)
            }
            Standing::Recipient => named(p.user, &alert.named_users),
            Standing::Member => false,
        },
    }
}

/// Whether an alert of this marking may be relayed (issued again by a
/// ministry to its sectors), and at what marking at least.
pub fn relay(original: Tlp, relayed: Tlp) -> Result<(), String> {
    match original {
        Tlp::AmberStrict | Tlp::Red => Err(format!(
            "a {} alert may not be shared onward",
            original.label()
        )),
        _ if relayed < original => Err(format!(
            "tlp: a relay of a {} alert must be {} or stricter",
            original.label(),
            original.label()
        )),
        _ => Ok(()),
    }
}

/// Whether an alert at `alert` may be derived from a report at `report`.
pub fn derive(report: Tlp, alert: Tlp) -> Result<(), String> {
    match report {
        Tlp::AmberStrict | Tlp::Red => Err(format!(
            "a {} report may not be shared onward in an alert",
            report.label()
        )),
        _ if alert < report => Err(format!(
            "tlp: an alert derived from a {} report must be {} or stricter",
            report.label(),
            report.label()
        )),
        _ => Ok(()),
    }
}

/// Whether the caller is the person (or, without one, the token) who
/// wrote the object.
fn is_author(p: &Principal, actor: &str, user: Option<UserId>) -> bool {
    match (p.user, user) {
        (Some(mine), Some(theirs)) => mine == theirs,
        _ => matches!(p.actor, Actor::Token(_)) && p.actor.to_string() == actor,
    }
}

fn named(user: Option<UserId>, names: &[UserId]) -> bool {
    user.is_some_and(|u| names.contains(&u))
}

#[cfg(test)]
mod tests {
    //! Every marking × every role × every standing, against tables written
    //! here from the TLP 2.0 definitions, not from the code above.

    use yata_store::{
        AlertId, IncidentId, IncidentStatus, OrgId, OrgKind, Organization, Role, ServiceImpact,
        TokenId,
    };

    use super::*;

    fn principal(role: Role, user: Option<i64>, token: i64) -> Principal {
        Principal {
            actor: match user {
                Some(u) => Actor::User(UserId(u)),
                None => Actor::Token(TokenId(token)),
            },
            user: user.map(UserId),
            org: Organization {
                id: OrgId(1),
                name: "x".into(),
                kind: OrgKind::Operator,
                sectors: vec!["gas".into()],
                created_at: jiff::Timestamp::UNIX_EPOCH,
            },
            role,
            session: None,
        }
    }

    fn report(tlp: Tlp) -> IncidentHead {
        IncidentHead {
            id: IncidentId(1),
            org: OrgId(1),
            reporter: "user:10".into(),
            reporter_user: Some(UserId(10)),
            title: "t".into(),
            description: String::new(),
            status: IncidentStatus::Suspected,
            tlp,
            detected_at: None,
            started_at: None,
            contained_at: None,
            service_impact: ServiceImpact::None,
            continuity_impact: None,
            handling: None,
            from_stix: false,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
            revision: 1,
            recipients: vec![UserId(20)],
        }
    }

    fn alert(tlp: Tlp) -> Alert {
        Alert {
            id: AlertId(1),
            issuer_org: OrgId(2),
            issuer: "user:30".into(),
            issuer_user: Some(UserId(30)),
            title_ja: None,
            body_ja: None,
            title_en: Some("t".into()),
            body_en: None,
            tlp,
            severity: None,
            deadline: None,
            actions: vec![],
            targets: "{}".into(),
            vulnerabilities: vec![],
            indicators: vec![],
            exposed_to: vec![],
            named_users: vec![UserId(20)],
            source_incident: None,
            source_sector: None,
            relay_of: None,
            created_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    /// Who reads: the author (user 10 / user 30), a named person (user
    /// 20), another person (user 40), a token (no person).
    const PEOPLE: [(&str, Option<i64>); 4] = [
        ("author", None),
        ("named", Some(20)),
        ("other person", Some(40)),
        ("token", None),
    ];

    #[test]
    fn reports_every_marking_every_role() {
        for tlp in Tlp::ALL {
            for role in Role::ALL {
                for (who, user) in PEOPLE {
                    let p = match who {
                        "author" => principal(*role, Some(10), 0),
                        _ => principal(*role, user, 5),
                    };
                    let want = match tlp {
                        Tlp::Red => matches!(who, "author" | "named"),
                        _ => true,
                    };
                    assert_eq!(reads_report(&p, &report(tlp)), want, "{tlp} {role} {who}");
                }
            }
        }
        // A report filed with a token: that token is its author.
        let mut by_token = report(Tlp::Red);
        by_token.reporter = "token:5".into();
        by_token.reporter_user = None;
        assert!(reads_report(&principal(Role::Viewer, None, 5), &by_token));
        assert!(!reads_report(&principal(Role::Admin, None, 6), &by_token));
    }

    #[test]
    fn alerts_every_marking_every_role_every_standing() {
        for tlp in Tlp::ALL {
            assert_eq!(reads_alert(None, &alert(tlp)), tlp == Tlp::Clear, "{tlp}");
            for role in Role::ALL {
                for standing in [Standing::Issuer, Standing::Recipient, Standing::Member] {
                    for (who, user) in PEOPLE {
                        let p = match who {
                            "author" => principal(*role, Some(30), 0),
                            _ => principal(*role, user, 5),
                        };
                        let want = match (tlp, standing) {
                            (Tlp::Clear | Tlp::Green, _) => true,
                            (Tlp::Amber | Tlp::AmberStrict, Standing::Member) => false,
                            (Tlp::Amber | Tlp::AmberStrict, _) => true,
                            (Tlp::Red, Standing::Member) => false,
                            (Tlp::Red, Standing::Issuer) => matches!(who, "author" | "named"),
                            (Tlp::Red, Standing::Recipient) => who == "named",
                        };
                        assert_eq!(
                            reads_alert(Some((&p, standing)), &alert(tlp)),
                            want,
                            "{tlp} {role} {standing:?} {who}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn onward_sharing_stops_at_amber_strict_and_never_loosens() {
        for original in Tlp::ALL {
            for second in Tlp::ALL {
                let shareable = matches!(original, Tlp::Clear | Tlp::Green | Tlp::Amber);
                let want = shareable && second >= original;
                assert_eq!(relay(original, second).is_ok(), want, "{original} {second}");
                assert_eq!(
                    derive(original, second).is_ok(),
                    want,
                    "{original} {second}"
                );
            }
        }
    }
}
