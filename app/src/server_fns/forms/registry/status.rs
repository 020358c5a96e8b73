//! Plain forms of the status page's back office: incidents, maintenance
//! windows and components.

use super::PlainForm;
use crate::error::AppError;
use crate::model::status_page::{
    ComponentInput, IncidentInput, IncidentUpdateInput, MaintenanceInput, PublishIncident,
};
use crate::server_fns::forms::call::call;
use crate::server_fns::forms::pages::{incident_page, returned};
use crate::server_fns::forms::read::path_id;
use crate::server_fns::status_page::{
    DeleteComponent, DiscardIncident, MoveMaintenance, OpenIncident, PostIncidentUpdate,
    PublishDraftIncident, SaveComponent, ScheduleMaintenance, SetComponentStatus,
    SetRollbackIncident,
};
use leptos::server_fn::ServerFn;

/// What a plain post of *Delete* on a status component is answered
/// with: the page asks first (field `confirm_delete`).
pub const CONFIRM_DELETE: &str =
    "Deleting a component also deletes its uptime history. Press \"Yes, delete it\" to confirm.";

/// The new incident form.
pub(super) const OPEN_INCIDENT: PlainForm = PlainForm {
    route: "/incidents/new",
    server_fn: <OpenIncident as ServerFn>::PATH,
    arguments: |fields, _| {
        let input = IncidentInput::from_fields(fields).map_err(AppError::invalid)?;
        call(OpenIncident { input })
    },
    done: |out, _| format!("/incidents/{}", returned(out)),
    page: |_| "/incidents".into(),
};

/// Publishing a draft incident.
pub(super) const PUBLISH_INCIDENT: PlainForm = PlainForm {
    route: "/incidents/{id}/publish",
    server_fn: <PublishDraftIncident as ServerFn>::PATH,
    arguments: |fields, params| {
        let input = PublishIncident::from_fields(fields).map_err(AppError::invalid)?;
        call(PublishDraftIncident {
            id: path_id(params)?,
            input,
        })
    },
    done: |_, params| incident_page(params),
    page: incident_page,
};

/// Discarding a draft incident.
pub(super) const DISCARD_INCIDENT: PlainForm = PlainForm {
    route: "/incidents/{id}/discard",
    server_fn: <DiscardIncident as ServerFn>::PATH,
    arguments: |_, params| {
        call(DiscardIncident {
            id: path_id(params)?,
        })
    },
    done: |_, params| incident_page(params),
    page: incident_page,
};

/// An incident's update form.
pub(super) const UPDATE_INCIDENT: PlainForm = PlainForm {
    route: "/incidents/{id}/updates",
    server_fn: <PostIncidentUpdate as ServerFn>::PATH,
    arguments: |fields, params| {
        let input = IncidentUpdateInput::from_fields(fields).map_err(AppError::invalid)?;
        call(PostIncidentUpdate {
            id: path_id(params)?,
            input,
        })
    },
    done: |_, params| incident_page(params),
    page: incident_page,
};

/// The new maintenance window form.
pub(super) const SCHEDULE_MAINTENANCE: PlainForm = PlainForm {
    route: "/maintenance",
    server_fn: <ScheduleMaintenance as ServerFn>::PATH,
    arguments: |fields, _| {
        let input = MaintenanceInput::from_fields(fields).map_err(AppError::invalid)?;
        call(ScheduleMaintenance { input })
    },
    done: |_, _| "/maintenance".into(),
    page: |_| "/maintenance".into(),
};

/// Moving a maintenance window.
pub(super) const MOVE_MAINTENANCE: PlainForm = PlainForm {
    route: "/maintenance/{id}/move",
    server_fn: <MoveMaintenance as ServerFn>::PATH,
    arguments: |fields, params| {
        call(MoveMaintenance {
            id: path_id(params)?,
            to: fields.text("to"),
            message: fields.text("message"),
        })
    },
    done: |_, _| "/maintenance".into(),
    page: |_| "/maintenance".into(),
};

/// A status component's editor (no id makes one).
pub(super) const SAVE_COMPONENT: PlainForm = PlainForm {
    route: "/admin/components",
    server_fn: <SaveComponent as ServerFn>::PATH,
    arguments: |fields, _| {
        let input = ComponentInput::from_fields(fields);
        if input.id.is_none() && !fields.text("id").trim().is_empty() {
            return Err(AppError::NotFound);
        }
        call(SaveComponent { input })
    },
    done: |_, _| "/admin/components".into(),
    page: |_| "/admin/components".into(),
};

/// Setting a component's status by hand.
pub(super) const SET_COMPONENT_STATUS: PlainForm = PlainForm {
    route: "/admin/components/{id}/status",
    server_fn: <SetComponentStatus as ServerFn>::PATH,
    arguments: |fields, params| {
        call(SetComponentStatus {
            id: path_id(params)?,
            status: fields.text("status"),
        })
    },
    done: |_, _| "/admin/components".into(),
    page: |_| "/admin/components".into(),
};

/// Deleting a component, once confirmed.
pub(super) const DELETE_COMPONENT: PlainForm = PlainForm {
    route: "/admin/components/{id}/delete",
    server_fn: <DeleteComponent as ServerFn>::PATH,
    arguments: |fields, params| {
        // It cannot be undone: without a script the page asks first.
        if !fields.ticked("confirmed") {
            return Err(AppError::field("confirm_delete", CONFIRM_DELETE));
        }
        call(DeleteComponent {
            id: path_id(params)?,
        })
    },
    done: |_, _| "/admin/components".into(),
    page: |_| "/admin/components".into(),
};

/// Whether a rollback opens an incident, per environment.
pub(super) const SET_ROLLBACK_INCIDENT: PlainForm = PlainForm {
    route: "/admin/components/rollback-incidents",
    server_fn: <SetRollbackIncident as ServerFn>::PATH,
    arguments: |fields, _| {
        call(SetRollbackIncident {
            environment: fields.text("environment"),
            setting: fields.text("setting"),
        })
    },
    done: |_, _| "/admin/components".into(),
    page: |_| "/admin/components".into(),
};
