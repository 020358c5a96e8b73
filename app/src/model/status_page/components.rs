//! Status components: as listed, as their editor sends them, and as an
//! incident chooses them (with the status it sets each to).

use crate::domain::status_page::ComponentStatus;
use crate::domain::Fields;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub group_name: String,
    pub position: i32,
    pub services: Vec<String>,
    pub status: ComponentStatus,
    pub updated_at: DateTime<Utc>,
}

/// A component as its form sends it; no id creates one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComponentInput {
    pub id: Option<Uuid>,
    pub name: String,
    pub description: String,
    pub group_name: String,
    pub position: String,
    /// Service keys, comma or newline separated.
    pub services: String,
}

/// A component and the status an incident sets it to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentChoice {
    pub id: Uuid,
    pub status: ComponentStatus,
}

/// The field a component's status is chosen in, beside its box.
pub fn component_status_field(id: Uuid) -> String {
    format!("component_status.{id}")
}

impl ComponentChoice {
    /// The ticked components with the status chosen beside each (degraded
    /// performance when none was); an id or status that does not read is
    /// the message for `components`.
    pub fn from_fields(fields: &Fields) -> Result<Vec<Self>, String> {
        fields
            .all("components")
            .iter()
            .map(|raw| -> Result<Self, String> {
                let id = Uuid::parse_str(raw.trim())
                    .map_err(|_| "Choose components from the list.".to_string())?;
                let chosen = fields.text(&component_status_field(id));
                let status = if chosen.trim().is_empty() {
                    ComponentStatus::DegradedPerformance
                } else {
                    ComponentStatus::parse(chosen.trim())
                        .map_err(|_| "Choose a status for each component.".to_string())?
                };
                Ok(ComponentChoice { id, status })
            })
            .collect()
    }
}

impl ComponentInput {
    /// The component editor: `id` (empty for a new component; one that
    /// does not read is `None` here, which the plain post refuses), `name`,
    /// `description`, `group_name`, `position` and `services`.
    pub fn from_fields(fields: &Fields) -> Self {
        Self {
            id: Uuid::parse_str(fields.text("id").trim()).ok(),
            name: fields.text("name"),
            description: fields.text("description"),
            group_name: fields.text("group_name"),
            position: fields.text("position"),
            services: fields.text("services"),
        }
    }
}
