//! The OpenAPI 3.1 document, made from the route table ([`crate::api::routes`])
//! and the request schemas below: a route cannot be served and missing here.

use serde_json::{Map, Value, json};

use crate::ServiceConfig;
use crate::api::{Auth, Body, routes};

fn schemas() -> Value {
    let criticality = json!({ "enum": ["low", "medium", "high", "very-high"] });
    let tlp = json!({ "enum": ["clear", "green", "amber", "amber+strict", "red"] });
    let indicators = json!({
        "type": "array", "maxItems": 10000,
        "items": { "oneOf": [
            { "type": "string", "description": "Type inferred; defanged forms (hxxp, [.]) accepted." },
            { "type": "object", "required": ["type", "value"], "properties": {
                "type": { "enum": ["ipv4", "ipv6", "ipv4-cidr", "ipv6-cidr", "domain", "url", "email", "md5", "sha1", "sha256", "sha512", "cve"] },
                "value": { "type": "string" },
                "first_seen": { "type": "string", "format": "date-time" },
                "last_seen": { "type": "string", "format": "date-time" }
            }}
        ]}
    });
    let states = json!({ "enum": ["open", "in_triage", "fixed", "mitigated", "not_affected", "risk_accepted", "false_positive"] });
    json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["code", "message", "request_id"],
                "properties": {
                    "code": { "type": "string" },
                    "message": { "type": "string" },
                    "request_id": { "type": "string" },
                    "errors": { "type": "array", "items": { "type": "string" }, "description": "Located problems of a rejected document." }
                }
            }}
        },
        "Created": {
            "type": "object", "required": ["id"],
            "properties": { "id": { "type": "integer" } }
        },
        "Login": {
            "type": "object", "additionalProperties": false,
            "required": ["email", "password"],
            "properties": {
                "email": { "type": "string" },
                "password": { "type": "string" },
                "organization": { "type": "integer", "description": "Which of the user's organisations to act for." }
            }
        },
        "NewOrganization": {
            "type": "object", "additionalProperties": false,
            "required": ["name", "kind"],
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                "kind": { "enum": ["nco", "ministry", "operator", "government", "vendor"] },
                "sectors": {
                    "type": "array",
                    "items": { "enum": ["ict", "finance", "aviation", "airports", "railways", "electricity", "gas", "government", "medical", "water", "logistics", "chemicals", "credit_cards", "petroleum", "ports"] },
                    "description": "The organisation's sectors; for a ministry, the sectors it supervises."
                }
            }
        },
        "NewToken": {
            "type": "object", "additionalProperties": false,
            "required": ["role", "name"],
            "properties": {
                "role": { "enum": ["admin", "analyst", "viewer", "auditor"] },
                "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                "expires_in_days": { "type": "integer", "minimum": 1, "maximum": 3650, "default": 90 }
            }
        },
        "NewWebhook": {
            "type": "object", "additionalProperties": false,
            "required": ["url", "events"],
            "properties": {
                "url": { "type": "string", "format": "uri", "maxLength": 2000, "description": "http or https; fetched from the server." },
                "events": {
                    "type": "array", "minItems": 1,
                    "items": { "enum": ["finding.new", "finding.deadline_approaching", "finding.overdue"] }
                },
                "min_decision": {
                    "enum": ["fix on system upgrade", "60 days", "14 days", "3 days", "3 days & forensic investigation"],
                    "description": "Only findings whose BOD 26-04 decision is this or more urgent; absent: every finding."
                },
                "secret": { "type": "string", "minLength": 16, "maxLength": 256, "description": "The HMAC-SHA256 key of X-Yata-Signature; generated (256 bits) if absent. Returned once." }
            }
        },
        "NewMailSubscription": {
            "type": "object", "additionalProperties": false,
            "required": ["address", "events"],
            "properties": {
                "address": { "type": "string", "format": "email", "maxLength": 254, "description": "One mailbox (local@domain): the only recipient of each message." },
                "events": {
                    "type": "array", "minItems": 1,
                    "items": { "enum": ["finding.new", "finding.deadline_approaching", "finding.overdue"] }
                },
                "min_decision": {
                    "enum": ["fix on system upgrade", "60 days", "14 days", "3 days", "3 days & forensic investigation"],
                    "description": "Only findings whose BOD 26-04 decision is this or more urgent; absent: every finding."
                },
                "language": { "enum": ["ja", "en", "ja+en"], "default": "ja+en", "description": "ja+en: Japanese first, then English, in one message." }
            }
        },
        "IncidentReport": {
            "type": "object", "additionalProperties": false,
            "required": ["title", "status", "tlp"],
            "description": "Or a STIX 2.1 bundle sent as application/stix+json.",
            "properties": {
                "title": { "type": "string", "minLength": 1, "maxLength": 300 },
                "description": { "type": "string" },
                "status": { "enum": ["suspected", "confirmed", "contained", "recovered"] },
                "tlp": tlp,
                "indicators": indicators,
                "vulnerabilities": { "type": "array", "items": { "type": "string" }, "maxItems": 1000 },
                "asset_ids": { "type": "array", "items": { "type": "integer" }, "description": "Assets of the caller's organisation." },
                "detected_at": { "type": "string", "format": "date-time" },
                "started_at": { "type": "string", "format": "date-time" },
                "contained_at": { "type": "string", "format": "date-time" },
                "service_impact": { "enum": ["none", "degraded", "outage"], "default": "none" },
                "continuity_impact": { "type": "string", "description": "The effect on business continuity." },
                "handling": { "type": "string", "description": "Free-text handling notes." },
                "recipients": { "type": "array", "items": { "type": "integer" }, "description": "TLP:RED only (and required): the user ids of the named people." }
            }
        },
        "IncidentUpdate": {
            "type": "object", "additionalProperties": false,
            "required": ["note"],
            "properties": {
                "note": { "type": "string", "minLength": 1, "description": "What changed: the timeline entry." },
                "status": { "enum": ["suspected", "confirmed", "contained", "recovered"] },
                "contained_at": { "type": "string", "format": "date-time" },
                "service_impact": { "enum": ["none", "degraded", "outage"] },
                "continuity_impact": { "type": "string" },
                "handling": { "type": "string" },
                "indicators": indicators,
                "vulnerabilities": { "type": "array", "items": { "type": "string" } }
            }
        },
        "Annotation": {
            "type": "object", "additionalProperties": false,
            "required": ["body"],
            "properties": {
                "body": { "type": "string", "minLength": 1 },
                "to_reporter": { "type": "boolean", "default": true, "description": "false: for the ministries and the NCO only." }
            }
        },
        "Alert": {
            "type": "object", "additionalProperties": false,
            "required": ["tlp"],
            "description": "title or title_ja required (copied from the original with relay_of).",
            "properties": {
                "title": { "type": "string", "maxLength": 300, "description": "English." },
                "body": { "type": "string", "description": "English." },
                "title_ja": { "type": "string", "maxLength": 300 },
                "body_ja": { "type": "string" },
                "tlp": tlp,
                "severity": { "enum": ["low", "medium", "high", "critical"] },
                "deadline": { "type": "string", "format": "date-time" },
                "actions": { "type": "array", "items": { "type": "string" }, "maxItems": 50, "description": "Required actions." },
                "targets": {
                    "type": "object", "additionalProperties": false,
                    "properties": {
                        "all": { "type": "boolean" },
                        "sectors": { "type": "array", "items": { "type": "string" } },
                        "organizations": { "type": "array", "items": { "type": "integer" } },
                        "exposed_to": { "type": "array", "items": { "type": "string" }, "description": "Every organisation with exposed findings of these vulnerabilities (any alias), now and as new exposures appear." }
                    }
                },
                "recipients": { "type": "array", "items": { "type": "integer" }, "description": "TLP:RED only (and required): user ids." },
                "vulnerabilities": { "type": "array", "items": { "type": "string" } },
                "indicators": indicators,
                "from_incident": { "type": "integer", "description": "A report whose indicators and vulnerabilities the alert shares, attributed to its sector only (not for AMBER+STRICT or RED reports)." },
                "relay_of": { "type": "integer", "description": "An alert this one relays (not AMBER+STRICT or RED ones)." }
            }
        },
        "Acknowledgement": {
            "type": "object", "additionalProperties": false,
            "required": ["status"],
            "properties": {
                "status": { "enum": ["read", "acting", "done"] },
                "note": { "type": "string" }
            }
        },
        "NewAsset": {
            "type": "object", "additionalProperties": false,
            "required": ["name", "kind", "internet_exposed", "criticality"],
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                "kind": { "enum": ["software", "product"] },
                "internet_exposed": { "type": "boolean" },
                "criticality": criticality,
                "vendor": { "type": "string" },
                "product": { "type": "string" },
                "version": { "type": "string" },
                "cpe": { "type": "string", "description": "A CPE 2.3 formatted string or 2.2 URI." }
            }
        },
        "TransitionBatch": {
            "type": "object", "additionalProperties": false,
            "required": ["transitions"],
            "properties": { "transitions": {
                "type": "array", "minItems": 1, "maxItems": 10000,
                "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["finding_id", "to", "note"],
                    "properties": {
                        "finding_id": { "type": "integer" },
                        "to": { "type": "string" },
                        "justification": { "type": "string" },
                        "note": { "type": "string" },
                        "expires_at": { "type": "string", "format": "date-time" }
                    },
                    "description": "As Transition, plus the finding's id."
                }
            } }
        },
        "Transition": {
            "type": "object", "additionalProperties": false,
            "required": ["to", "note"],
            "properties": {
                "to": states,
                "justification": { "enum": ["component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path", "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"], "description": "Required for not_affected (CycloneDX spellings are accepted too)." },
                "note": { "type": "string", "minLength": 1, "maxLength": 4000 },
                "expires_at": { "type": "string", "format": "date-time", "description": "Required for risk_accepted; the finding reopens then." }
            }
        }
    })
}

