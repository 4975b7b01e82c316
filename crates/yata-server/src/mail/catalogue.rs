//! Every text of a notification e-mail, in Japanese and in English, and
//! how a message is put together from them ([`compose`]). Nothing else in
//! the server writes message text.

use jiff::Timestamp;
use yata_store::{EventKind, MailLanguage};

/// What a message says about one event.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub kind: EventKind,
    pub organization: &'a str,
    pub asset: &'a str,
    /// The installed component (PURL) or product the finding is about.
    pub component: &'a str,
    pub vulnerability: &'a str,
    /// A BOD 26-04 decision name, as stored.
    pub decision: Option<&'a str>,
    pub deadline: Option<Timestamp>,
    /// The finding in the API, when the server knows its public address.
    pub link: Option<String>,
}

/// One language's texts.
struct Texts {
    /// Subject: the event, short.
    title: fn(EventKind) -> &'static str,
    /// The body's first sentence.
    lead: fn(EventKind, &str) -> String,
    vulnerability: &'static str,
    asset: &'static str,
    component: &'static str,
    organization: &'static str,
    decision: &'static str,
    deadline: &'static str,
    link: &'static str,
    none: &'static str,
    decision_name: fn(&str) -> Option<&'static str>,
    time: fn(Timestamp) -> String,
    footer: &'static str,
}

/// Japan has kept UTC+9 without summer time since 1951, so a fixed offset
/// is Asia/Tokyo for every deadline and needs no time-zone database.
fn tokyo(t: Timestamp) -> jiff::civil::DateTime {
    jiff::tz::offset(9).to_datetime(t)
}

const JA: Texts = Texts {
    title: |kind| match kind {
        EventKind::FindingNew => "新たな脆弱性",
        EventKind::DeadlineApproaching => "対応期限が近づいています",
        EventKind::Overdue => "対応期限を過ぎています",
    },
    lead: |kind, org| match kind {
        EventKind::FindingNew => format!("{org} の資産に新たな脆弱性が見つかりました。"),
        EventKind::DeadlineApproaching => {
            format!("{org} の次の脆弱性は対応期限が近づいています。")
        }
        EventKind::Overdue => format!("{org} の次の脆弱性は対応期限を過ぎています。"),
    },
    vulnerability: "脆弱性",
    asset: "資産",
    component: "コンポーネント",
    organization: "組織",
    decision: "判定（BOD 26-04）",
    deadline: "対応期限",
    link: "詳細",
    none: "なし",
    decision_name: |d| {
        Some(match d {
            "3 days & forensic investigation" => "3日以内（フォレンジック調査を含む）",
            "3 days" => "3日以内",
            "14 days" => "14日以内",
            "60 days" => "60日以内",
            "fix on system upgrade" => "次回のシステム更新時に修正",
            _ => return None,
        })
    },
    time: |t| tokyo(t).strftime("%Y年%-m月%-d日 %H:%M (JST)").to_string(),
    footer: "このメールは YATA-Shield から自動送信されています。\
             配信先の設定は組織の管理者が変更できます。",
};

const EN: Texts = Texts {
    title: |kind| match kind {
        EventKind::FindingNew => "New finding",
        EventKind::DeadlineApproaching => "Deadline approaching",
        EventKind::Overdue => "Overdue",
    },
    lead: |kind, org| match kind {
        EventKind::FindingNew => format!("A new vulnerability was found in an asset of {org}."),
        EventKind::DeadlineApproaching => {
            format!("The remediation deadline of this finding of {org} is near.")
        }
        EventKind::Overdue => {
            format!("This finding of {org} is past its remediation deadline.")
        }
    },
    vulnerability: "Vulnerability",
    asset: "Asset",
    component: "Component",
    organization: "Organisation",
    decision: "Decision (BOD 26-04)",
    deadline: "Deadline",
    link: "Details",
    none: "none",
    decision_name: |_| None, // The stored names are English.
    time: |t| tokyo(t).strftime("%-d %b %Y, %H:%M JST").to_string(),
    footer: "This message was sent automatically by YATA-Shield. \
             Your organisation's administrators manage who receives it.",
};

/// The product's name, at the start of every subject.
const PRODUCT: &str = "[YATA-Shield]";

/// Between the Japanese and the English part of a body.
const SEPARATOR: &str = "------------------------------------------------------------";

