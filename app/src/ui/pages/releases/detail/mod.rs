//! The release plan page: what ships, where, the plan and the timeline, in
//! parts: the release and its workflow (`release`), the plan as read
//! (`plan_view`) and its editor (`plan_editor`, rows in `plan_rows`).

mod plan_editor;
mod plan_rows;
mod plan_view;
mod release;

use crate::error::AppError;
use crate::server_fns::deployments::deployment_options;
use crate::server_fns::forms::use_kept_form;
use crate::server_fns::releases::{get_release, ReleaseAction, SaveReleasePlan};
use crate::ui::components::form::saves;
use crate::ui::components::loaded::loads;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use release::ReleaseView;
use uuid::Uuid;

/// The release plan page: what ships, where, the plan and the timeline.
#[component]
pub fn ReleaseDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let act = ServerAction::<ReleaseAction>::new();
    let act_saves = saves(act);
    let save = ServerAction::<SaveReleasePlan>::new();
    let save_saves = saves(save);
    let release = Resource::new(
        move || (id(), act_saves.get(), save_saves.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_release(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let deploy = Resource::new(
        move || (id(), act_saves.get()),
        |(id, _)| async move {
            match id {
                Some(id) => deployment_options(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // The workflow, record-by-hand and deploy forms posted before
    // hydration and refused come back here.
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let release = release.await?;
                let deploy = deploy.await?;
                // Once the page sent a form itself, it starts afresh.
                let fresh = act.value().with_untracked(|v| v.is_none())
                    && save.value().with_untracked(|v| v.is_none());
                let kept = kept.await?.filter(|_| fresh);
                Ok::<_, AppError>(view! { <ReleaseView release deploy act save kept /> })
            })}
        </Suspense>
    }
}