/// The whole document.
pub fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for (r, _) in routes(&ServiceConfig::default()) {
        let mut op = json!({
            "operationId": r.operation,
            "summary": r.summary,
            "responses": {
                r.success.to_string(): { "description": "Success." },
                "default": {
                    "description": "An error.",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                }
            }
        });
        if r.success == 201 {
            op["responses"]["201"]["content"] = json!({ "application/json": { "schema": { "$ref": "#/components/schemas/Created" } } });
        }
        let mut parameters: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                let schema = if matches!(name, "secret" | "sector" | "id") {
                    json!({ "type": "string" })
                } else {
                    json!({ "type": "integer" })
                };
                json!({ "name": name, "in": "path", "required": true, "schema": schema })
            })
            .collect();
        parameters.extend(r.query.iter().map(|(name, description)| {
            json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } })
        }));
        if !parameters.is_empty() {
            op["parameters"] = Value::Array(parameters);
        }
        match r.body {
            Body::None => {}
            Body::Json(schema) => {
                op["requestBody"] = json!({
                    "required": true,
                    "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
                });
            }
            Body::Upload => {
                op["requestBody"] = json!({
                    "required": true,
                    "description": "The document as it is, in any supported format.",
                    "content": { "application/octet-stream": { "schema": { "type": "string", "contentMediaType": "application/octet-stream" } } }
                });
            }
            Body::Form => {
                op["requestBody"] = json!({
                    "required": true,
                    "content": { "application/x-www-form-urlencoded": { "schema": {
                        "type": "object",
                        "required": ["name", "email", "password"],
                        "properties": { "name": { "type": "string" }, "email": { "type": "string" }, "password": { "type": "string", "minLength": 12 } }
                    } } }
                });
            }
        }
        op["security"] = match r.auth {
            Auth::Public => json!([]),
            Auth::Required => json!([{ "bearer": [] }, { "session": [] }]),
        };
        let item = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        item[r.method.as_str().to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "YATA-Shield",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "National vulnerability and remediation platform. Errors are {\"error\": {\"code\", \"message\", \"request_id\"}}; an object of another organisation answers 404."
        },
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "An API token (yata_…)." },
                "session": { "type": "apiKey", "in": "cookie", "name": "yata_session", "description": "A web session; unsafe methods also need the x-csrf-token header." }
            }
        }
    })
}
