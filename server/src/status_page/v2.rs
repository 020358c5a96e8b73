//! JSON in the shape of Atlassian Statuspage's public v2 API, so existing
//! clients and aggregators read Rookery's page unchanged.

use super::html::indicator;
use app::domain::status_page::{worst, IncidentStatus, MaintenanceState};
use app::services::status_page::public::{
    PublicComponent, PublicData, PublicIncident, PublicMaintenance, PublicUpdate,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The id of every page object; one Rookery serves one page.
const PAGE_ID: &str = "rookery";
/// The most incidents or maintenance windows a list returns (as Statuspage does).
const LIST_LIMIT: usize = 50;

pub struct V2<'a> {
    pub data: &'a PublicData,
    pub name: &'a str,
    pub base: &'a str,
}

fn group_id(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    format!("group-{}", &hex::encode(digest)[..12])
}

impl V2<'_> {
    fn page(&self) -> Value {
        let updated = self
            .data
            .components
            .iter()
            .map(|c| c.updated_at)
            .chain(self.data.incidents.iter().map(|i| i.updated_at))
            .chain(self.data.maintenances.iter().map(|m| m.updated_at))
            .max()
            .unwrap_or(self.data.loaded_at);
        json!({
            "id": PAGE_ID,
            "name": self.name,
            "url": format!("{}/status", self.base),
            "time_zone": "Etc/UTC",
            "updated_at": updated,
        })
    }

    fn component(&self, c: &PublicComponent) -> Value {
        json!({
            "id": c.id.to_string(),
            "name": c.name,
            "status": c.status.as_str(),
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "position": c.position,
            "description": if c.description.is_empty() { Value::Null } else { json!(c.description) },
            "showcase": true,
            "start_date": c.created_at.date_naive().to_string(),
            "group_id": if c.group_name.is_empty() { Value::Null } else { json!(group_id(&c.group_name)) },
            "page_id": PAGE_ID,
            "group": false,
            "only_show_if_degraded": false,
        })
    }

    /// Components and, as Statuspage lists them, one entry per group.
    fn components(&self) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        let mut groups: Vec<&str> = Vec::new();
        for c in &self.data.components {
            if !c.group_name.is_empty() && !groups.contains(&c.group_name.as_str()) {
                groups.push(&c.group_name);
                let members: Vec<&PublicComponent> = self
                    .data
                    .components
                    .iter()
                    .filter(|m| m.group_name == c.group_name)
                    .collect();
                out.push(json!({
                    "id": group_id(&c.group_name),
                    "name": c.group_name,
                    "status": worst(members.iter().map(|m| m.status)).as_str(),
                    "created_at": members.iter().map(|m| m.created_at).min(),
                    "updated_at": members.iter().map(|m| m.updated_at).max(),
                    "position": c.position,
                    "description": Value::Null,
                    "showcase": false,
                    "start_date": Value::Null,
                    "group_id": Value::Null,
                    "page_id": PAGE_ID,
                    "group": true,
                    "only_show_if_degraded": false,
                    "components": members.iter().map(|m| m.id.to_string()).collect::<Vec<_>>(),
                }));
            }
            out.push(self.component(c));
        }
        out
    }

    fn update(&self, parent: &str, u: &PublicUpdate) -> Value {
        json!({
            "id": u.id.to_string(),
            "status": u.status,
            "body": u.body,
            "incident_id": parent,
            "created_at": u.created_at,
            "updated_at": u.created_at,
            "display_at": u.created_at,
            "affected_components": Value::Null,
            "deliver_notifications": true,
            "custom_tweet": Value::Null,
            "tweet_id": Value::Null,
        })
    }

    fn components_of(&self, ids: impl Iterator<Item = uuid::Uuid>) -> Vec<Value> {
        ids.filter_map(|id| self.data.components.iter().find(|c| c.id == id))
            .map(|c| self.component(c))
            .collect()
    }

    fn incident(&self, i: &PublicIncident) -> Value {
        let id = i.id.to_string();
        let monitoring_at = i
            .updates
            .iter()
            .filter(|u| u.status == IncidentStatus::Monitoring.as_str())
            .map(|u| u.created_at)
            .min();
        json!({
            "id": id,
            "name": i.title,
            "status": i.status.as_str(),
            "created_at": i.published_at,
            "updated_at": i.updated_at,
            "monitoring_at": monitoring_at,
            "resolved_at": i.resolved_at,
            "impact": i.impact.as_str(),
            "shortlink": format!("{}/status/incidents/{}", self.base, i.id),
            "started_at": i.impact_started_at,
            "page_id": PAGE_ID,
            "incident_updates": i.updates.iter().map(|u| self.update(&id, u)).collect::<Vec<_>>(),
            "components": self.components_of(i.components.iter().map(|c| c.0)),
        })
    }

    fn maintenance(&self, m: &PublicMaintenance) -> Value {
        let id = m.id.to_string();
        json!({
            "id": id,
            "name": m.title,
            "status": m.state.as_str(),
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "monitoring_at": Value::Null,
            "resolved_at": m.completed_at,
            "impact": "maintenance",
            "shortlink": format!("{}/status/maintenance/{}", self.base, m.id),
            "started_at": m.started_at.unwrap_or(m.starts_at),
            "page_id": PAGE_ID,
            "scheduled_for": m.starts_at,
            "scheduled_until": m.ends_at,
            "incident_updates": m.updates.iter().map(|u| self.update(&id, u)).collect::<Vec<_>>(),
            "components": self.components_of(m.components.iter().copied()),
        })
    }

    fn status(&self) -> Value {
        let (indicator, description) = indicator(self.data);
        json!({ "indicator": indicator, "description": description })
    }

    fn incidents(&self, open_only: bool) -> Vec<Value> {
        self.data
            .incidents
            .iter()
            .filter(|i| !open_only || i.status.is_open())
            .take(LIST_LIMIT)
            .map(|i| self.incident(i))
            .collect()
    }

    /// Windows in `states` (none = every window but cancelled ones), soonest
    /// upcoming first for the upcoming list, latest first otherwise.
    fn maintenances(&self, states: &[MaintenanceState]) -> Vec<Value> {
        let mut list: Vec<&PublicMaintenance> = self
            .data
            .maintenances
            .iter()
            .filter(|m| m.state != MaintenanceState::Cancelled)
            .filter(|m| states.is_empty() || states.contains(&m.state))
            .collect();
        if states == [MaintenanceState::Scheduled] {
            list.reverse();
        }
        list.into_iter()
            .take(LIST_LIMIT)
            .map(|m| self.maintenance(m))
            .collect()
    }

    /// The document at `path` (after `/api/v2/`), or `None`.
    pub fn document(&self, path: &str) -> Option<Value> {
        use MaintenanceState::*;
        let page = self.page();
        Some(match path {
            "summary.json" => json!({
                "page": page,
                "components": self.components(),
                "incidents": self.incidents(true),
                "scheduled_maintenances": self.maintenances(&[Scheduled, InProgress, Verifying]),
                "status": self.status(),
            }),
            "status.json" => json!({ "page": page, "status": self.status() }),
            "components.json" => json!({ "page": page, "components": self.components() }),
            "incidents.json" => json!({ "page": page, "incidents": self.incidents(false) }),
            "incidents/unresolved.json" => {
                json!({ "page": page, "incidents": self.incidents(true) })
            }
            "scheduled-maintenances.json" => {
                json!({ "page": page, "scheduled_maintenances": self.maintenances(&[]) })
            }
            "scheduled-maintenances/upcoming.json" => {
                json!({ "page": page, "scheduled_maintenances": self.maintenances(&[Scheduled]) })
            }
            "scheduled-maintenances/active.json" => {
                json!({ "page": page, "scheduled_maintenances": self.maintenances(&[InProgress, Verifying]) })
            }
            _ => return None,
        })
    }
}

/// One incident or maintenance window as a webhook delivers it.
pub fn incident_value(
    data: &PublicData,
    name: &str,
    base: &str,
    incident: &PublicIncident,
) -> Value {
    V2 { data, name, base }.incident(incident)
}

pub fn maintenance_value(
    data: &PublicData,
    name: &str,
    base: &str,
    m: &PublicMaintenance,
) -> Value {
    V2 { data, name, base }.maintenance(m)
}
