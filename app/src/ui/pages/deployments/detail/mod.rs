//! The live progress page: steps with a progress bar and the current
//! weight, each trigger's chart, the log as it is written, and the manual
//! actions. Server-rendered first; in the browser an EventSource on
//! `/deployments/{id}/events` replaces the data whenever the engine writes.

mod live;

use crate::error::AppError;
use crate::server_fns::deployments::get_deployment;
use crate::server_fns::forms::use_kept_form;
use crate::ui::components::loaded::loads;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use live::Live;
use uuid::Uuid;

/// A deploy target's kind in words.
fn target_label(kind: &str) -> String {
    match kind {
        "command" => "Command".into(),
        "webhook" => "Signed webhook".into(),
        "simulated" => "Simulated fleet".into(),
        other => other.replace('_', " "),
    }
}

#[component]
pub fn DeploymentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let deployment = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_deployment(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // A button or the fleet form posted before hydration and refused comes
    // back here.
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let detail = deployment.await?;
                let kept = kept.await?;
                Ok::<_, AppError>(view! { <Live detail kept /> })
            })}
        </Suspense>
    }
}
