//! The services list and the form that adds one.

use crate::api::catalog::SaveService;
use crate::domain::catalog::ServiceInput;
use crate::error::AppError;
use crate::model::ServiceView;
use crate::ui::components::form::{
    action_errors, aria_invalid, keep_typed, latest_errors, FieldError, FormErrors,
};
use crate::ui::components::loaded::loaded;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The fields the form shows a message beside; any other goes on top.
const FIELDS: &[&str] = &["key", "name", "description"];

#[component]
pub fn ServicesSection(
    services: Resource<Result<Vec<ServiceView>, AppError>>,
    save: ServerAction<SaveService>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, action_errors(save));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            key.set(String::new());
            name.set(String::new());
            description.set(String::new());
        }
    });
    let invalid = move |field: &'static str| aria_invalid(errors, field);
    view! {
        <section class="card">
            <h2>"Services"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || loaded(async move {
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
            <form class="form" novalidate on:submit=move |ev| {
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
                <h3>"Add a service"</h3>
                <FormErrors errors shown=FIELDS />
                <div class="form-grid">
                    <div class="field">
                        <label for="service-key">"Key"</label>
                        <input id="service-key" type="text" placeholder="api" use:keep_typed=key bind:value=key aria-invalid=invalid("key") />
                        <FieldError errors field="key" />
                    </div>
                    <div class="field">
                        <label for="service-name">"Name"</label>
                        <input id="service-name" type="text" placeholder="Public API" use:keep_typed=name bind:value=name aria-invalid=invalid("name") />
                        <FieldError errors field="name" />
                    </div>
                    <div class="field">
                        <label for="service-description">"Description"</label>
                        <input id="service-description" type="text" use:keep_typed=description bind:value=description aria-invalid=invalid("description") />
                        <FieldError errors field="description" />
                    </div>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Add service"</button>
            </form>
        </section>
    }
}
