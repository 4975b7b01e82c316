//! The demonstration nation as data: organisations, asset templates,
//! appliances, incident reports and alerts. All names are fictional (the
//! ministries apart); every address and domain is made up.

use yata_store::{Criticality, OrgKind};

/// One organisation of the demo nation.
#[derive(Debug, Clone, Copy)]
pub struct OrgSpec {
    pub ja: &'static str,
    pub en: &'static str,
    /// The e-mail domain's first label: `admin@<slug>.demo.example`.
    pub slug: &'static str,
    pub kind: OrgKind,
    pub sectors: &'static [&'static str],
}

impl OrgSpec {
    /// The stored name: Japanese, then English in brackets.
    pub fn name(&self) -> String {
        format!("{} ({})", self.ja, self.en)
    }

    pub fn email(&self, role: yata_store::Role) -> String {
        format!("{role}@{}.demo.example", self.slug)
    }
}

const fn org(
    ja: &'static str,
    en: &'static str,
    slug: &'static str,
    kind: OrgKind,
    sectors: &'static [&'static str],
) -> OrgSpec {
    OrgSpec {
        ja,
        en,
        slug,
        kind,
        sectors,
    }
}

use OrgKind::{Government, Ministry, Nco, Operator, Vendor};

/// The national cyber office of the demo (its name marks a demo database).
pub const NCO: OrgSpec = org(
    "国家サイバー統括室",
    "National Cyber Office, demo",
    "nco",
    Nco,
    &[],
);

/// The sector ministries, as Japan's critical-infrastructure framework
/// assigns the 15 sectors (water supply moved to MLIT in April 2024).
pub const MINISTRIES: &[OrgSpec] = &[
    org(
        "総務省",
        "Ministry of Internal Affairs and Communications",
        "mic",
        Ministry,
        &["ict", "government"],
    ),
    org(
        "金融庁",
        "Financial Services Agency",
        "fsa",
        Ministry,
        &["finance"],
    ),
    org(
        "国土交通省",
        "Ministry of Land, Infrastructure, Transport and Tourism",
        "mlit",
        Ministry,
        &[
            "aviation",
            "airports",
            "railways",
            "logistics",
            "ports",
            "water",
        ],
    ),
    org(
        "経済産業省",
        "Ministry of Economy, Trade and Industry",
        "meti",
        Ministry,
        &[
            "electricity",
            "gas",
            "chemicals",
            "credit_cards",
            "petroleum",
        ],
    ),
    org(
        "厚生労働省",
        "Ministry of Health, Labour and Welfare",
        "mhlw",
        Ministry,
        &["medical"],
    ),
];

