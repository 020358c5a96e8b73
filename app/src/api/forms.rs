//! Forms that work before the page hydrates and without JavaScript.
//!
//! Such a form has named fields and posts them to a page address
//! (`POST /changes/new`). The server turns the fields into the call of the
//! server function the hydrated form makes ([`PlainForm`]), runs it with the
//! same session and checks, and answers 303: to what was saved, or back to
//! the form's page with `?kept=<id>`, where what was typed and every message
//! of the refusal wait in the session ([`find_kept_form`]). So a post made before
//! the bundle arrived, or with JavaScript off, loses nothing and shows each
//! error beside its field, exactly as the hydrated form would.
//!
//! Over 500 lines: its split by concern is part of issue 13's structural pass.

use crate::domain::Fields;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A refused plain post: the fields as typed and the messages by field
/// (`form` for one that names none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptForm {
    pub fields: Fields,
    pub errors: BTreeMap<String, String>,
}

/// The refused post this session kept under `id` (the page's `?kept=`).
#[server]
pub async fn find_kept_form(id: String) -> Result<Option<KeptForm>, AppError> {
    let cx = crate::server::context::RequestContext::load().await?;
    Ok(crate::server::kept_forms::find(&cx.session, &id).await)
}

/// A page's kept post, read where the page's resources are made: `None`
/// without `?kept=` or when the session no longer has it.
pub fn use_kept_form() -> Resource<Result<Option<KeptForm>, AppError>> {
    let query = leptos_router::hooks::use_query_map();
    Resource::new(
        move || query.with(|q| q.get("kept")),
        |id| async move {
            match id {
                Some(id) if !id.is_empty() => find_kept_form(id).await,
                _ => Ok(None),
            }
        },
    )
}

/// What a plain post's server function returned for its page to show once
/// (a new account's one-time password, a new token: see [`SHOWN_ONCE`]). It
/// leaves the session as it is read, so a reload no longer shows it.
#[server]
pub async fn take_shown_once(id: String) -> Result<Option<serde_json::Value>, AppError> {
    let cx = crate::server::context::RequestContext::load().await?;
    // Once per request, not per read: a page's resources may be read more
    // than once while it renders, and the second read must see it too.
    cx.memo(format!("take_shown_once:{id}"), || async {
        Ok(crate::server::kept_forms::take_shown(&cx.session, &id).await)
    })
    .await
}

/// A page's shown-once result (its address's `?shown=`), read where the
/// page's resources are made: `None` without one or once it was taken.
pub fn use_shown_once() -> Resource<Result<Option<serde_json::Value>, AppError>> {
    let query = leptos_router::hooks::use_query_map();
    Resource::new(
        move || query.with(|q| q.get("shown")),
        |id| async move {
            match id {
                Some(id) if !id.is_empty() => take_shown_once(id).await,
                _ => Ok(None),
            }
        },
    )
}

/// Fields a refused plain post does not keep: passwords and secrets are
/// typed again rather than stored in the session and sent back in the page.
pub const NOT_KEPT: &[&str] = &[
    "current_password",
    "new_password",
    "confirm_password",
    "secret",
];

/// The routes whose server function returns a secret to be seen once (a
/// one-time password, an API token). Their result is kept in the session,
/// never put in an address: the page they go to gets `?shown=<id>` and reads
/// it once ([`take_shown_once`]).
pub const SHOWN_ONCE: &[&str] = &["/admin/users", "/account/tokens"];

#[cfg(feature = "ssr")]
pub use plain::*;

