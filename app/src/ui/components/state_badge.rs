//! Colored badges for change-request, release and deployment states.

use crate::domain::change_request::{ChangeClass, CrStatus};
use leptos::prelude::*;

fn status_class(status: CrStatus) -> &'static str {
    use CrStatus::*;
    match status {
        Draft | Cancelled => "badge badge-gray",
        Submitted | InReview => "badge badge-amber",
        Approved | Scheduled => "badge badge-blue",
        Implementing | Validating => "badge badge-purple",
        Closed => "badge badge-green",
        Rejected => "badge badge-red",
    }
}

#[component]
pub fn StatusBadge(status: CrStatus) -> impl IntoView {
    view! { <span class=status_class(status) data-status=status.as_str()>{status.label()}</span> }
}

#[component]
pub fn ClassBadge(class: ChangeClass) -> impl IntoView {
    let css = match class {
        ChangeClass::Emergency => "badge badge-red",
        ChangeClass::Standard => "badge badge-green",
        ChangeClass::Normal => "badge badge-gray",
    };
    view! { <span class=css>{class.label()}</span> }
}

#[component]
pub fn ReleaseStatusBadge(status: crate::domain::release::ReleaseStatus) -> impl IntoView {
    use crate::domain::release::ReleaseStatus::*;
    let css = match status {
        Planned => "badge badge-gray",
        Approved => "badge badge-blue",
        Deploying => "badge badge-purple",
        Deployed => "badge badge-green",
        Failed | RolledBack => "badge badge-red",
    };
    view! { <span class=css data-status=status.as_str()>{status.label()}</span> }
}

/// A deployment's badge, in the words of its phase: a succeeded deployment
/// still in its bake time says "Baking · 4 min left", not "Succeeded".
/// `data-state` keeps the machine's state, `data-phase` adds `baking`.
#[component]
pub fn DeploymentStateBadge(phase: crate::domain::deploy::DeploymentPhase) -> impl IntoView {
    use crate::domain::deploy::DeploymentState::*;
    let css = match phase.state {
        _ if phase.is_baking() => "badge badge-blue",
        Pending | WaitingForGates => "badge badge-amber",
        Running => "badge badge-purple",
        Paused => "badge badge-amber",
        Succeeded => "badge badge-green",
        Failed | RolledBack | RollingBack => "badge badge-red",
        Aborted => "badge badge-gray",
    };
    view! { <span class=css data-state=phase.state.as_str() data-phase=phase.key()>{phase.label()}</span> }
}

/// A status-page component's status.
#[component]
pub fn ComponentStatusBadge(status: crate::domain::status_page::ComponentStatus) -> impl IntoView {
    use crate::domain::status_page::ComponentStatus::*;
    let css = match status {
        Operational => "badge badge-green",
        UnderMaintenance => "badge badge-blue",
        DegradedPerformance => "badge badge-amber",
        PartialOutage | MajorOutage => "badge badge-red",
    };
    view! { <span class=css data-status=status.as_str()>{status.label()}</span> }
}

/// An incident's impact.
#[component]
pub fn ImpactBadge(impact: crate::domain::status_page::Impact) -> impl IntoView {
    use crate::domain::status_page::Impact::*;
    let css = match impact {
        None => "badge badge-gray",
        Minor => "badge badge-amber",
        Major | Critical => "badge badge-red",
    };
    view! { <span class=css>{format!("{} impact", impact.label())}</span> }
}

/// An incident's status.
#[component]
pub fn IncidentStatusBadge(status: crate::domain::status_page::IncidentStatus) -> impl IntoView {
    let css = if status.is_open() {
        "badge badge-amber"
    } else {
        "badge badge-green"
    };
    view! { <span class=css data-status=status.as_str()>{status.label()}</span> }
}
