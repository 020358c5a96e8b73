use crate::api::catalog::{list_templates, ArchiveTemplate, SaveTemplate};
use crate::api::change_requests::list_environments;
use crate::domain::catalog::TemplateInput;
use crate::domain::change_request::{ChangeType, Impact, RiskLevel};
use crate::domain::cr_form::CrInput;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::TemplateView;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{
    action_errors, aria_invalid, choices, keep_typed, latest_errors, options, saves,
    EnvironmentPicker, FieldError, FormErrors, NO_FIELDS,
};
use crate::ui::components::loaded::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The fields the editor shows a message beside (`TemplateInput::validate`
/// and `server::templates::save` name no others); any other goes on top.
const FIELDS: &[&str] = &[
    "name",
    "title",
    "change_type",
    "impact",
    "risk",
    "duration_minutes",
    "description",
    "environments",
    "implementation_plan",
    "rollback_plan",
    "testing_plan",
];

fn input_of(t: &TemplateView) -> TemplateInput {
    TemplateInput {
        name: t.name.clone(),
        cr: CrInput {
            title: t.title.clone(),
            description: t.description.clone(),
            change_type: t.change_type.as_str().into(),
            impact: t.impact.as_str().into(),
            risk: t.risk.as_str().into(),
            environments: t.environments.clone(),
            duration_minutes: t.duration_minutes.to_string(),
            implementation_plan: t.implementation_plan.clone(),
            rollback_plan: t.rollback_plan.clone(),
            testing_plan: t.testing_plan.clone(),
            ..Default::default()
        },
    }
}

/// Administrators maintain the pre-approved standard changes engineers file
/// without review.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::Administer what="Standard changes">
            <TemplatesAdmin />
        </RequirePermission>
    }
}

