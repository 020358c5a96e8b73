//! Maintenance windows: the announce form and the list.

use super::components::ComponentView;
use super::incidents::TimelineEntry;
use super::FieldErrors;
use crate::domain::status_page::MaintenanceState;
use crate::domain::Fields;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceInput {
    pub title: String,
    pub description: String,
    /// `YYYY-MM-DDTHH:MM` in UTC.
    pub starts_at: String,
    pub ends_at: String,
    pub components: Vec<Uuid>,
    /// The change request (by number) this window carries out.
    pub change_request: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceView {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: MaintenanceState,
    pub components: Vec<(Uuid, String)>,
    pub change_request: Option<i64>,
    pub updates: Vec<TimelineEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceList {
    pub items: Vec<MaintenanceView>,
    pub components: Vec<ComponentView>,
    pub can_edit: bool,
}

impl MaintenanceInput {
    /// The announce form: `title`, `description`, `starts_at`, `ends_at`, a
    /// `components` box per component and the `change_request` it came
    /// from (a number, or empty).
    pub fn from_fields(fields: &Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let components = fields
            .all("components")
            .iter()
            .map(|raw| Uuid::parse_str(raw.trim()))
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|_| {
                errors.insert(
                    "components".into(),
                    "Choose components from the list.".into(),
                );
                Vec::new()
            });
        let change_request = match fields.text("change_request").trim() {
            "" => None,
            number => match number.parse::<i64>() {
                Ok(number) => Some(number),
                Err(_) => {
                    errors.insert("change_request".into(), "No such change request.".into());
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            title: fields.text("title"),
            description: fields.text("description"),
            starts_at: fields.text("starts_at"),
            ends_at: fields.text("ends_at"),
            components,
            change_request,
        })
    }
}
