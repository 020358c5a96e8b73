//! The change request page's prompt when the deployment implementing it was
//! rolled back: what happened, and the next steps the workflow allows. An
//! approved change does not go back to draft (PRODUCT.md: only a rejected
//! one is reworked), so the choices are trying again with a fixed release
//! while it stays open, or cancelling it.

use crate::domain::change_request::CrStatus;
use crate::domain::Permission;
use crate::model::RolledBackDeployment;
use crate::ui::components::access::may;
use crate::ui::format;
use leptos::prelude::*;

/// Whether the page asks what comes next: a linked deployment rolled back
/// while the change request is still being implemented or validated.
pub fn asks(status: CrStatus, rolled_back: Option<&RolledBackDeployment>) -> bool {
    rolled_back.is_some() && matches!(status, CrStatus::Implementing | CrStatus::Validating)
}

/// The prompt above the "Next step" buttons; `may_cancel` is whether the
/// viewer's buttons include cancelling.
#[component]
pub fn RollbackPrompt(
    number: i64,
    status: CrStatus,
    deployment: RolledBackDeployment,
    may_cancel: bool,
) -> impl IntoView {
    let d = deployment;
    let how = if d.automatic {
        "Rolled back automatically"
    } else {
        "Rolled back"
    };
    let plan_fix = may(Permission::PlanRelease);
    view! {
        <div class="alert alert-warn" role="status" data-testid="rollback-prompt">
            <p>
                <strong>{how}": "</strong>
                <a href=format!("/deployments/{}", d.id)>{format!("D-{}", d.number)}</a>
                {format!(" ({} {} to {})", d.service, d.version, d.environment)}
                {d.finished_at.map(|at| format!(" on {}", format::datetime(at)))}
            </p>
            {d.reason.clone().map(|r| view! { <p class="small">{r}</p> })}
            <p>{format!("CR-{number} is still {}. What next:", status.label().to_lowercase())}</p>
            <ul>
                <li>
                    <strong>"Try again: "</strong>
                    {format!("plan a release with the fix that ships CR-{number}, and deploy it; the request stays open meanwhile.")}
                    {plan_fix.then(|| view! { " "<a href="/releases/new">"Plan a release"</a> })}
                </li>
                <li>
                    <strong>"Give up: "</strong>
                    {if may_cancel {
                        "cancel the request below, with a reason."
                    } else {
                        "its requester or a release manager may cancel it."
                    }}
                </li>
                <li>"It does not go back to draft once approved: to rework what was approved, cancel it and file a new change request."</li>
            </ul>
            <p class="small"><a href=format!("/releases/{}", d.release_id)>"The release and its deployments"</a></p>
        </div>
    }
}
