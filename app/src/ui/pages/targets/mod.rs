//! Administrators configure how each service reaches each environment.

mod editor;

use crate::domain::Permission;
use crate::error::AppError;
use crate::model::{TargetInput, TargetView};
use crate::server_fns::catalog::list_services;
use crate::server_fns::change_requests::list_environments;
use crate::server_fns::deployments::{list_targets, SaveTarget};
use crate::server_fns::forms::use_kept_form;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::saves;
use crate::ui::components::loaded::{loaded, loads};
use crate::ui::components::page_header::PageHeader;
use editor::TargetEditor;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::BTreeMap;

fn describe(t: &TargetView) -> String {
    match t.kind.as_str() {
        "command" => format!(
            "{} {}",
            t.program.clone().unwrap_or_default(),
            t.args.join(" ")
        ),
        "webhook" => t.url.clone().unwrap_or_default(),
        _ => "in-process simulated fleet".into(),
    }
}

/// What the editor starts with for a saved target (its secret never leaves
/// the server: empty keeps it).
fn input_of(t: &TargetView) -> TargetInput {
    TargetInput {
        service: t.service.clone(),
        environment: t.environment.clone(),
        kind: t.kind.clone(),
        program: t.program.clone().unwrap_or_default(),
        args: t.args.join("\n"),
        url: t.url.clone().unwrap_or_default(),
        secret: String::new(),
        timeout_seconds: t.timeout_seconds.to_string(),
        health_url: t.health_url.clone().unwrap_or_default(),
        health_status: t.health_status.to_string(),
        health_command: t.health_command.clone().unwrap_or_default(),
    }
}

#[component]
pub fn TargetsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::Administer what="Deploy targets">
            <TargetsAdmin />
        </RequirePermission>
    }
}

/// The editor is opened by the address, so it works before the page
/// hydrates and without JavaScript: `?edit=new` for a new target,
/// `?edit=<id>` for a saved one, and `?kept=` after a refused plain post
/// (`server_fns::forms`) with what was typed. Hydrated, the same links navigate in
/// the page.
#[component]
fn TargetsAdmin() -> impl IntoView {
    let save = ServerAction::<SaveTarget>::new();
    let save_saves = saves(save);
    let targets = Resource::new(move || save_saves.get(), |_| list_targets());
    let services = Resource::new(|| (), |_| list_services());
    let environments = Resource::new(|| (), |_| list_environments());
    let kept = use_kept_form();
    let query = use_query_map();
    // Saved: the editor the address opened closes.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            navigate("/admin/targets", Default::default());
        }
    });
    view! {
        <Title text="Deploy targets" />
        <PageHeader eyebrow="Administration" title="Deploy targets" lede="How each service reaches each environment: a command, a signed webhook, or the simulated fleet for demos and tests.">
            // A new editor starts without the last one's refusal.
            <a role="button" class="btn btn-primary" href="/admin/targets?edit=new" on:click=move |_| save.clear()>"New target"</a>
        </PageHeader>
        <Suspense>
            {move || {
                let edit = query.with(|q| q.get("edit"));
                loaded(async move {
                    let start = match kept.await.ok().flatten() {
                        Some(kept) => Some((TargetInput::from_fields(&kept.fields), kept.errors)),
                        None => match edit.as_deref() {
                            None | Some("") => None,
                            Some("new") => Some((
                                TargetInput { kind: "simulated".into(), ..Default::default() },
                                BTreeMap::new(),
                            )),
                            Some(id) => targets
                                .await?
                                .iter()
                                .find(|t| t.id.to_string() == id)
                                .map(|t| (input_of(t), BTreeMap::new())),
                        },
                    };
                    Ok::<_, AppError>(start.map(|(input, errors)| view! {
                        <TargetEditor input errors save services environments />
                    }))
                })
            }}
        </Suspense>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let list = targets.await?;
                    Ok::<_, AppError>(if list.is_empty() {
                        view! { <p class="muted">"No deploy targets yet. Deployments need one for their service and environment."</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap"><table class="table" data-testid="targets">
                                <thead><tr><th>"Service"</th><th>"Environment"</th><th>"Kind"</th><th>"Runs"</th><th>"Live version"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|t| {
                                        view! {
                                            <tr>
                                                <td>{t.service.clone()}</td>
                                                <td>{t.environment.clone()}</td>
                                                <td><span class="badge badge-gray">{t.kind.clone()}</span></td>
                                                <td><code class="small">{describe(&t)}</code></td>
                                                <td>{t.live_version.clone().unwrap_or_else(|| "—".into())}</td>
                                                <td><a role="button" class="btn btn-ghost btn-small" href=format!("/admin/targets?edit={}", t.id) on:click=move |_| save.clear()>"Edit"</a></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}
