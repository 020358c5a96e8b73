use crate::api::overview::get_overview;
use crate::model::{ActivityView, CurrentUser};
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
            {move || Suspend::new(async move {
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
