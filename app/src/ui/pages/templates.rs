use crate::api::catalog::{list_templates, ArchiveTemplate, SaveTemplate};
use crate::api::change_requests::list_environments;
use crate::api::forms::use_kept_form;
use crate::domain::catalog::TemplateInput;
use crate::domain::change_request::{ChangeType, Impact, RiskLevel};
use crate::domain::cr_form::CrInput;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::{EnvironmentView, TemplateView};
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{
    aria_invalid, choices, errors_or_kept, keep_typed, latest_errors, options, saves,
    EnvironmentPicker, FieldError, FormErrors, NO_FIELDS,
};
use crate::ui::components::loaded::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
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

/// What a new template starts as.
fn blank() -> TemplateInput {
    TemplateInput {
        cr: CrInput {
            change_type: "infrastructure".into(),
            impact: "low".into(),
            risk: "low".into(),
            duration_minutes: "30".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

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

/// The editor is opened by the address, so it works before the page
/// hydrates and without JavaScript: `?edit=new`, `?edit=<id>`, and `?kept=`
/// after a refused plain post (`api::forms`). The editor posts a hidden
/// `form=template`, archiving `form=archive`, which tells a kept post apart.
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
    let environments = Resource::new(|| (), |_| list_environments());
    let kept = use_kept_form();
    let query = use_query_map();
    // Saved: the editor the address opened closes.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            navigate("/admin/templates", Default::default());
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
            // A new editor starts without the last one's refusal.
            <a role="button" class="btn btn-primary" href="/admin/templates?edit=new" on:click=move |_| save.clear()>"New template"</a>
        </header>
        <Suspense>
            {move || {
                let edit = query.with(|q| q.get("edit"));
                loaded(async move {
                    let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") != "archive");
                    let start = match kept {
                        Some(kept) => {
                            let id = uuid::Uuid::parse_str(kept.fields.text("id").trim()).ok();
                            Some((id, TemplateInput::from_fields(&kept.fields), kept.errors))
                        }
                        None => match edit.as_deref() {
                            None | Some("") => None,
                            Some("new") => Some((None, blank(), BTreeMap::new())),
                            Some(id) => templates
                                .await?
                                .iter()
                                .find(|t| t.id.to_string() == id)
                                .map(|t| (Some(t.id), input_of(t), BTreeMap::new())),
                        },
                    };
                    Ok::<_, AppError>(start.map(|(id, start, errors)| view! {
                        <TemplateEditor id start errors save environments />
                    }))
                })
            }}
        </Suspense>
        <Suspense>
            {move || Suspend::new(async move {
                let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") == "archive");
                let errors = errors_or_kept(archive, kept.map(|k| k.errors).unwrap_or_default());
                view! { <FormErrors errors shown=NO_FIELDS /> }
            })}
        </Suspense>
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
                                view! {
                                    <article class="card env-card" class:muted=archived>
                                        <div class="card-header">
                                            <h2>{t.name.clone()}</h2>
                                            <span class="row-actions">
                                                <a role="button" class="btn btn-ghost btn-small" href=format!("/admin/templates?edit={id}") on:click=move |_| save.clear()>"Edit"</a>
                                                <form class="inline-form" method="post" action="/admin/templates/archive">
                                                    <input type="hidden" name="form" value="archive" />
                                                    <input type="hidden" name="id" value=id.to_string() />
                                                    <input type="hidden" name="archived" value=if archived { "false" } else { "true" } />
                                                    <button type="submit" class="btn btn-ghost btn-small" on:click=move |ev| {
                                                        ev.prevent_default();
                                                        archive.dispatch(ArchiveTemplate { id, archived: !archived });
                                                    }>
                                                        {if archived { "Restore" } else { "Archive" }}
                                                    </button>
                                                </form>
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

/// A template's fields (`id` none for a new one), posted to
/// `/admin/templates` before hydration or without JavaScript.
#[component]
fn TemplateEditor(
    id: Option<Uuid>,
    start: TemplateInput,
    /// Messages to show from the start (a refused plain post's).
    errors: BTreeMap<String, String>,
    save: ServerAction<SaveTemplate>,
    environments: Resource<Result<Vec<EnvironmentView>, AppError>>,
) -> impl IntoView {
    let typed = start.clone();
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
    let errors = latest_errors(checked, errors_or_kept(save, errors));
    let invalid = move |field: &'static str| aria_invalid(errors, field);
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
        <form class="card form" method="post" action="/admin/templates" novalidate on:submit=on_submit data-testid="template-editor">
            <input type="hidden" name="form" value="template" />
            <input type="hidden" name="id" value=id.map(|id| id.to_string()).unwrap_or_default() />
            <h2>{if id.is_some() { "Edit template" } else { "New template" }}</h2>
            <FormErrors errors shown=FIELDS />
            <div class="form-grid">
                <div class="field">
                    <label for="tpl-name">"Name"</label>
                    <input id="tpl-name" name="name" type="text" value=typed.name use:keep_typed=name bind:value=name aria-invalid=invalid("name") />
                    <FieldError errors field="name" />
                </div>
                <div class="field">
                    <label for="tpl-title">"Change title"</label>
                    <input id="tpl-title" name="title" type="text" value=typed.cr.title use:keep_typed=title bind:value=title aria-invalid=invalid("title") />
                    <FieldError errors field="title" />
                </div>
                <div class="field">
                    <label for="tpl-type">"Type"</label>
                    <select id="tpl-type" name="change_type" use:keep_typed=change_type on:change=move |ev| change_type.set(event_target_value(&ev)) aria-invalid=invalid("change_type")>{options(choices!(ChangeType), change_type)}</select>
                    <FieldError errors field="change_type" />
                </div>
                <div class="field">
                    <label for="tpl-impact">"Impact"</label>
                    <select id="tpl-impact" name="impact" use:keep_typed=impact on:change=move |ev| impact.set(event_target_value(&ev)) aria-invalid=invalid("impact")>{options(choices!(Impact), impact)}</select>
                    <FieldError errors field="impact" />
                </div>
                <div class="field">
                    <label for="tpl-risk">"Risk"</label>
                    <select id="tpl-risk" name="risk" use:keep_typed=risk on:change=move |ev| risk.set(event_target_value(&ev)) aria-invalid=invalid("risk")>{options(choices!(RiskLevel), risk)}</select>
                    <FieldError errors field="risk" />
                </div>
                <div class="field">
                    <label for="tpl-duration">"Duration (minutes)"</label>
                    <input id="tpl-duration" name="duration_minutes" type="number" min="1" value=typed.cr.duration_minutes use:keep_typed=duration bind:value=duration aria-invalid=invalid("duration_minutes") />
                    <FieldError errors field="duration_minutes" />
                </div>
            </div>
            <div class="field">
                <label for="tpl-description">"Description"</label>
                <textarea id="tpl-description" name="description" rows="2" use:keep_typed=description bind:value=description aria-invalid=invalid("description")>{crate::ui::components::form::textarea_text(&typed.cr.description)}</textarea>
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
                <textarea id="tpl-implementation" name="implementation_plan" rows="3" use:keep_typed=implementation_plan bind:value=implementation_plan aria-invalid=invalid("implementation_plan")>{crate::ui::components::form::textarea_text(&typed.cr.implementation_plan)}</textarea>
                <FieldError errors field="implementation_plan" />
            </div>
            <div class="field">
                <label for="tpl-rollback">"Rollback plan"</label>
                <textarea id="tpl-rollback" name="rollback_plan" rows="3" use:keep_typed=rollback_plan bind:value=rollback_plan aria-invalid=invalid("rollback_plan")>{crate::ui::components::form::textarea_text(&typed.cr.rollback_plan)}</textarea>
                <FieldError errors field="rollback_plan" />
            </div>
            <div class="field">
                <label for="tpl-testing">"Testing plan"</label>
                <textarea id="tpl-testing" name="testing_plan" rows="2" use:keep_typed=testing_plan bind:value=testing_plan aria-invalid=invalid("testing_plan")>{crate::ui::components::form::textarea_text(&typed.cr.testing_plan)}</textarea>
                <FieldError errors field="testing_plan" />
            </div>
            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save template"</button>
                <a role="button" class="btn btn-ghost" href="/admin/templates" data-noscroll on:click=move |_| save.clear()>"Cancel"</a>
            </div>
        </form>
    }
}