/// Critical-infrastructure operators: fictional companies, two or three per
/// sector.
pub const OPERATORS: &[OrgSpec] = &[
    org(
        "東都通信株式会社",
        "Toto Telecommunications",
        "toto-telecom",
        Operator,
        &["ict"],
    ),
    org(
        "大八洲データセンター株式会社",
        "Oyashima Data Centers",
        "oyashima-dc",
        Operator,
        &["ict"],
    ),
    org(
        "北辰クラウド株式会社",
        "Hokushin Cloud",
        "hokushin-cloud",
        Operator,
        &["ict"],
    ),
    org(
        "株式会社東都銀行",
        "Bank of Toto",
        "bank-of-toto",
        Operator,
        &["finance"],
    ),
    org(
        "八咫信用金庫",
        "Yata Shinkin Bank",
        "yata-shinkin",
        Operator,
        &["finance"],
    ),
    org(
        "大八洲証券株式会社",
        "Oyashima Securities",
        "oyashima-sec",
        Operator,
        &["finance"],
    ),
    org(
        "青空航空株式会社",
        "Aozora Airways",
        "aozora-air",
        Operator,
        &["aviation"],
    ),
    org(
        "瑞鳳航空株式会社",
        "Zuiho Air",
        "zuiho-air",
        Operator,
        &["aviation"],
    ),
    org(
        "東都国際空港株式会社",
        "Toto International Airport",
        "toto-airport",
        Operator,
        &["airports"],
    ),
    org(
        "南海島空港管理株式会社",
        "Nankaito Airport Management",
        "nankaito-airport",
        Operator,
        &["airports"],
    ),
    org(
        "東都旅客鉄道株式会社",
        "Toto Passenger Railway",
        "toto-railway",
        Operator,
        &["railways"],
    ),
    org(
        "湖西電鉄株式会社",
        "Kosai Electric Railway",
        "kosai-railway",
        Operator,
        &["railways"],
    ),
    org(
        "東都電力株式会社",
        "Toto Electric Power",
        "toto-electric",
        Operator,
        &["electricity"],
    ),
    org(
        "西海電力株式会社",
        "Saikai Electric Power",
        "saikai-electric",
        Operator,
        &["electricity"],
    ),
    org(
        "北辰送配電株式会社",
        "Hokushin Power Grid",
        "hokushin-grid",
        Operator,
        &["electricity"],
    ),
    org(
        "東都ガス株式会社",
        "Toto Gas",
        "toto-gas",
        Operator,
        &["gas"],
    ),
    org(
        "浪速ガス株式会社",
        "Naniwa Gas",
        "naniwa-gas",
        Operator,
        &["gas"],
    ),
    org(
        "東都医科大学病院",
        "Toto Medical University Hospital",
        "toto-hospital",
        Operator,
        &["medical"],
    ),
    org(
        "社会医療法人八咫会",
        "Yatakai Medical Corporation",
        "yatakai",
        Operator,
        &["medical"],
    ),
    org(
        "大八洲水道企業団",
        "Oyashima Water Supply Authority",
        "oyashima-water",
        Operator,
        &["water"],
    ),
    org(
        "湖西水道サービス株式会社",
        "Kosai Water Services",
        "kosai-water",
        Operator,
        &["water"],
    ),
    org(
        "東都運輸株式会社",
        "Toto Logistics",
        "toto-logistics",
        Operator,
        &["logistics"],
    ),
    org(
        "大八洲郵船株式会社",
        "Oyashima Shipping",
        "oyashima-shipping",
        Operator,
        &["logistics"],
    ),
    org(
        "北辰化学工業株式会社",
        "Hokushin Chemical Industries",
        "hokushin-chem",
        Operator,
        &["chemicals"],
    ),
    org(
        "西海石油化学株式会社",
        "Saikai Petrochemical",
        "saikai-petrochem",
        Operator,
        &["chemicals"],
    ),
    org(
        "八咫カード株式会社",
        "Yata Card",
        "yata-card",
        Operator,
        &["credit_cards"],
    ),
    org(
        "東都クレジット株式会社",
        "Toto Credit",
        "toto-credit",
        Operator,
        &["credit_cards"],
    ),
    org(
        "大八洲石油株式会社",
        "Oyashima Oil",
        "oyashima-oil",
        Operator,
        &["petroleum"],
    ),
    org(
        "西海精製株式会社",
        "Saikai Refining",
        "saikai-refining",
        Operator,
        &["petroleum"],
    ),
    org(
        "東都港埠頭株式会社",
        "Port of Toto Terminals",
        "toto-port",
        Operator,
        &["ports"],
    ),
    org(
        "浪速港湾管理株式会社",
        "Naniwa Port Management",
        "naniwa-port",
        Operator,
        &["ports"],
    ),
];

/// Government bodies (政府機関等): local governments and agencies in the
/// government and administrative services sector.
pub const GOVERNMENT: &[OrgSpec] = &[
    org(
        "大八洲県",
        "Oyashima Prefecture",
        "oyashima-pref",
        Government,
        &["government"],
    ),
    org(
        "湖西市",
        "Kosai City",
        "kosai-city",
        Government,
        &["government"],
    ),
    org(
        "独立行政法人国立情報基盤機構",
        "National Information Infrastructure Agency",
        "niia",
        Government,
        &["government"],
    ),
];

/// Software and appliance vendors.
pub const VENDORS: &[OrgSpec] = &[
    org(
        "八咫ソフトウェア株式会社",
        "Yata Software",
        "yata-soft",
        Vendor,
        &[],
    ),
    org(
        "北辰ネットワーク機器株式会社",
        "Hokushin Network Devices",
        "hokushin-net",
        Vendor,
        &[],
    ),
    org(
        "大八洲セキュリティ株式会社",
        "Oyashima Security",
        "oyashima-security",
        Vendor,
        &[],
    ),
    org(
        "東都システムズ株式会社",
        "Toto Systems",
        "toto-systems",
        Vendor,
        &[],
    ),
];

