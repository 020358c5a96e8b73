//! Standard-change templates for administrators: the list, archiving, and
//! the editor (`editor`).

mod editor;

use crate::domain::catalog::TemplateInput;
use crate::domain::cr_form::CrInput;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::TemplateView;
use crate::server_fns::catalog::{list_templates, ArchiveTemplate, SaveTemplate};
use crate::server_fns::change_requests::list_environments;
use crate::server_fns::forms::use_kept_form;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{errors_or_kept, saves, FormErrors, NO_FIELDS};
use crate::ui::components::loaded::{loaded, loads};
use crate::ui::components::page_header::PageHeader;
use editor::TemplateEditor;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::BTreeMap;

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
/// after a refused plain post (`server_fns::forms`). The editor posts a hidden
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
        <PageHeader eyebrow="Administration" title="Standard changes" lede="Pre-approved, low-risk changes. A change request filed from one of these is approved when submitted.">
            // A new editor starts without the last one's refusal.
            <a role="button" class="btn btn-primary" href="/admin/templates?edit=new" on:click=move |_| save.clear()>"New template"</a>
        </PageHeader>
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
            {loads(move || async move {
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
