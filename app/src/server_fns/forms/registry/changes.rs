//! Plain forms of change requests and the calendar's freeze windows.

use super::PlainForm;
use crate::domain::cr_form::CrInput;
use crate::error::AppError;
use crate::server_fns::change_requests::{
    AddCrComment, ChangeRequestAction, CreateChangeRequest, CreateFreeze, UpdateChangeRequest,
};
use crate::server_fns::forms::call::call;
use crate::server_fns::forms::pages::returned;
use crate::server_fns::forms::read::{number, param};
use leptos::server_fn::ServerFn;

/// What a plain post of *Cancel request* is answered with: the page
/// shows the confirmation (field `confirm`) with this message.
pub const CONFIRM_CANCEL: &str =
    "Cancelling cannot be undone. Press \"Yes, cancel it\" to confirm.";

/// The new change request form.
pub(super) const CREATE_CHANGE: PlainForm = PlainForm {
    route: "/changes/new",
    server_fn: <CreateChangeRequest as ServerFn>::PATH,
    arguments: |fields, _| {
        call(CreateChangeRequest {
            input: CrInput::from_fields(fields),
        })
    },
    done: |out, _| format!("/changes/{}", returned(out)),
    page: |_| "/changes/new".into(),
};

/// A draft change request's edit form.
pub(super) const EDIT_CHANGE: PlainForm = PlainForm {
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
};

/// A change request's comment box.
pub(super) const COMMENT_ON_CHANGE: PlainForm = PlainForm {
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
};

/// A change request's workflow buttons (the pressed one's `action`).
pub(super) const ACT_ON_CHANGE: PlainForm = PlainForm {
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
};

/// The calendar's new freeze window form.
pub(super) const CREATE_FREEZE: PlainForm = PlainForm {
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
};