#[cfg(feature = "ssr")]
mod plain {
    use super::*;
    use crate::api::change_requests::{
        AddCrComment, ChangeRequestAction, CreateChangeRequest, CreateFreeze, UpdateChangeRequest,
    };
    use crate::api::deployments::{BeginDeployment, DeploymentAction, SetFleet};
    use crate::api::registry::DeclaredInput;
    use crate::api::releases::{CreateRelease, ReleaseAction, UpdateRelease};
    use crate::api::status::{
        DeleteComponent, DiscardIncident, MoveMaintenance, OpenIncident, PostIncidentUpdate,
        PublishDraftIncident, PublishReleaseNote, SaveComponent, SaveReleaseNote,
        ScheduleMaintenance, SetComponentStatus, SetRollbackIncident,
    };
    use crate::domain::cr_form::CrInput;
    use crate::domain::release_note::NoteSections;
    use crate::domain::release_plan::ReleaseInput;
    use crate::model::deploy_form::DeployForm;
    use crate::model::status::{
        ComponentInput, IncidentInput, IncidentUpdateInput, MaintenanceInput, PublishIncident,
    };
    use leptos::server_fn::ServerFn;
    use serde_json::Value;
    use std::collections::HashMap;
    // Account and administration forms.
    use crate::api::account::ChangePassword;
    use crate::api::catalog::{ArchiveTemplate, SaveEnvironment, SaveService, SaveTemplate};
    use crate::api::deployments::{RetryJob, SaveTarget};
    use crate::api::notifications::MarkNotificationsRead;
    use crate::api::tokens::{CreateToken, RevokeToken};
    use crate::api::users::{CreateUser, SetUserDisabled, SetUserRoles};
    use crate::domain::catalog::{EnvironmentInput, ServiceInput, TemplateInput};
    use crate::model::TargetInput;

    /// The page address's parameters (`number` in `/changes/{number}/edit`).
    pub type Params = HashMap<String, String>;

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

    /// A server function's arguments, encoded as it declares its input.
    #[derive(Debug)]
    pub struct Call {
        pub content_type: &'static str,
        pub body: String,
    }

    fn call<F>(arguments: F) -> Result<Call, AppError>
    where
        F: ServerFn + Serialize,
        F::Protocol: DeclaredInput,
    {
        let content_type = <F::Protocol as DeclaredInput>::CONTENT_TYPE;
        let body = if content_type == "application/json" {
            serde_json::to_string(&arguments).map_err(|e| e.to_string())
        } else {
            serde_qs::to_string(&arguments).map_err(|e| e.to_string())
        };
        let body = body.map_err(|e| {
            tracing::error!(error = %e, "server function arguments did not encode");
            AppError::Internal
        })?;
        Ok(Call { content_type, body })
    }

    fn param(params: &Params, name: &str) -> String {
        params.get(name).cloned().unwrap_or_default()
    }

    fn number(params: &Params) -> Result<i64, AppError> {
        param(params, "number")
            .parse()
            .map_err(|_| AppError::NotFound)
    }

    /// The `{id}` of the address (a release, incident, deployment…).
    fn path_id(params: &Params) -> Result<uuid::Uuid, AppError> {
        uuid::Uuid::parse_str(&param(params, "id")).map_err(|_| AppError::NotFound)
    }

    /// An id a form carries in a hidden field.
    fn hidden_id(fields: &Fields, name: &str) -> Result<uuid::Uuid, AppError> {
        uuid::Uuid::parse_str(fields.text(name).trim()).map_err(|_| AppError::NotFound)
    }

    /// A number a form carries in a hidden field (a revision, say); one that
    /// does not read means the page is out of date.
    fn hidden_number(fields: &Fields, name: &str) -> Result<i32, AppError> {
        fields
            .text(name)
            .trim()
            .parse()
            .map_err(|_| AppError::Conflict("Reload the page and try again.".into()))
    }

