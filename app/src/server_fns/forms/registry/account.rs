//! Plain forms of a person's own things: password, API tokens and
//! notifications.

use super::PlainForm;
use crate::server_fns::account::ChangePassword;
use crate::server_fns::forms::call::call;
use crate::server_fns::forms::read::{hidden_id, posted_optional_uuid};
use crate::server_fns::notifications::MarkNotificationsRead;
use crate::server_fns::tokens::{CreateToken, RevokeToken};
use leptos::server_fn::ServerFn;

/// The account page's password change.
pub(super) const CHANGE_PASSWORD: PlainForm = PlainForm {
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
};

/// A new personal API token.
pub(super) const CREATE_TOKEN: PlainForm = PlainForm {
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
};

/// Revoking a personal API token.
pub(super) const REVOKE_TOKEN: PlainForm = PlainForm {
    route: "/account/tokens/revoke",
    server_fn: <RevokeToken as ServerFn>::PATH,
    arguments: |fields, _| {
        call(RevokeToken {
            id: hidden_id(fields, "id")?,
        })
    },
    done: |_, _| "/account/tokens".into(),
    page: |_| "/account/tokens".into(),
};

/// Marking one notification (or all) read.
pub(super) const MARK_NOTIFICATIONS_READ: PlainForm = PlainForm {
    route: "/notifications",
    server_fn: <MarkNotificationsRead as ServerFn>::PATH,
    arguments: |fields, _| {
        call(MarkNotificationsRead {
            id: posted_optional_uuid(fields, "id")?,
        })
    },
    done: |_, _| "/notifications".into(),
    page: |_| "/notifications".into(),
};
