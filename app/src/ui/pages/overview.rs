use crate::model::{ActivityView, CrSummary, CurrentUser, ReleaseSummary};
use crate::server_fns::overview::get_overview;
use crate::ui::components::access::may;
use crate::ui::components::loaded::loads;
use crate::ui::components::state_badge::{ReleaseStatusBadge, StatusBadge};
use crate::ui::format;
use crate::ui::UserResource;
use leptos::prelude::*;
use leptos_meta::Title;

/// The home page after sign-in: who you are, what you hold, what happened.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let UserResource(user) = expect_context::<UserResource>();
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text="Overview" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {loads(move || async move {
                let user: Option<CurrentUser> = user.await.ok().flatten();
                let overview = overview.await?;
                let name = user.as_ref().map(|u| u.display_name.clone()).unwrap_or_default();
                let roles = user.map(|u| u.roles).unwrap_or_default();
                Ok::<_, crate::error::AppError>(view! {
                    <header class="page-header">
                        <div>
                            <p class="eyebrow">"Overview"</p>
                            <h1>"Welcome back, " {name}</h1>
                        </div>
                    </header>
                    <section class="columns columns-even">
                        <article class="card">
                            <h2>"Waiting for you"</h2>
                            <ChangeList items=overview.waiting_for_me empty="Nothing needs your review, approval or scheduling." testid="waiting-for-me" />
                        </article>
                        <article class="card">
                            <h2>"Your open change requests"</h2>
                            <ChangeList items=overview.my_changes empty="You have no open change requests." testid="my-changes" />
                            {may(crate::domain::Permission::FileChange).then(|| view! { <a href="/changes/new" class="card-link">"New change request →"</a> })}
                        </article>
                    </section>
                    {(!overview.overdue_reviews.is_empty()).then(|| view! {
                        <section class="card card-alert" data-testid="overdue-reviews">
                            <h2>"Overdue post-implementation reviews"</h2>
                            <p class="muted small">"Emergency changes implemented more than five days ago without a written review."</p>
                            <ChangeList items=overview.overdue_reviews.clone() empty="" testid="overdue-list" />
                        </section>
                    })}
                    {(!overview.active_freezes.is_empty()).then(|| view! {
                        <section class="card card-freeze" data-testid="active-freezes">
                            <h2>"Freeze in force"</h2>
                            <ul class="change-list">
                                {overview.active_freezes.iter().map(|f| view! {
                                    <li>
                                        <span><strong>{f.reason.clone()}</strong>" · "{f.environments.join(", ")}</span>
                                        <span class="muted small">{format!("until {}", format::datetime(f.ends_at))}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <section class="columns columns-even">
                        <article class="card">
                            <h2>"Releases this week"</h2>
                            <ReleaseList items=overview.upcoming_releases />
                            <a href="/releases" class="card-link">"All releases →"</a>
                        </article>
                        <article class="card">
                            <h2>"Changes scheduled this week"</h2>
                            <ChangeList items=overview.upcoming empty="No changes scheduled in the next seven days." testid="upcoming" />
                            <a href="/calendar" class="card-link">"Calendar →"</a>
                        </article>
                    </section>
                    <section class="cards">
                        <article class="card stat">
                            <h2>"Your roles"</h2>
                            <ul class="chips">
                                {roles.iter().map(|r| view! { <li class="chip" title=r.description()>{r.label()}</li> }).collect_view()}
                            </ul>
                            <p class="muted small">"Roles decide what you may change. Administrators assign them."</p>
                        </article>
                        <article class="card stat">
                            <h2>"API tokens"</h2>
                            <p class="stat-value" data-testid="active-tokens">{overview.active_tokens}</p>
                            <p class="muted small">"active tokens for CI and automation"</p>
                            <a href="/account/tokens" class="card-link">"Manage tokens →"</a>
                        </article>
                        {overview.active_users.map(|n| view! {
                            <article class="card stat">
                                <h2>"People"</h2>
                                <p class="stat-value">{n}</p>
                                <p class="muted small">"active accounts"</p>
                                <a href="/admin/users" class="card-link">"Manage users →"</a>
                            </article>
                        })}
                    </section>
                    <section class="card">
                        <h2>"Recent activity"</h2>
                        <ActivityList items=overview.recent_activity />
                    </section>
                })
            })}
        </Suspense>
    }
}

#[component]
fn ChangeList(items: Vec<CrSummary>, empty: &'static str, testid: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted" data-testid=testid>{empty}</p> }.into_any();
    }
    view! {
        <ul class="change-list" data-testid=testid>
            {items.into_iter().map(|cr| view! {
                <li>
                    <a href=format!("/changes/{}", cr.number)><strong>{format!("CR-{}", cr.number)}</strong>" "{cr.title}</a>
                    <span class="change-meta">
                        <StatusBadge status=cr.status />
                        <span class="muted small">{cr.planned_start.map(format::datetime).unwrap_or_else(|| cr.environments.join(", "))}</span>
                    </span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ActivityList(items: Vec<ActivityView>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">"Nothing yet. Your sign-ins and changes will show here."</p> }.into_any();
    }
    view! {
        <ol class="timeline">
            {items
                .into_iter()
                .map(|item| {
                    let failed = item.action.ends_with("_failed");
                    view! {
                        <li class:timeline-warn=failed>
                            <span class="timeline-dot" aria-hidden="true"></span>
                            <div>
                                <strong>{format::action(&item.action)}</strong>
                                <span class="muted">" by " {item.actor_label}</span>
                                <div class="muted small">
                                    <time datetime=item.occurred_at.to_rfc3339()>{format::datetime(item.occurred_at)}</time>
                                </div>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn ReleaseList(items: Vec<ReleaseSummary>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted" data-testid="upcoming-releases">"No releases planned in the next seven days."</p> }.into_any();
    }
    view! {
        <ul class="change-list" data-testid="upcoming-releases">
            {items.into_iter().map(|r| view! {
                <li>
                    <a href=format!("/releases/{}", r.id)><strong>{format!("{} {}", r.service, r.version)}</strong>" "{r.title}</a>
                    <span class="change-meta">
                        <ReleaseStatusBadge status=r.status />
                        <span class="muted small">{r.planned_at.map(format::datetime).unwrap_or_default()}</span>
                    </span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
