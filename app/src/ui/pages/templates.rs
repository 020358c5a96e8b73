use crate::api::catalog::{list_templates, ArchiveTemplate, SaveTemplate};
use crate::api::change_requests::list_environments;
use crate::domain::catalog::TemplateInput;
use crate::domain::change_request::{ChangeType, Impact, RiskLevel};
use crate::domain::cr_form::CrInput;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::TemplateView;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::keep_typed;
use crate::ui::components::form::{choices, options, saves};
use crate::ui::components::loaded::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeMap;
use uuid::Uuid;

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
            <button type="button" class="btn btn-primary" on:click=move |_| editing.set(Some(None))>"New template"</button>
        </header>
        {move || editing.get().map(|t| view! { <TemplateEditor template=t save editing /> })}
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
                                                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| editing.set(Some(Some(edit.clone())))>"Edit"</button>
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
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let environments = Resource::new(|| (), |_| list_environments());
    Effect::new(move |_| {
        if let Some(Err(error)) = save.value().get() {
            errors.set(error.field_errors());
        }
    });
    let error = move |f: &'static str| move || errors.with(|e| e.get(f).cloned());
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
                errors.set(BTreeMap::new());
                save.dispatch(SaveTemplate { id, input });
            }
            Err(found) => errors.set(found),
        }
    };
    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="template-editor">
            <h2>{if id.is_some() { "Edit template" } else { "New template" }}</h2>
            {move || error("form")().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <div class="form-grid">
                <div class="field">
                    <label for="tpl-name">"Name"</label>
                    <input id="tpl-name" type="text" use:keep_typed=name bind:value=name />
                    <p class="field-error">{error("name")}</p>
                </div>
                <div class="field">
                    <label for="tpl-title">"Change title"</label>
                    <input id="tpl-title" type="text" use:keep_typed=title bind:value=title />
                    <p class="field-error">{error("title")}</p>
                </div>
                <div class="field">
                    <label for="tpl-type">"Type"</label>
                    <select id="tpl-type" use:keep_typed=change_type on:change=move |ev| change_type.set(event_target_value(&ev))>{options(choices!(ChangeType), change_type)}</select>
                </div>
                <div class="field">
                    <label for="tpl-impact">"Impact"</label>
                    <select id="tpl-impact" use:keep_typed=impact on:change=move |ev| impact.set(event_target_value(&ev))>{options(choices!(Impact), impact)}</select>
                </div>
                <div class="field">
                    <label for="tpl-risk">"Risk"</label>
                    <select id="tpl-risk" use:keep_typed=risk on:change=move |ev| risk.set(event_target_value(&ev))>{options(choices!(RiskLevel), risk)}</select>
                </div>
                <div class="field">
                    <label for="tpl-duration">"Duration (minutes)"</label>
                    <input id="tpl-duration" type="number" min="1" use:keep_typed=duration bind:value=duration />
                    <p class="field-error">{error("duration_minutes")}</p>
                </div>
            </div>
            <div class="field">
                <label for="tpl-description">"Description"</label>
                <textarea id="tpl-description" rows="2" use:keep_typed=description bind:value=description></textarea>
            </div>
            <fieldset class="field">
                <legend>"Environments"</legend>
                <Suspense>
                    {move || Suspend::new(async move {
                        let list = environments.await.unwrap_or_default();
                        view! {
                            <div class="role-picker">
                                {list.into_iter().map(|env| {
                                    let key = env.key.clone();
                                    let checked = chosen_envs.with_untracked(|c| c.contains(&key));
                                    let id = format!("tpl-env-{}", env.key);
                                    let label_for = id.clone();
                                    view! {
                                        <label for=label_for class="check">
                                            <input type="checkbox" id=id checked=checked on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let key = key.clone();
                                                chosen_envs.update(|s| { s.retain(|k| *k != key); if on { s.push(key); } });
                                            } />
                                            <span>{env.name}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        }
                    })}
                </Suspense>
                <p class="field-error">{error("environments")}</p>
            </fieldset>
            <div class="field">
                <label for="tpl-implementation">"Implementation plan"</label>
                <textarea id="tpl-implementation" rows="3" use:keep_typed=implementation_plan bind:value=implementation_plan></textarea>
                <p class="field-error">{error("implementation_plan")}</p>
            </div>
            <div class="field">
                <label for="tpl-rollback">"Rollback plan"</label>
                <textarea id="tpl-rollback" rows="3" use:keep_typed=rollback_plan bind:value=rollback_plan></textarea>
                <p class="field-error">{error("rollback_plan")}</p>
            </div>
            <div class="field">
                <label for="tpl-testing">"Testing plan"</label>
                <textarea id="tpl-testing" rows="2" use:keep_typed=testing_plan bind:value=testing_plan></textarea>
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save template"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}