/// One package of a software template: its PURL without version, and a
/// vulnerable and a fixed version.
#[derive(Debug, Clone, Copy)]
pub struct Pkg {
    pub purl: &'static str,
    /// PURL qualifiers (`?distro=…`), or empty.
    pub qualifiers: &'static str,
    pub vulnerable: &'static str,
    pub fixed: &'static str,
}

const fn pkg(purl: &'static str, vulnerable: &'static str, fixed: &'static str) -> Pkg {
    Pkg {
        purl,
        qualifiers: "",
        vulnerable,
        fixed,
    }
}

/// A software asset: a CycloneDX SBOM of these packages (plus packages
/// with no advisory in the built-in set).
#[derive(Debug, Clone, Copy)]
pub struct Software {
    pub ja: &'static str,
    pub en: &'static str,
    pub internet_exposed: bool,
    pub criticality: Criticality,
    pub packages: &'static [Pkg],
    pub others: &'static [(&'static str, &'static str)],
}

pub const JAVA_PORTAL: Software = Software {
    ja: "顧客ポータル",
    en: "customer portal",
    internet_exposed: true,
    criticality: Criticality::High,
    packages: &[
        pkg(
            "pkg:maven/org.apache.logging.log4j/log4j-core",
            "2.14.1",
            "2.17.1",
        ),
        pkg(
            "pkg:maven/org.springframework/spring-beans",
            "5.3.15",
            "5.3.31",
        ),
        pkg(
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind",
            "2.13.1",
            "2.15.3",
        ),
    ],
    others: &[
        ("pkg:maven/org.springframework/spring-core", "5.3.31"),
        ("pkg:maven/org.apache.commons/commons-lang3", "3.14.0"),
        ("pkg:maven/com.google.guava/guava", "32.1.3-jre"),
    ],
};

pub const STRUTS_LEGACY: Software = Software {
    ja: "旧業務受付システム",
    en: "legacy request intake",
    internet_exposed: true,
    criticality: Criticality::Medium,
    packages: &[
        pkg(
            "pkg:maven/org.apache.struts/struts2-core",
            "2.3.31",
            "2.5.33",
        ),
        pkg(
            "pkg:maven/org.apache.logging.log4j/log4j-core",
            "2.16.0",
            "2.17.2",
        ),
    ],
    others: &[("pkg:maven/commons-fileupload/commons-fileupload", "1.5")],
};

pub const PYTHON_BACKOFFICE: Software = Software {
    ja: "社内業務システム",
    en: "back-office system",
    internet_exposed: false,
    criticality: Criticality::Medium,
    packages: &[
        pkg("pkg:pypi/django", "4.2.7", "4.2.11"),
        pkg("pkg:pypi/requests", "2.28.1", "2.31.0"),
        pkg("pkg:pypi/urllib3", "1.26.12", "1.26.18"),
        pkg("pkg:pypi/pyyaml", "5.3.1", "6.0.1"),
    ],
    others: &[("pkg:pypi/numpy", "1.26.2"), ("pkg:pypi/celery", "5.3.6")],
};

pub const NODE_FRONTEND: Software = Software {
    ja: "予約サイト",
    en: "booking site",
    internet_exposed: true,
    criticality: Criticality::Medium,
    packages: &[pkg("pkg:npm/lodash", "4.17.11", "4.17.21")],
    others: &[("pkg:npm/express", "4.18.2"), ("pkg:npm/react", "18.2.0")],
};

pub const GO_GATEWAY: Software = Software {
    ja: "制御系データ中継ゲートウェイ",
    en: "OT data gateway",
    internet_exposed: false,
    criticality: Criticality::VeryHigh,
    packages: &[pkg("pkg:golang/golang.org/x/net", "v0.10.0", "v0.17.0")],
    others: &[("pkg:golang/github.com/prometheus/client_golang", "v1.17.0")],
};