fn part(t: &Texts, f: &Facts<'_>) -> String {
    let decision = match f.decision {
        Some(d) => (t.decision_name)(d).unwrap_or(d),
        None => t.none,
    };
    let deadline = f.deadline.map_or_else(|| t.none.to_owned(), t.time);
    let mut rows = vec![
        (t.vulnerability, f.vulnerability.to_owned()),
        (t.asset, f.asset.to_owned()),
        (t.component, f.component.to_owned()),
        (t.organization, f.organization.to_owned()),
        (t.decision, decision.to_owned()),
        (t.deadline, deadline),
    ];
    if let Some(link) = &f.link {
        rows.push((t.link, link.clone()));
    }
    let mut out = (t.lead)(f.kind, f.organization);
    out.push_str("\n\n");
    for (label, value) in rows {
        out.push_str(&format!("{label}: {value}\n"));
    }
    out.push('\n');
    out.push_str(t.footer);
    out.push('\n');
    out
}

/// The subject and the plain-text body of a message about `f` in
/// `language`; `ja+en` is Japanese first, then English.
pub fn compose(language: MailLanguage, f: &Facts<'_>) -> (String, String) {
    let about = |t: &Texts| format!("{}: {} ({})", (t.title)(f.kind), f.vulnerability, f.asset);
    match language {
        MailLanguage::Ja => (format!("{PRODUCT} {}", about(&JA)), part(&JA, f)),
        MailLanguage::En => (format!("{PRODUCT} {}", about(&EN)), part(&EN, f)),
        MailLanguage::JaEn => (
            format!("{PRODUCT} {} / {}", about(&JA), about(&EN)),
            format!("{}\n{SEPARATOR}\n\n{}", part(&JA, f), part(&EN, f)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts<'static> {
        Facts {
            kind: EventKind::FindingNew,
            organization: "Example Bank",
            asset: "online banking",
            component: "pkg:cargo/smallvec@1.6.0",
            vulnerability: "CVE-2021-25900",
            decision: Some("3 days"),
            // 2026-11-26T03:00:00Z is noon in Tokyo.
            deadline: Some("2026-11-26T03:00:00Z".parse().unwrap()),
            link: Some("https://yata.example.jp/api/v1/findings/7".into()),
        }
    }

    #[test]
    fn japanese_first_then_english() {
        let (subject, body) = compose(MailLanguage::JaEn, &facts());
        assert_eq!(
            subject,
            "[YATA-Shield] 新たな脆弱性: CVE-2021-25900 (online banking) / \
             New finding: CVE-2021-25900 (online banking)"
        );
        let (ja, en) = body.split_once(SEPARATOR).unwrap();
        assert!(ja.starts_with("Example Bank の資産に新たな脆弱性が見つかりました。\n\n"));
        for line in [
            "脆弱性: CVE-2021-25900\n",
            "資産: online banking\n",
            "コンポーネント: pkg:cargo/smallvec@1.6.0\n",
            "組織: Example Bank\n",
            "判定（BOD 26-04）: 3日以内\n",
            "対応期限: 2026年11月26日 12:00 (JST)\n",
            "詳細: https://yata.example.jp/api/v1/findings/7\n",
        ] {
            assert!(ja.contains(line), "{line}: {ja}");
        }
        for line in [
            "Vulnerability: CVE-2021-25900\n",
            "Decision (BOD 26-04): 3 days\n",
            "Deadline: 26 Nov 2026, 12:00 JST\n",
            "Details: https://yata.example.jp/api/v1/findings/7\n",
        ] {
            assert!(en.contains(line), "{line}: {en}");
        }
    }

    #[test]
    fn one_language_alone_and_missing_facts() {
        let mut f = facts();
        f.kind = EventKind::Overdue;
        f.decision = None;
        f.deadline = Some("2027-01-05T00:30:00Z".parse().unwrap());
        f.link = None;
        let (subject, body) = compose(MailLanguage::Ja, &f);
        assert_eq!(
            subject,
            "[YATA-Shield] 対応期限を過ぎています: CVE-2021-25900 (online banking)"
        );
        assert!(body.contains("判定（BOD 26-04）: なし\n"), "{body}");
        assert!(
            body.contains("対応期限: 2027年1月5日 09:30 (JST)\n"),
            "{body}"
        );
        assert!(
            !body.contains("詳細") && !body.contains("Deadline"),
            "{body}"
        );
        let (subject, body) = compose(MailLanguage::En, &f);
        assert_eq!(
            subject,
            "[YATA-Shield] Overdue: CVE-2021-25900 (online banking)"
        );
        assert!(body.contains("Decision (BOD 26-04): none\n"), "{body}");
        assert!(!body.contains("脆弱性"), "{body}");
    }
}
