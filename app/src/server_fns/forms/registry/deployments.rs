//! Plain forms of a deployment's page: its buttons and the simulated fleet.

use super::PlainForm;
use crate::server_fns::deployments::{DeploymentAction, SetFleet};
use crate::server_fns::forms::call::call;
use crate::server_fns::forms::pages::deployment_page;
use crate::server_fns::forms::read::{decimal, hidden_id, path_id};
use leptos::server_fn::ServerFn;

/// A deployment's buttons (the pressed one's `action`).
pub(super) const ACT_ON_DEPLOYMENT: PlainForm = PlainForm {
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
};

/// A deployment's simulated fleet.
pub(super) const SET_FLEET: PlainForm = PlainForm {
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
};
