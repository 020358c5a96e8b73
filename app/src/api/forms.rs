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

#[cfg(feature = "ssr")]
pub use plain::*;

#[cfg(feature = "ssr")]
mod plain {
    use super::*;
    use crate::api::change_requests::{
        AddCrComment, ChangeRequestAction, CreateChangeRequest, CreateFreeze, UpdateChangeRequest,
    };
    use crate::api::registry::DeclaredInput;
    use crate::api::releases::{CreateRelease, UpdateRelease};
    use crate::domain::cr_form::CrInput;
    use crate::domain::release_plan::ReleaseInput;
    use leptos::server_fn::ServerFn;
    use serde_json::Value;
    use std::collections::HashMap;

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

    fn release_id(params: &Params) -> Result<uuid::Uuid, AppError> {
        uuid::Uuid::parse_str(&param(params, "id")).map_err(|_| AppError::NotFound)
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
                    id: release_id(params)?,
                    input: ReleaseInput::from_fields(fields),
                })
            },
            done: |_, params| format!("/releases/{}", param(params, "id")),
            page: |params| format!("/releases/{}/edit", param(params, "id")),
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