#[component]
fn TemplatesAdmin() -> impl IntoView {
    let save = ServerAction::<SaveTemplate>::new();
    let save_saves = saves(save);
    let archive = ServerAction::<ArchiveTemplate>::new();
    let archive_saves = saves(archive);
    let templates = Resource::new(
        move || (save_saves.get(), archive_saves.get()),
        |_| list_templates(true),
    );
    // `Some(None)`: a new template; `Some(Some(t))`: editing `t`.
    let editing = RwSignal::new(None::<Option<TemplateView>>);
    // A new editor starts without the last one's refusal.
    let open = move |template: Option<TemplateView>| {
        save.clear();
        editing.set(Some(template));
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
        }
    });
    view! {
        <Title text="Standard changes" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Administration"</p>
                <h1>"Standard changes"</h1>
                <p class="muted">"Pre-approved, low-risk changes. A change request filed from one of these is approved when submitted."</p>
            </div>
            <button type="button" class="btn btn-primary" on:click=move |_| open(None)>"New template"</button>
        </header>
        {move || editing.get().map(|t| view! { <TemplateEditor template=t save editing /> })}
        <FormErrors errors=action_errors(archive) shown=NO_FIELDS />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || loaded(async move {
                let list = templates.await?;
                Ok::<_, AppError>(if list.is_empty() {
                    view! { <section class="card"><p class="muted">"No standard changes yet."</p></section> }.into_any()
                } else {
                    view! {
                        <section class="env-grid" data-testid="templates">
                            {list.into_iter().map(|t| {
                                let id = t.id;
                                let archived = t.archived;
                                let edit = t.clone();
                                view! {
                                    <article class="card env-card" class:muted=archived>
                                        <div class="card-header">
                                            <h2>{t.name.clone()}</h2>
                                            <span class="row-actions">
                                                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| open(Some(edit.clone()))>"Edit"</button>
                                                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| { archive.dispatch(ArchiveTemplate { id, archived: !archived }); }>
                                                    {if archived { "Restore" } else { "Archive" }}
                                                </button>
                                            </span>
                                        </div>
                                        <p class="badges">
                                            {archived.then(|| view! { <span class="badge badge-gray">"Archived"</span>" " })}
                                            <span class="badge badge-blue">{t.change_type.label()}</span>" "
                                            <span class="badge badge-gray">{format!("Risk {}", t.risk.label().to_lowercase())}</span>" "
                                            <span class="badge badge-gray">{format!("{} min", t.duration_minutes)}</span>
                                        </p>
                                        <p><strong>{t.title.clone()}</strong></p>
                                        <ul class="chips">{t.environments.iter().map(|e| view! { <li class="chip">{e.clone()}</li> }).collect_view()}</ul>
                                        <p class="muted small">{format!("Used by {}", crate::domain::words::plural(t.use_count, "change request", "change requests"))}</p>
                                    </article>
                                }
                            }).collect_view()}
                        </section>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
fn TemplateEditor(
    template: Option<TemplateView>,
    save: ServerAction<SaveTemplate>,
    editing: RwSignal<Option<Option<TemplateView>>>,
) -> impl IntoView {
    let id: Option<Uuid> = template.as_ref().map(|t| t.id);
    let start = template
        .as_ref()
        .map(input_of)
        .unwrap_or_else(|| TemplateInput {
            cr: CrInput {
                change_type: "infrastructure".into(),
                impact: "low".into(),
                risk: "low".into(),
                duration_minutes: "30".into(),
                ..Default::default()
            },
            ..Default::default()
        });
    let name = RwSignal::new(start.name.clone());
    let title = RwSignal::new(start.cr.title.clone());
    let description = RwSignal::new(start.cr.description.clone());
    let change_type = RwSignal::new(start.cr.change_type.clone());
    let impact = RwSignal::new(start.cr.impact.clone());
    let risk = RwSignal::new(start.cr.risk.clone());
    let chosen_envs = RwSignal::new(start.cr.environments.clone());
    let duration = RwSignal::new(start.cr.duration_minutes.clone());
    let implementation_plan = RwSignal::new(start.cr.implementation_plan.clone());
    let rollback_plan = RwSignal::new(start.cr.rollback_plan.clone());
    let testing_plan = RwSignal::new(start.cr.testing_plan.clone());
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, action_errors(save));
    let invalid = move |field: &'static str| aria_invalid(errors, field);
    let environments = Resource::new(|| (), |_| list_environments());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TemplateInput {
            name: name.get_untracked(),
            cr: CrInput {
                title: title.get_untracked(),
                description: description.get_untracked(),
                change_type: change_type.get_untracked(),
                impact: impact.get_untracked(),
                risk: risk.get_untracked(),
                environments: chosen_envs.get_untracked(),
                duration_minutes: duration.get_untracked(),
                implementation_plan: implementation_plan.get_untracked(),
                rollback_plan: rollback_plan.get_untracked(),
                testing_plan: testing_plan.get_untracked(),
                ..Default::default()
            },
        };
        match input.validate() {
            Ok(_) => {
                checked.set(BTreeMap::new());
                save.dispatch(SaveTemplate { id, input });
            }
            Err(found) => checked.set(found),
        }
    };
    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="template-editor">
            <h2>{if id.is_some() { "Edit template" } else { "New template" }}</h2>
            <FormErrors errors shown=FIELDS />
            <div class="form-grid">
                <div class="field">
                    <label for="tpl-name">"Name"</label>
                    <input id="tpl-name" type="text" use:keep_typed=name bind:value=name aria-invalid=invalid("name") />
                    <FieldError errors field="name" />
                </div>
                <div class="field">
                    <label for="tpl-title">"Change title"</label>
                    <input id="tpl-title" type="text" use:keep_typed=title bind:value=title aria-invalid=invalid("title") />
                    <FieldError errors field="title" />
                </div>
                <div class="field">
                    <label for="tpl-type">"Type"</label>
                    <select id="tpl-type" use:keep_typed=change_type on:change=move |ev| change_type.set(event_target_value(&ev)) aria-invalid=invalid("change_type")>{options(choices!(ChangeType), change_type)}</select>
                    <FieldError errors field="change_type" />
                </div>
                <div class="field">
                    <label for="tpl-impact">"Impact"</label>
                    <select id="tpl-impact" use:keep_typed=impact on:change=move |ev| impact.set(event_target_value(&ev)) aria-invalid=invalid("impact")>{options(choices!(Impact), impact)}</select>
                    <FieldError errors field="impact" />
                </div>
                <div class="field">
                    <label for="tpl-risk">"Risk"</label>
                    <select id="tpl-risk" use:keep_typed=risk on:change=move |ev| risk.set(event_target_value(&ev)) aria-invalid=invalid("risk")>{options(choices!(RiskLevel), risk)}</select>
                    <FieldError errors field="risk" />
                </div>
                <div class="field">
                    <label for="tpl-duration">"Duration (minutes)"</label>
                    <input id="tpl-duration" type="number" min="1" use:keep_typed=duration bind:value=duration aria-invalid=invalid("duration_minutes") />
                    <FieldError errors field="duration_minutes" />
                </div>
            </div>
            <div class="field">
                <label for="tpl-description">"Description"</label>
                <textarea id="tpl-description" rows="2" use:keep_typed=description bind:value=description aria-invalid=invalid("description")></textarea>
                <FieldError errors field="description" />
            </div>
            <fieldset class="field">
                <legend>"Environments"</legend>
                <Suspense>
                    {move || Suspend::new(async move {
                        let list = environments.await.unwrap_or_default();
                        view! { <EnvironmentPicker environments=list chosen=chosen_envs id_prefix="tpl-env" /> }
                    })}
                </Suspense>
                <FieldError errors field="environments" />
            </fieldset>
            <div class="field">
                <label for="tpl-implementation">"Implementation plan"</label>
                <textarea id="tpl-implementation" rows="3" use:keep_typed=implementation_plan bind:value=implementation_plan aria-invalid=invalid("implementation_plan")></textarea>
                <FieldError errors field="implementation_plan" />
            </div>
            <div class="field">
                <label for="tpl-rollback">"Rollback plan"</label>
                <textarea id="tpl-rollback" rows="3" use:keep_typed=rollback_plan bind:value=rollback_plan aria-invalid=invalid("rollback_plan")></textarea>
                <FieldError errors field="rollback_plan" />
            </div>
            <div class="field">
                <label for="tpl-testing">"Testing plan"</label>
                <textarea id="tpl-testing" rows="2" use:keep_typed=testing_plan bind:value=testing_plan aria-invalid=invalid("testing_plan")></textarea>
                <FieldError errors field="testing_plan" />
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save template"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}
