//! Every form that works without JavaScript ([`PLAIN_FORMS`]): where it
//! posts, the server function it calls and how its fields become that
//! call, and where it answers to.

use super::call::{call, Call};
use super::pages::{deployment_page, incident_page, note_page, release_page, returned};
use super::read::{
    decimal, hidden_id, hidden_number, number, param, path_id, posted_optional_uuid, Params,
};
use crate::api::change_requests::{
    AddCrComment, ChangeRequestAction, CreateChangeRequest, CreateFreeze, UpdateChangeRequest,
};
use crate::api::deployments::{BeginDeployment, DeploymentAction, SetFleet};
use crate::api::releases::{CreateRelease, ReleaseAction, UpdateRelease};
use crate::api::status::{
    DeleteComponent, DiscardIncident, MoveMaintenance, OpenIncident, PostIncidentUpdate,
    PublishDraftIncident, PublishReleaseNote, SaveComponent, SaveReleaseNote, ScheduleMaintenance,
    SetComponentStatus, SetRollbackIncident,
};
use crate::domain::cr_form::CrInput;
use crate::domain::release_note::NoteSections;
use crate::domain::release_plan::ReleaseInput;
use crate::domain::Fields;
use crate::error::AppError;
use crate::model::deploy_form::DeployForm;
use crate::model::status::{
    ComponentInput, IncidentInput, IncidentUpdateInput, MaintenanceInput, PublishIncident,
};
use leptos::server_fn::ServerFn;
use serde_json::Value;
// Account and administration forms.
use crate::api::account::ChangePassword;
use crate::api::catalog::{ArchiveTemplate, SaveEnvironment, SaveService, SaveTemplate};
use crate::api::deployments::{RetryJob, SaveTarget};
use crate::api::notifications::MarkNotificationsRead;
use crate::api::tokens::{CreateToken, RevokeToken};
use crate::api::users::{CreateUser, SetUserDisabled, SetUserRoles};
use crate::domain::catalog::{EnvironmentInput, ServiceInput, TemplateInput};
use crate::model::TargetInput;

/// A form that can be posted without JavaScript.
pub struct PlainForm {
    /// Where it posts (an axum route, parameters named as the page's).
    pub route: &'static str,
    /// The server function the hydrated form calls.
    pub server_fn: &'static str,
    /// The call of that function, from the fields and the parameters.
    pub arguments: fn(&Fields, &Params) -> Result<Call, AppError>,
    /// The page to go to once it succeeded, from what it returned.
    pub done: fn(&Value, &Params) -> String,
    /// The page the form is on, shown again after a refusal.
    pub page: fn(&Params) -> String,
}

/// What a plain post of *Cancel request* is answered with: the page
/// shows the confirmation (field `confirm`) with this message.
pub const CONFIRM_CANCEL: &str =
    "Cancelling cannot be undone. Press \"Yes, cancel it\" to confirm.";

/// What a plain post of *Delete* on a status component is answered
/// with: the page asks first (field `confirm_delete`).
pub const CONFIRM_DELETE: &str =
    "Deleting a component also deletes its uptime history. Press \"Yes, delete it\" to confirm.";

