//! Every form that works without JavaScript ([`PLAIN_FORMS`]): where it
//! posts, the server function it calls and how its fields become that
//! call, and where it answers to.

use super::call::Call;
use super::read::Params;
use crate::domain::Fields;
use crate::error::AppError;
use serde_json::Value;

mod account;
mod admin;
mod changes;
mod deployments;
mod releases;
mod status;

pub use changes::CONFIRM_CANCEL;
pub use status::CONFIRM_DELETE;

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

/// Every form that works without JavaScript.
pub static PLAIN_FORMS: &[PlainForm] = &[
    changes::CREATE_CHANGE,
    changes::EDIT_CHANGE,
    changes::COMMENT_ON_CHANGE,
    changes::ACT_ON_CHANGE,
    changes::CREATE_FREEZE,
    releases::CREATE_RELEASE,
    releases::EDIT_RELEASE,
    // The release page: its workflow and record-by-hand buttons (the
    // pressed one's `action`), and the deploy form.
    releases::ACT_ON_RELEASE,
    releases::DEPLOY_RELEASE,
    releases::SAVE_RELEASE_NOTE,
    releases::PUBLISH_RELEASE_NOTE,
    // A deployment's buttons (the pressed one's `action`) and the
    // simulated fleet.
    deployments::ACT_ON_DEPLOYMENT,
    deployments::SET_FLEET,
    // The status page's back office: incidents…
    status::OPEN_INCIDENT,
    status::PUBLISH_INCIDENT,
    status::DISCARD_INCIDENT,
    status::UPDATE_INCIDENT,
    // …maintenance windows…
    status::SCHEDULE_MAINTENANCE,
    status::MOVE_MAINTENANCE,
    // …and components.
    status::SAVE_COMPONENT,
    status::SET_COMPONENT_STATUS,
    status::DELETE_COMPONENT,
    status::SET_ROLLBACK_INCIDENT,
    // Account and administration. Where one page has several forms, each
    // posts a hidden `form` field its page tells the kept one apart by.
    account::CHANGE_PASSWORD,
    account::CREATE_TOKEN,
    account::REVOKE_TOKEN,
    admin::CREATE_USER,
    admin::SET_USER_ROLES,
    admin::SET_USER_DISABLED,
    admin::SAVE_TARGET,
    admin::SAVE_TEMPLATE,
    admin::ARCHIVE_TEMPLATE,
    admin::SAVE_ENVIRONMENT,
    admin::SAVE_SERVICE,
    account::MARK_NOTIFICATIONS_READ,
    admin::RETRY_JOB,
];

#[cfg(test)]
mod tests;
