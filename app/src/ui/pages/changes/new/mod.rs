//! Filing a change request and editing a draft; the form both use is in
//! `form`.

mod form;

use crate::domain::cr_form::CrInput;
use crate::domain::Permission;
use crate::error::AppError;
use crate::server_fns::catalog::{list_services, list_templates};
use crate::server_fns::change_requests::{get_change_request, list_environments};
use crate::server_fns::forms::use_kept_form;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::starting;
use crate::ui::components::loaded::loads;
use form::ChangeForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// Filing a change request: every field of the seed's `ChangeRequest`,
/// checked in the browser with the rules the server applies.
#[component]
pub fn NewChangePage() -> impl IntoView {
    // Made before anything is awaited, so the server and the browser number
    // them alike (see `components::loaded`).
    let environments = Resource::new(|| (), |_| list_environments());
    let templates = Resource::new(|| (), |_| list_templates(false));
    let services = Resource::new(|| (), |_| list_services());
    let kept = use_kept_form();
    view! {
        <RequirePermission permission=Permission::FileChange what="New change request">
            <Title text="New change request" />
            <header class="page-header">
                <div>
                    <p class="eyebrow"><a href="/changes">"Change requests"</a></p>
                    <h1>"New change request"</h1>
                    <p class="muted">"It starts as a draft; submit it for review when it is ready."</p>
                </div>
            </header>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let environments = environments.await?;
                    let templates = templates.await.unwrap_or_default();
                    let services = services.await?;
                    let (initial, errors) = starting(kept.await?, CrInput::blank(), CrInput::from_fields);
                    Ok::<_, AppError>(view! {
                        <ChangeForm initial errors number=None environments services templates />
                    })
                })}
            </Suspense>
        </RequirePermission>
    }
}

/// Editing a draft change request: the filing form with what it says now.
#[component]
pub fn EditChangePage() -> impl IntoView {
    let number = super::route_number();
    let change = Resource::new(number, get_change_request);
    let environments = Resource::new(|| (), |_| list_environments());
    let templates = Resource::new(|| (), |_| list_templates(false));
    let services = Resource::new(|| (), |_| list_services());
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let cr = change.await?;
                let environments = environments.await?;
                let templates = templates.await.unwrap_or_default();
                let services = services.await?;
                let kept = kept.await?;
                let header = view! {
                    <Title text=format!("Edit CR-{}", cr.number) />
                    <header class="page-header">
                        <div>
                            <p class="eyebrow"><a href="/changes">"Change requests"</a>" / "<a href=format!("/changes/{}", cr.number)>{format!("CR-{}", cr.number)}</a></p>
                            <h1>{format!("Edit CR-{}", cr.number)}</h1>
                            <p class="muted">"Drafts can be edited by their requester; the edit goes on the timeline."</p>
                        </div>
                    </header>
                };
                Ok::<_, AppError>(if cr.editable {
                    let (initial, errors) = starting(kept, CrInput::from(&cr), CrInput::from_fields);
                    view! { {header}<ChangeForm initial errors number=Some(cr.number) environments services templates /> }.into_any()
                } else {
                    view! {
                        {header}
                        <div class="card empty-state" data-testid="not-editable">
                            <p>{format!("CR-{} is {} and can no longer be edited: only drafts are, by their requester.", cr.number, cr.status.label().to_lowercase())}</p>
                            <p><a href=format!("/changes/{}", cr.number)>"Back to the change request"</a></p>
                        </div>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
