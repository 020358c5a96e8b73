//! Plain forms of administration: accounts, deploy targets, templates,
//! environments and services, and jobs.

use super::PlainForm;
use crate::domain::catalog::{EnvironmentInput, ServiceInput, TemplateInput};
use crate::error::AppError;
use crate::model::TargetInput;
use crate::server_fns::catalog::{ArchiveTemplate, SaveEnvironment, SaveService, SaveTemplate};
use crate::server_fns::deployments::{RetryJob, SaveTarget};
use crate::server_fns::forms::call::call;
use crate::server_fns::forms::read::{hidden_id, posted_optional_uuid};
use crate::server_fns::users::{CreateUser, SetUserDisabled, SetUserRoles};
use leptos::server_fn::ServerFn;

/// A new account.
pub(super) const CREATE_USER: PlainForm = PlainForm {
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
};

/// An account's roles.
pub(super) const SET_USER_ROLES: PlainForm = PlainForm {
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
};

/// Disabling or enabling an account.
pub(super) const SET_USER_DISABLED: PlainForm = PlainForm {
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
};

/// A deploy target's editor.
pub(super) const SAVE_TARGET: PlainForm = PlainForm {
    route: "/admin/targets",
    server_fn: <SaveTarget as ServerFn>::PATH,
    arguments: |fields, _| {
        call(SaveTarget {
            input: TargetInput::from_fields(fields),
        })
    },
    done: |_, _| "/admin/targets".into(),
    page: |_| "/admin/targets".into(),
};

/// A standard-change template's editor (no id makes one).
pub(super) const SAVE_TEMPLATE: PlainForm = PlainForm {
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
};

/// Archiving or restoring a template.
pub(super) const ARCHIVE_TEMPLATE: PlainForm = PlainForm {
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
};

/// An environment's editor.
pub(super) const SAVE_ENVIRONMENT: PlainForm = PlainForm {
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
};

/// The new service form.
pub(super) const SAVE_SERVICE: PlainForm = PlainForm {
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
};

/// Retrying a background job.
pub(super) const RETRY_JOB: PlainForm = PlainForm {
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
};
