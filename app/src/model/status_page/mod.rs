//! Views and inputs of the status page's back office, one file per part:
//! components, incidents, maintenance windows and release notes. Everything
//! is re-exported here, so `model::status_page::X` names it whichever file holds
//! it.
//!
//! The back-office forms as a plain HTML form posts them (before the page
//! hydrates, or without JavaScript; see `server_fns::forms`). Component boxes post
//! `components` (the id) and the status chosen beside each box
//! `component_status.{id}`.

use crate::domain::Fields;

pub mod components;
pub mod incidents;
pub mod maintenance;
pub mod release_notes;

pub use components::{component_status_field, ComponentChoice, ComponentInput, ComponentView};
pub use incidents::{
    IncidentDetail, IncidentFilter, IncidentInput, IncidentPage, IncidentRow, IncidentUpdateInput,
    LinkedChange, LinkedDeployment, LinkedRelease, PublishIncident, TimelineEntry,
};
pub use maintenance::{MaintenanceInput, MaintenanceList, MaintenanceView};
pub use release_notes::{DiffLine, ReleaseNoteView, RevisionDiff, RevisionMeta, SectionDiff};

type FieldErrors = std::collections::BTreeMap<String, String>;

/// A choice from a vocabulary, or `message` for `name` added to `errors`.
fn pick<T>(
    fields: &Fields,
    name: &str,
    parse: fn(&str) -> Result<T, String>,
    message: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    match parse(fields.text(name).trim()) {
        Ok(value) => Some(value),
        Err(_) => {
            errors.insert(name.to_string(), message.to_string());
            None
        }
    }
}