    /// A decimal typed into `name`.
    fn decimal(fields: &Fields, name: &str) -> Result<f64, AppError> {
        match fields.text(name).trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(AppError::field(name, "Enter a number, such as 0.1.")),
        }
    }

    fn incident_page(params: &Params) -> String {
        format!("/incidents/{}", param(params, "id"))
    }

    fn release_page(params: &Params) -> String {
        format!("/releases/{}", param(params, "id"))
    }

    fn note_page(params: &Params) -> String {
        format!("/releases/{}/notes", param(params, "id"))
    }

    fn deployment_page(params: &Params) -> String {
        format!("/deployments/{}", param(params, "id"))
    }

    /// A posted id that may be left empty (a new template, all notifications).
    fn posted_optional_uuid(fields: &Fields, name: &str) -> Result<Option<uuid::Uuid>, AppError> {
        if fields.text(name).trim().is_empty() {
            Ok(None)
        } else {
            hidden_id(fields, name).map(Some)
        }
    }

    /// A returned id or number as it goes into an address.
    fn returned(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
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
    mod tests {
        use super::*;

        #[test]
        fn fields_become_the_calls_the_hydrated_forms_make() {
            let fields = Fields::from([
                ("title", "Rotate keys"),
                ("environments", "staging"),
                ("environments", "prod"),
                ("services", "api"),
                ("maintenance", "on"),
            ]);
            let params = Params::from([("number".to_string(), "7".to_string())]);
            let edit = PLAIN_FORMS
                .iter()
                .find(|f| f.route == "/changes/{number}/edit")
                .unwrap();
            let encoded = (edit.arguments)(&fields, &params).unwrap();
            assert_eq!(encoded.content_type, "application/json");
            let call: UpdateChangeRequest = serde_json::from_str(&encoded.body).unwrap();
            assert_eq!(call.number, 7);
            assert_eq!(call.input.title, "Rotate keys");
            assert_eq!(call.input.environments, vec!["staging", "prod"]);
            assert_eq!(call.input.services, vec!["api"]);
            assert!(call.input.maintenance);
            assert_eq!((edit.done)(&Value::from(7), &params), "/changes/7");
            assert_eq!((edit.page)(&params), "/changes/7/edit");

            let bad = Params::from([("number".to_string(), "x".to_string())]);
            assert!(matches!(
                (edit.arguments)(&fields, &bad),
                Err(AppError::NotFound)
            ));
        }

        #[test]
        fn a_url_encoded_function_gets_its_arguments_url_encoded() {
            let comment = PLAIN_FORMS
                .iter()
                .find(|f| f.route == "/changes/{number}/comments")
                .unwrap();
            let params = Params::from([("number".to_string(), "3".to_string())]);
            let encoded =
                (comment.arguments)(&Fields::from([("body", "Looks good & safe")]), &params)
                    .unwrap();
            assert_eq!(encoded.content_type, "application/x-www-form-urlencoded");
            let call: AddCrComment = serde_qs::from_str(&encoded.body).unwrap();
            assert_eq!(call.number, 3);
            assert_eq!(call.body, "Looks good & safe");
        }

        fn form(route: &str) -> &'static PlainForm {
            PLAIN_FORMS.iter().find(|f| f.route == route).unwrap()
        }

        #[test]
        fn a_new_incident_reads_its_component_boxes_and_statuses() {
            let id = uuid::Uuid::new_v4();
            let status_field = crate::model::status::component_status_field(id);
            let fields = Fields(vec![
                ("title".into(), "Checkout errors".into()),
                ("impact".into(), "minor".into()),
                ("status".into(), "investigating".into()),
                ("impact_started_at".into(), "2026-11-30T10:00".into()),
                ("body".into(), "Some requests fail.".into()),
                ("components".into(), id.to_string()),
                (status_field, "partial_outage".into()),
                ("publish".into(), "on".into()),
            ]);
            let open = form("/incidents/new");
            let encoded = (open.arguments)(&fields, &Params::new()).unwrap();
            assert_eq!(encoded.content_type, "application/json");
            let call: OpenIncident = serde_json::from_str(&encoded.body).unwrap();
            assert_eq!(call.input.title, "Checkout errors");
            assert!(call.input.publish);
            assert_eq!(call.input.components.len(), 1);
            assert_eq!(call.input.components[0].id, id);
            assert_eq!(
                call.input.components[0].status,
                crate::domain::status::ComponentStatus::PartialOutage
            );
            let created = uuid::Uuid::new_v4();
            assert_eq!(
                (open.done)(&serde_json::to_value(created).unwrap(), &Params::new()),
                format!("/incidents/{created}")
            );
            assert_eq!((open.page)(&Params::new()), "/incidents");

            // A value no option has is said beside its field.
            let bad = Fields::from([("impact", "apocalyptic"), ("status", "investigating")]);
            match (open.arguments)(&bad, &Params::new()) {
                Err(error) => assert!(error.field_errors().contains_key("impact")),
                Ok(_) => panic!("an unknown impact was sent"),
            }
        }

        #[test]
        fn each_route_is_one_form_and_secrets_are_shown_from_known_ones() {
            let mut routes: Vec<_> = PLAIN_FORMS.iter().map(|f| f.route).collect();
            routes.sort_unstable();
            let before = routes.len();
            routes.dedup();
            assert_eq!(routes.len(), before, "two plain forms share a route");
            for route in SHOWN_ONCE {
                form(route);
            }
            for secret in ["current_password", "new_password", "secret"] {
                assert!(NOT_KEPT.contains(&secret), "{secret} would be kept");
            }
        }

        #[test]
        fn an_incident_update_leaves_the_impact_unchanged_when_blank() {
            let id = uuid::Uuid::new_v4();
            let params = Params::from([("id".to_string(), id.to_string())]);
            let update = form("/incidents/{id}/updates");
            let fields = Fields::from([("status", "resolved"), ("impact", ""), ("body", "Fixed.")]);
            let call: PostIncidentUpdate =
                serde_json::from_str(&(update.arguments)(&fields, &params).unwrap().body).unwrap();
            assert_eq!(call.id, id);
            assert_eq!(call.input.impact, None);
            assert!(call.input.components.is_empty());
            assert_eq!((update.page)(&params), format!("/incidents/{id}"));
        }

        #[test]
        fn the_release_buttons_post_the_pressed_action_url_encoded() {
            let id = uuid::Uuid::new_v4();
            let params = Params::from([("id".to_string(), id.to_string())]);
            let act = form("/releases/{id}/act");
            let encoded = (act.arguments)(
                &Fields::from([("note", "Looks good"), ("action", "approve")]),
                &params,
            )
            .unwrap();
            assert_eq!(encoded.content_type, "application/x-www-form-urlencoded");
            let call: ReleaseAction = serde_qs::from_str(&encoded.body).unwrap();
            assert_eq!(call.id, id);
            assert_eq!(call.action, "approve");
            assert_eq!(call.note, "Looks good");
            assert_eq!((act.done)(&Value::Null, &params), format!("/releases/{id}"));
        }

        #[test]
        fn a_deploy_form_becomes_the_start_and_a_bad_step_stays_beside_its_field() {
            let id = uuid::Uuid::new_v4();
            let params = Params::from([("id".to_string(), id.to_string())]);
            let deploy = form("/releases/{id}/deploy");
            let fields = Fields::from([
                ("environment", "dev"),
                ("strategy", "canary"),
                ("canary_steps", "20:2, 50:promote"),
                ("bake_seconds", "30"),
            ]);
            let call: BeginDeployment =
                serde_json::from_str(&(deploy.arguments)(&fields, &params).unwrap().body).unwrap();
            assert_eq!(call.input.release, id);
            assert_eq!(call.input.environment, "dev");
            assert_eq!(call.input.params.canary_steps.len(), 2);
            assert_eq!(call.input.bake_seconds, Some(30));

            let bad = Fields::from([("strategy", "canary"), ("canary_steps", "ten:2")]);
            match (deploy.arguments)(&bad, &params) {
                Err(error) => assert!(error.field_errors().contains_key("canary_steps")),
                Ok(_) => panic!("a bad canary step was sent"),
            }
        }

        #[test]
        fn deleting_a_component_asks_first() {
            let id = uuid::Uuid::new_v4();
            let params = Params::from([("id".to_string(), id.to_string())]);
            let delete = form("/admin/components/{id}/delete");
            match (delete.arguments)(&Fields::from([("id", "x")]), &params) {
                Err(error) => assert_eq!(
                    error.field_message("confirm_delete").as_deref(),
                    Some(CONFIRM_DELETE)
                ),
                Ok(_) => panic!("deleted without asking"),
            }
            let encoded =
                (delete.arguments)(&Fields::from([("confirmed", "yes")]), &params).unwrap();
            let call: DeleteComponent = serde_qs::from_str(&encoded.body).unwrap();
            assert_eq!(call.id, id);
        }

        #[test]
        fn a_deploy_target_posts_its_fields_as_the_editor_sends_them() {
            let target = form("/admin/targets");
            let fields = Fields::from([
                ("service", "api"),
                ("environment", "dev"),
                ("kind", "command"),
                ("program", "/usr/local/bin/deploy"),
                ("args", "--fast\n--quiet"),
                ("url", ""),
                ("secret", ""),
                ("timeout_seconds", "soon"),
            ]);
            let encoded = (target.arguments)(&fields, &Params::new()).unwrap();
            assert_eq!(encoded.content_type, "application/json");
            let call: SaveTarget = serde_json::from_str(&encoded.body).unwrap();
            assert_eq!(call.input.service, "api");
            assert_eq!(call.input.kind, "command");
            assert_eq!(call.input.args, "--fast\n--quiet");
            // Checked by the server function, not here: it says why beside the field.
            assert_eq!(call.input.timeout_seconds, "soon");
            assert_eq!(call.input.health_command, "");
            assert_eq!((target.page)(&Params::new()), "/admin/targets");
        }

        #[test]
        fn roles_post_url_encoded_and_may_be_none() {
            let roles = form("/admin/users/roles");
            let id = uuid::Uuid::new_v4();
            let fields = Fields(vec![
                ("form".into(), "roles".into()),
                ("user_id".into(), id.to_string()),
                ("roles".into(), "approver".into()),
                ("roles".into(), "engineer".into()),
            ]);
            let encoded = (roles.arguments)(&fields, &Params::new()).unwrap();
            assert_eq!(encoded.content_type, "application/x-www-form-urlencoded");
            // Decoded as the server function decodes it.
            let decode = |body: &str| {
                serde_qs::Config::new(5, false)
                    .deserialize_str::<SetUserRoles>(body)
                    .unwrap()
            };
            let call = decode(&encoded.body);
            assert_eq!(call.user_id, id);
            assert_eq!(call.roles, vec!["approver", "engineer"]);

            let none = Fields(vec![("user_id".into(), id.to_string())]);
            let call = decode(&(roles.arguments)(&none, &Params::new()).unwrap().body);
            assert!(call.roles.is_empty());

            let tampered = Fields::from([("user_id", "me")]);
            assert!(matches!(
                (roles.arguments)(&tampered, &Params::new()),
                Err(AppError::NotFound)
            ));
        }

        #[test]
        fn a_template_without_an_id_is_a_new_one() {
            let save = form("/admin/templates");
            let fields = Fields::from([
                ("form", "template"),
                ("id", ""),
                ("name", "Certificate renewal"),
                ("title", "Renew TLS certificate"),
                ("environments", "prod"),
                ("duration_minutes", "30"),
            ]);
            let encoded = (save.arguments)(&fields, &Params::new()).unwrap();
            let call: SaveTemplate = serde_json::from_str(&encoded.body).unwrap();
            assert_eq!(call.id, None);
            assert_eq!(call.input.name, "Certificate renewal");
            assert_eq!(call.input.cr.title, "Renew TLS certificate");
            assert_eq!(call.input.cr.environments, vec!["prod"]);

            let id = uuid::Uuid::new_v4();
            let edit = Fields(vec![("id".into(), id.to_string())]);
            let call: SaveTemplate =
                serde_json::from_str(&(save.arguments)(&edit, &Params::new()).unwrap().body)
                    .unwrap();
            assert_eq!(call.id, Some(id));
        }

        #[test]
        fn an_environment_edit_keeps_its_original_key_and_protection() {
            let save = form("/admin/environments");
            let fields = Fields::from([
                ("form", "environment"),
                ("original", "perf"),
                ("key", "perf"),
                ("name", "Performance"),
                ("protected", "on"),
                ("required_approvals", "1"),
            ]);
            let call: SaveEnvironment =
                serde_json::from_str(&(save.arguments)(&fields, &Params::new()).unwrap().body)
                    .unwrap();
            assert_eq!(call.original, "perf");
            assert_eq!(call.input.key, "perf");
            assert!(call.input.protected);
            assert!(call.input.validate().is_ok());
        }

        #[test]
        fn a_retry_names_its_job_by_number() {
            let retry = form("/admin/jobs");
            let call = serde_qs::Config::new(5, false)
                .deserialize_str::<RetryJob>(
                    &(retry.arguments)(&Fields::from([("id", "42")]), &Params::new())
                        .unwrap()
                        .body,
                )
                .unwrap();
            assert_eq!(call.id, 42);
            assert!(matches!(
                (retry.arguments)(&Fields::from([("id", "x")]), &Params::new()),
                Err(AppError::NotFound)
            ));
        }

        #[test]
        fn a_returned_id_goes_into_the_address_without_quotes() {
            let id = uuid::Uuid::new_v4();
            let create = PLAIN_FORMS
                .iter()
                .find(|f| f.route == "/releases/new")
                .unwrap();
            assert_eq!(
                (create.done)(&serde_json::to_value(id).unwrap(), &Params::new()),
                format!("/releases/{id}")
            );
        }
    }
}
