//! The job queue for administrators: queued, running, failed (waiting for a
//! retry) and dead jobs with their errors; a dead job can be retried.

use crate::domain::Permission;
use crate::error::AppError;
use crate::server_fns::deployments::{list_jobs, RetryJob};
use crate::server_fns::forms::use_kept_form;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{errors_or_kept, saves, FormErrors, NO_FIELDS};
use crate::ui::components::loaded::loads;
use crate::ui::components::pager::Pager;
use crate::ui::components::query_link::QueryLink;
use crate::ui::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const TABS: [(&str, &str); 6] = [
    ("", "Open"),
    ("queued", "Queued"),
    ("running", "Running"),
    ("failed", "Failed"),
    ("dead", "Dead"),
    ("succeeded", "Succeeded"),
];

#[component]
pub fn JobsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::Administer what="Jobs">
            <JobsAdmin />
        </RequirePermission>
    }
}

#[component]
fn JobsAdmin() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
        })
    };
    let retry = ServerAction::<RetryJob>::new();
    let retry_saves = saves(retry);
    let jobs = Resource::new(
        move || (status(), page(), retry_saves.get()),
        |(status, page, _)| list_jobs(status, page),
    );
    // A retry posted without JavaScript (`server_fns::forms`) and refused comes
    // back here with its message.
    let kept = use_kept_form();
    view! {
        <Title text="Jobs" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Administration"</p>
                <h1>"Jobs"</h1>
                <p class="muted">"Background work: deployment steps, trigger analysis, rollbacks. Failed jobs retry with backoff; dead ones wait for a person."</p>
            </div>
        </header>
        <Suspense>
            {move || Suspend::new(async move {
                let kept = kept.await.ok().flatten();
                let errors = errors_or_kept(retry, kept.map(|k| k.errors).unwrap_or_default());
                view! { <FormErrors errors shown=NO_FIELDS /> }
            })}
        </Suspense>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {loads(move || async move {
                    let list = jobs.await?;
                    let current = status();
                    let link = QueryLink::new("/admin/jobs").param("status", current.clone()).keep_empty();
                    let count = |s: &str| list.counts.iter().find(|(k, _)| k == s).map(|(_, n)| *n).unwrap_or(0);
                    let tabs = TABS.map(|(key, label)| {
                        let n = if key.is_empty() { ["queued", "running", "failed", "dead"].iter().map(|s| count(s)).sum() } else { count(key) };
                        let shown = if key == "succeeded" { label.to_string() } else { format!("{label} ({n})") };
                        let css = if current == key { "tab active" } else { "tab" };
                        view! { <a class=css href=format!("/admin/jobs?status={key}")>{shown}</a> }
                    });
                    Ok::<_, AppError>(view! {
                        <nav class="tabs" aria-label="Job status">{tabs.into_iter().collect_view()}</nav>
                        {if list.jobs.is_empty() {
                            view! { <p class="muted">"No jobs here."</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="table" data-testid="jobs">
                                    <thead><tr><th>"#"</th><th>"Kind"</th><th>"Status"</th><th>"Attempt"</th><th>"Runs at"</th><th>"Last error"</th><th></th></tr></thead>
                                    <tbody>
                                        {list.jobs.into_iter().map(|j| {
                                            let id = j.id;
                                            let css = match j.status.as_str() {
                                                "dead" => "badge badge-red",
                                                "failed" => "badge badge-amber",
                                                "running" => "badge badge-purple",
                                                "succeeded" => "badge badge-green",
                                                _ => "badge badge-gray",
                                            };
                                            view! {
                                                <tr>
                                                    <td>{j.id}</td>
                                                    <td><code>{j.kind.clone()}</code><div class="muted small mono-clip" title=j.payload.clone()>{j.payload.clone()}</div></td>
                                                    <td><span class=css>{j.status.clone()}</span></td>
                                                    <td>{format!("{} / {}", j.attempt, j.max_attempts)}</td>
                                                    <td class="small">{format::datetime(j.run_at)}</td>
                                                    <td class="small">{j.last_error.clone().unwrap_or_default()}</td>
                                                    <td>{(j.status == "dead").then(|| view! {
                                                        <form class="inline-form" method="post" action="/admin/jobs">
                                                            <input type="hidden" name="id" value=id.to_string() />
                                                            <button type="submit" class="btn btn-small" on:click=move |ev| { ev.prevent_default(); retry.dispatch(RetryJob { id }); }>"Retry"</button>
                                                        </form>
                                                    })}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <Pager page=list.page more=list.more link />
                            }.into_any()
                        }}
                    })
                })}
            </Suspense>
        </section>
    }
}
