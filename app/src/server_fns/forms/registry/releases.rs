//! Plain forms of releases: filing, editing, their buttons, deploying
//! and release notes.

use super::PlainForm;
use crate::domain::release_note::NoteSections;
use crate::domain::release_plan::ReleaseInput;
use crate::error::AppError;
use crate::model::deploy_form::DeployForm;
use crate::server_fns::deployments::BeginDeployment;
use crate::server_fns::forms::call::call;
use crate::server_fns::forms::pages::{note_page, release_page, returned};
use crate::server_fns::forms::read::{hidden_number, param, path_id};
use crate::server_fns::releases::{CreateRelease, ReleaseAction, UpdateRelease};
use crate::server_fns::status_page::{PublishReleaseNote, SaveReleaseNote};
use leptos::server_fn::ServerFn;

/// The new release form.
pub(super) const CREATE_RELEASE: PlainForm = PlainForm {
    route: "/releases/new",
    server_fn: <CreateRelease as ServerFn>::PATH,
    arguments: |fields, _| {
        call(CreateRelease {
            input: ReleaseInput::from_fields(fields),
        })
    },
    done: |out, _| format!("/releases/{}", returned(out)),
    page: |_| "/releases/new".into(),
};

/// A planned release's edit form.
pub(super) const EDIT_RELEASE: PlainForm = PlainForm {
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
};

/// The release page's workflow and record-by-hand buttons (the pressed
/// one's `action`).
pub(super) const ACT_ON_RELEASE: PlainForm = PlainForm {
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
};

/// The release page's deploy form.
pub(super) const DEPLOY_RELEASE: PlainForm = PlainForm {
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
};

/// A release note's editor.
pub(super) const SAVE_RELEASE_NOTE: PlainForm = PlainForm {
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
};

/// Publishing (or withdrawing) a release note.
pub(super) const PUBLISH_RELEASE_NOTE: PlainForm = PlainForm {
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
};
