//! The services list and the form that adds one.

use crate::domain::catalog::ServiceInput;
use crate::error::AppError;
use crate::model::ServiceView;
use crate::server_fns::catalog::SaveService;
use crate::server_fns::forms::KeptForm;
use crate::ui::components::field::Field;
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_typed, latest_errors, starting, FormErrors,
};
use crate::ui::components::loaded::loads;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The fields the form shows a message beside; any other goes on top.
const FIELDS: &[&str] = &["key", "name", "description"];

#[component]
pub fn ServicesSection(
    services: Resource<Result<Vec<ServiceView>, AppError>>,
    save: ServerAction<SaveService>,
    /// The page's refused plain post, if it was this form's (`form=service`).
    kept: Resource<Result<Option<KeptForm>, AppError>>,
) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Services"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let list = services.await?;
                    Ok::<_, AppError>(if list.is_empty() {
                        view! { <p class="muted">"No services yet. Add the deployable units releases belong to."</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap"><table class="table" data-testid="services">
                                <thead><tr><th>"Key"</th><th>"Name"</th><th>"Description"</th><th>"Releases"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! {
                                        <tr>
                                            <td data-label="Key"><code>{s.key.clone()}</code></td>
                                            <td data-label="Name">{s.name.clone()}</td>
                                            <td data-label="Description">{s.description.clone()}</td>
                                            <td data-label="Releases"><a href=format!("/releases?service={}", s.key)>{s.release_count}</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    })
                })}
            </Suspense>
            <Suspense>
                {move || Suspend::new(async move {
                    let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") == "service");
                    view! { <ServiceForm save kept /> }
                })}
            </Suspense>
        </section>
    }
}

/// Adding a service. Before hydration or without JavaScript it posts its
/// named fields to `/admin/environments/services` (`server_fns::forms`); a refusal
/// comes back as `kept`.
#[component]
fn ServiceForm(save: ServerAction<SaveService>, kept: Option<KeptForm>) -> impl IntoView {
    let (typed, kept_errors) = starting(kept, ServiceInput::default(), ServiceInput::from_fields);
    let key = RwSignal::new(typed.key.clone());
    let name = RwSignal::new(typed.name.clone());
    let description = RwSignal::new(typed.description.clone());
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, errors_or_kept(save, kept_errors));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            key.set(String::new());
            name.set(String::new());
            description.set(String::new());
        }
    });
    let invalid = move |field: &'static str| aria_invalid(errors, field);
    view! {
            <form class="form" method="post" action="/admin/environments/services" novalidate on:submit=move |ev| {
                ev.prevent_default();
                let input = ServiceInput { key: key.get_untracked(), name: name.get_untracked(), description: description.get_untracked() };
                match input.validate() {
                    Ok(_) => {
                        checked.set(BTreeMap::new());
                        save.dispatch(SaveService { id: None, input });
                    }
                    Err(found) => checked.set(found),
                }
            }>
                <input type="hidden" name="form" value="service" />
                <h3>"Add a service"</h3>
                <FormErrors errors shown=FIELDS />
                <div class="form-grid">
                    <Field label="Key" id="service-key" errors field="key">
                        <input id="service-key" name="key" type="text" placeholder="api" value=typed.key use:keep_typed=key bind:value=key aria-invalid=invalid("key") />
                    </Field>
                    <Field label="Name" id="service-name" errors field="name">
                        <input id="service-name" name="name" type="text" placeholder="Public API" value=typed.name use:keep_typed=name bind:value=name aria-invalid=invalid("name") />
                    </Field>
                    <Field label="Description" id="service-description" errors field="description">
                        <input id="service-description" name="description" type="text" value=typed.description use:keep_typed=description bind:value=description aria-invalid=invalid("description") />
                    </Field>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Add service"</button>
            </form>
    }
}