pub const DEBIAN_HOST: Software = Software {
    ja: "踏み台サーバ",
    en: "bastion host",
    internet_exposed: true,
    criticality: Criticality::High,
    packages: &[Pkg {
        purl: "pkg:deb/debian/xz-utils",
        qualifiers: "?distro=debian-13",
        vulnerable: "5.6.1-1",
        fixed: "5.6.1+really5.4.5-1",
    }],
    others: &[("pkg:deb/debian/bash?distro=debian-13", "5.2.21-2")],
};

pub const ALPINE_CONTAINER: Software = Software {
    ja: "API コンテナ",
    en: "API container",
    internet_exposed: true,
    criticality: Criticality::Medium,
    packages: &[Pkg {
        purl: "pkg:apk/alpine/openssl",
        qualifiers: "?distro=alpine-3.16",
        vulnerable: "3.0.5-r0",
        fixed: "3.0.7-r0",
    }],
    others: &[("pkg:apk/alpine/busybox?distro=alpine-3.16", "1.35.0-r17")],
};

pub const RUST_AGENT: Software = Software {
    ja: "監視エージェント",
    en: "monitoring agent",
    internet_exposed: false,
    criticality: Criticality::Medium,
    packages: &[pkg("pkg:cargo/smallvec", "1.6.0", "1.11.2")],
    others: &[
        ("pkg:cargo/serde", "1.0.193"),
        ("pkg:cargo/tokio", "1.35.1"),
    ],
};

/// What operators and government bodies run (two or three each).
pub const SOFTWARE: &[Software] = &[
    JAVA_PORTAL,
    STRUTS_LEGACY,
    PYTHON_BACKOFFICE,
    NODE_FRONTEND,
    GO_GATEWAY,
    DEBIAN_HOST,
    ALPINE_CONTAINER,
];

/// An appliance model with vulnerable and fixed firmware versions.
#[derive(Debug, Clone, Copy)]
pub struct Appliance {
    pub ja: &'static str,
    pub en: &'static str,
    pub vendor: &'static str,
    pub product: &'static str,
    pub vulnerable: &'static [&'static str],
    pub fixed: &'static [&'static str],
}

pub const FORTIGATE: Appliance = Appliance {
    ja: "SSL-VPN 装置",
    en: "FortiGate SSL-VPN",
    vendor: "Fortinet",
    product: "FortiOS",
    vulnerable: &["7.0.6", "6.4.9", "7.2.1", "6.0.4"],
    fixed: &["7.0.15", "7.2.8", "7.4.3"],
};

pub const APPLIANCES: &[Appliance] = &[
    FORTIGATE,
    Appliance {
        ja: "境界ファイアウォール",
        en: "PA-3220 firewall",
        vendor: "Palo Alto Networks",
        product: "PAN-OS",
        vulnerable: &["10.2.7", "11.0.2"],
        fixed: &["10.2.10", "11.1.3"],
    },
    Appliance {
        ja: "リモートアクセス装置",
        en: "NetScaler Gateway",
        vendor: "Citrix",
        product: "NetScaler ADC",
        vulnerable: &["13.1-48.47", "13.0-91.12"],
        fixed: &["13.1-51.15", "14.1-12.35"],
    },
    Appliance {
        ja: "VPN 装置",
        en: "Ivanti Connect Secure",
        vendor: "Ivanti",
        product: "Connect Secure",
        vulnerable: &["22.4.2.1", "9.1.18.2"],
        fixed: &["22.7.2.1"],
    },
    Appliance {
        ja: "拠点ルータ",
        en: "Catalyst edge router",
        vendor: "Cisco",
        product: "IOS XE",
        vulnerable: &["17.9.3", "17.6.5"],
        fixed: &["17.9.5", "17.12.2"],
    },
    Appliance {
        ja: "ファイル転送サーバ",
        en: "MOVEit Transfer",
        vendor: "Progress",
        product: "MOVEit Transfer",
        vulnerable: &["2023.0.0", "2022.1.3"],
        fixed: &["2023.1.0"],
    },
    Appliance {
        ja: "メールサーバ",
        en: "Exchange Server 2019",
        vendor: "Microsoft",
        product: "Exchange Server",
        vulnerable: &["15.2.858.5"],
        fixed: &["15.2.1544.4"],
    },
];