/// Every form that works without JavaScript.
pub static PLAIN_FORMS: &[PlainForm] = &[
    PlainForm {
        route: "/changes/new",
        server_fn: <CreateChangeRequest as ServerFn>::PATH,
        arguments: |fields, _| {
            call(CreateChangeRequest {
                input: CrInput::from_fields(fields),
            })
        },
        done: |out, _| format!("/changes/{}", returned(out)),
        page: |_| "/changes/new".into(),
    },
    PlainForm {
        route: "/changes/{number}/edit",
        server_fn: <UpdateChangeRequest as ServerFn>::PATH,
        arguments: |fields, params| {
            call(UpdateChangeRequest {
                number: number(params)?,
                input: CrInput::from_fields(fields),
            })
        },
        done: |out, _| format!("/changes/{}", returned(out)),
        page: |params| format!("/changes/{}/edit", param(params, "number")),
    },
    PlainForm {
        route: "/changes/{number}/comments",
        server_fn: <AddCrComment as ServerFn>::PATH,
        arguments: |fields, params| {
            call(AddCrComment {
                number: number(params)?,
                body: fields.text("body"),
            })
        },
        done: |_, params| format!("/changes/{}", param(params, "number")),
        page: |params| format!("/changes/{}", param(params, "number")),
    },
    PlainForm {
        route: "/changes/{number}/act",
        server_fn: <ChangeRequestAction as ServerFn>::PATH,
        arguments: |fields, params| {
            // The pressed button's value. Cancelling cannot be undone,
            // so without a script the page asks first, as it does with one.
            let action = match fields.text("action").as_str() {
                "cancel" => return Err(AppError::field("confirm", CONFIRM_CANCEL)),
                "cancel_confirmed" => "cancel".to_string(),
                other => other.to_string(),
            };
            call(ChangeRequestAction {
                number: number(params)?,
                action,
                note: fields.text("note"),
                planned_start: fields.text("planned_start"),
            })
        },
        done: |_, params| format!("/changes/{}", param(params, "number")),
        page: |params| format!("/changes/{}", param(params, "number")),
    },
    PlainForm {
        route: "/calendar/freezes",
        server_fn: <CreateFreeze as ServerFn>::PATH,
        arguments: |fields, _| {
            call(CreateFreeze {
                environments: fields.all("environments"),
                starts_at: fields.text("starts_at"),
                ends_at: fields.text("ends_at"),
                reason: fields.text("reason"),
            })
        },
        done: |_, _| "/calendar".into(),
        page: |_| "/calendar".into(),
    },
    PlainForm {
        route: "/releases/new",
        server_fn: <CreateRelease as ServerFn>::PATH,
        arguments: |fields, _| {
            call(CreateRelease {
                input: ReleaseInput::from_fields(fields),
            })
        },
        done: |out, _| format!("/releases/{}", returned(out)),
        page: |_| "/releases/new".into(),
    },
    PlainForm {
        route: "/releases/{id}/edit",
        server_fn: <UpdateRelease as ServerFn>::PATH,
        arguments: |fields, params| {
            call(UpdateRelease {
                id: path_id(params)?,
                input: ReleaseInput::from_fields(fields),
            })
        },
        done: |_, params| format!("/releases/{}", param(params, "id")),
        page: |params| format!("/releases/{}/edit", param(params, "id")),
    },
    // The release page: its workflow and record-by-hand buttons (the
    // pressed one's `action`), and the deploy form.
    PlainForm {
        route: "/releases/{id}/act",
        server_fn: <ReleaseAction as ServerFn>::PATH,
        arguments: |fields, params| {
            call(ReleaseAction {
                id: path_id(params)?,
                action: fields.text("action"),
                note: fields.text("note"),
            })
        },
        done: |_, params| release_page(params),
        page: release_page,
    },
    PlainForm {
        route: "/releases/{id}/deploy",
        server_fn: <BeginDeployment as ServerFn>::PATH,
        arguments: |fields, params| {
            let input = DeployForm::from_fields(fields)
                .to_input(path_id(params)?)
                .map_err(AppError::invalid)?;
            call(BeginDeployment { input })
        },
        done: |out, _| format!("/deployments/{}", returned(out)),
        page: release_page,
    },
    PlainForm {
        route: "/releases/{id}/notes",
        server_fn: <SaveReleaseNote as ServerFn>::PATH,
        arguments: |fields, params| {
            call(SaveReleaseNote {
                release: path_id(params)?,
                base: hidden_number(fields, "base")?,
                sections: NoteSections::from_fields(fields),
            })
        },
        done: |_, params| note_page(params),
        page: note_page,
    },
    PlainForm {
        route: "/releases/{id}/notes/publish",
        server_fn: <PublishReleaseNote as ServerFn>::PATH,
        arguments: |fields, params| {
            call(PublishReleaseNote {
                release: path_id(params)?,
                publish: fields.text("publish") == "true",
                revision: hidden_number(fields, "revision")?,
            })
        },
        done: |_, params| note_page(params),
        page: note_page,
    },
    // A deployment's buttons (the pressed one's `action`) and the
    // simulated fleet.
    PlainForm {
        route: "/deployments/{id}/act",
        server_fn: <DeploymentAction as ServerFn>::PATH,
        arguments: |fields, params| {
            call(DeploymentAction {
                id: path_id(params)?,
                action: fields.text("action"),
            })
        },
        done: |_, params| deployment_page(params),
        page: deployment_page,
    },
    PlainForm {
        route: "/deployments/{id}/fleet",
        server_fn: <SetFleet as ServerFn>::PATH,
        arguments: |fields, _| {
            call(SetFleet {
                target: hidden_id(fields, "target")?,
                error_rate: decimal(fields, "error_rate")?,
                latency_p95: decimal(fields, "latency_p95")?,
            })
        },
        done: |_, params| deployment_page(params),
        page: deployment_page,
    },
    // The status page's back office: incidents…
    PlainForm {
        route: "/incidents/new",
        server_fn: <OpenIncident as ServerFn>::PATH,
        arguments: |fields, _| {
            let input = IncidentInput::from_fields(fields).map_err(AppError::invalid)?;
            call(OpenIncident { input })
        },
        done: |out, _| format!("/incidents/{}", returned(out)),
        page: |_| "/incidents".into(),
    },
    PlainForm {
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
    },
    PlainForm {
        route: "/incidents/{id}/discard",
        server_fn: <DiscardIncident as ServerFn>::PATH,
        arguments: |_, params| {
            call(DiscardIncident {
                id: path_id(params)?,
            })
        },
        done: |_, params| incident_page(params),
        page: incident_page,
    },
    PlainForm {
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
    },
    // …maintenance windows…
    PlainForm {
        route: "/maintenance",
        server_fn: <ScheduleMaintenance as ServerFn>::PATH,
        arguments: |fields, _| {
            let input = MaintenanceInput::from_fields(fields).map_err(AppError::invalid)?;
            call(ScheduleMaintenance { input })
        },
        done: |_, _| "/maintenance".into(),
        page: |_| "/maintenance".into(),
    },
    PlainForm {
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
    },
    // …and components.
    PlainForm {
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
    },
    PlainForm {
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
    },
    PlainForm {
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
    },
    PlainForm {
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
    },
    // Account and administration. Where one page has several forms, each
    // posts a hidden `form` field its page tells the kept one apart by.
    PlainForm {
        route: "/account",
        server_fn: <ChangePassword as ServerFn>::PATH,
        arguments: |fields, _| {
            call(ChangePassword {
                current_password: fields.text("current_password"),
                new_password: fields.text("new_password"),
                confirm_password: fields.text("confirm_password"),
            })
        },
        done: |_, _| "/account?changed=1".into(),
        page: |_| "/account".into(),
    },
    PlainForm {
        route: "/account/tokens",
        server_fn: <CreateToken as ServerFn>::PATH,
        arguments: |fields, _| {
            call(CreateToken {
                name: fields.text("name"),
            })
        },
        // The token itself is kept for the page to show once (`SHOWN_ONCE`).
        done: |_, _| "/account/tokens".into(),
        page: |_| "/account/tokens".into(),
    },
    PlainForm {
        route: "/account/tokens/revoke",
        server_fn: <RevokeToken as ServerFn>::PATH,
        arguments: |fields, _| {
            call(RevokeToken {
                id: hidden_id(fields, "id")?,
            })
        },
        done: |_, _| "/account/tokens".into(),
        page: |_| "/account/tokens".into(),
    },
    PlainForm {
        route: "/admin/users",
        server_fn: <CreateUser as ServerFn>::PATH,
        arguments: |fields, _| {
            call(CreateUser {
                email: fields.text("email"),
                display_name: fields.text("display_name"),
                roles: fields.all("roles"),
            })
        },
        // The one-time password is kept for the page to show once.
        done: |_, _| "/admin/users".into(),
        page: |_| "/admin/users".into(),
    },
    PlainForm {
        route: "/admin/users/roles",
        server_fn: <SetUserRoles as ServerFn>::PATH,
        arguments: |fields, _| {
            call(SetUserRoles {
                user_id: hidden_id(fields, "user_id")?,
                roles: fields.all("roles"),
            })
        },
        done: |_, _| "/admin/users".into(),
        page: |_| "/admin/users".into(),
    },
    PlainForm {
        route: "/admin/users/disabled",
        server_fn: <SetUserDisabled as ServerFn>::PATH,
        arguments: |fields, _| {
            call(SetUserDisabled {
                user_id: hidden_id(fields, "user_id")?,
                disabled: fields.text("disabled") == "true",
            })
        },
        done: |_, _| "/admin/users".into(),
        page: |_| "/admin/users".into(),
    },
    PlainForm {
        route: "/admin/targets",
        server_fn: <SaveTarget as ServerFn>::PATH,
        arguments: |fields, _| {
            call(SaveTarget {
                input: TargetInput::from_fields(fields),
            })
        },
        done: |_, _| "/admin/targets".into(),
        page: |_| "/admin/targets".into(),
    },
    PlainForm {
        route: "/admin/templates",
        server_fn: <SaveTemplate as ServerFn>::PATH,
        arguments: |fields, _| {
            call(SaveTemplate {
                id: posted_optional_uuid(fields, "id")?,
                input: TemplateInput::from_fields(fields),
            })
        },
        done: |_, _| "/admin/templates".into(),
        page: |_| "/admin/templates".into(),
    },
    PlainForm {
        route: "/admin/templates/archive",
        server_fn: <ArchiveTemplate as ServerFn>::PATH,
        arguments: |fields, _| {
            call(ArchiveTemplate {
                id: hidden_id(fields, "id")?,
                archived: fields.text("archived") == "true",
            })
        },
        done: |_, _| "/admin/templates".into(),
        page: |_| "/admin/templates".into(),
    },
    PlainForm {
        route: "/admin/environments",
        server_fn: <SaveEnvironment as ServerFn>::PATH,
        arguments: |fields, _| {
            call(SaveEnvironment {
                original: fields.text("original"),
                input: EnvironmentInput::from_fields(fields),
            })
        },
        done: |_, _| "/admin/environments".into(),
        page: |_| "/admin/environments".into(),
    },
    PlainForm {
        route: "/admin/environments/services",
        server_fn: <SaveService as ServerFn>::PATH,
        arguments: |fields, _| {
            call(SaveService {
                id: None,
                input: ServiceInput::from_fields(fields),
            })
        },
        done: |_, _| "/admin/environments".into(),
        page: |_| "/admin/environments".into(),
    },
    PlainForm {
        route: "/notifications",
        server_fn: <MarkNotificationsRead as ServerFn>::PATH,
        arguments: |fields, _| {
            call(MarkNotificationsRead {
                id: posted_optional_uuid(fields, "id")?,
            })
        },
        done: |_, _| "/notifications".into(),
        page: |_| "/notifications".into(),
    },
    PlainForm {
        route: "/admin/jobs",
        server_fn: <RetryJob as ServerFn>::PATH,
        arguments: |fields, _| {
            call(RetryJob {
                id: fields
                    .text("id")
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::NotFound)?,
            })
        },
        done: |_, _| "/admin/jobs".into(),
        page: |_| "/admin/jobs".into(),
    },
];

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
