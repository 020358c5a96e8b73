//! The signed-in layout: sidebar navigation, the user and sign-out, and an
//! error boundary around the page. Anonymous visitors are sent to sign in.

use super::icons::{Icon, Logo};
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::ui::UserResource;
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

/// Guards every signed-in page and lays it out. Anonymous visitors are sent
/// to sign in; a person holding a one-time password to their account page.
#[component]
pub fn AppShell() -> impl IntoView {
    let UserResource(user) = expect_context::<UserResource>();
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <div class="page-loading">"Loading…"</div> }>
            // One `Suspend`, not a closure that makes one: the server walks a
            // Suspense's children three times (to find resources, to check
            // for more, to render), and a closure would build the layout and
            // the page anew on each walk, with new resources each time (the
            // calendar's HTML carried every resource three times). The user
            // is loaded once per page load and awaited without tracking, so
            // nothing here needs to re-run.
            {Suspend::new(async move {
                let path = location.pathname.get_untracked();
                let user = ScopedFuture::new_untracked(async move { user.await }).await;
                match user {
                    Ok(Some(user)) if user.must_change_password && path != "/account" => {
                        view! { <Redirect path="/account" /> }.into_any()
                    }
                    Ok(Some(user)) => view! { <Layout user /> }.into_any(),
                    Ok(None) | Err(AppError::Unauthorized) => {
                        let search = location.search.get_untracked();
                        let here = match search.trim_start_matches('?') {
                            "" => path.clone(),
                            query => format!("{path}?{query}"),
                        };
                        let next = if here == "/" {
                            String::new()
                        } else {
                            format!("?next={}", crate::domain::encode_query_value(&here))
                        };
                        view! { <Redirect path=format!("/login{next}") /> }.into_any()
                    }
                    Err(error) => view! { <div class="alert alert-error" role="alert">{error.to_string()}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Layout(user: CurrentUser) -> impl IntoView {
    // Pages ask it what the person may do (`components::access`).
    provide_context(user.clone());
    view! {
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <aside class="sidebar">
                <a class="brand" href="/">
                    <Logo />
                    <span>"Rookery"</span>
                </a>
                <Sidebar user />
            </aside>
            <main id="main" class="content" tabindex="-1">
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <div class="alert alert-error" role="alert">
                            <strong>"This page could not load."</strong>
                            <ul>
                                {move || {
                                    errors
                                        .get()
                                        .into_iter()
                                        .map(|(_, e)| view! { <li>{e.to_string()}</li> })
                                        .collect_view()
                                }}
                            </ul>
                            <p>"Reload the page to try again. If it keeps happening, tell your administrator the time it happened."</p>
                        </div>
                    }
                }>
                    {page()}
                </ErrorBoundary>
            </main>
        </div>
    }
}

/// The page the route chose. The server builds it once per response
/// (`BuiltOnce`: the Suspense around the layout would otherwise build it on
/// each of its walks); the browser keeps the router's reactive outlet.
fn page() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        super::built_once::BuiltOnce::new(Outlet())
    }
    #[cfg(not(feature = "ssr"))]
    {
        Outlet()
    }
}

/// Navigation for what the person may use, and who they are.
#[component]
fn Sidebar(user: CurrentUser) -> impl IntoView {
    let is_admin = user.may(crate::domain::Permission::Administer);
    let reads_audit = user.may(crate::domain::Permission::ReadAudit);
    let initials = user.initials();
    let works_on_incidents = user.may(crate::domain::Permission::Incidents);
    view! {
        <nav class="nav" aria-label="Main">
            <A href="/" exact=true>
                <Icon name="home" />
                <span>"Overview"</span>
            </A>
            <A href="/changes">
                <Icon name="changes" />
                <span>"Change requests"</span>
            </A>
            <A href="/releases">
                <Icon name="release" />
                <span>"Releases"</span>
            </A>
            <A href="/deployments">
                <Icon name="rocket" />
                <span>"Deployments"</span>
            </A>
            <A href="/calendar">
                <Icon name="calendar" />
                <span>"Calendar"</span>
            </A>
            <A href="/incidents">
                <Icon name="alert" />
                <span>"Incidents"</span>
                {works_on_incidents.then(|| view! { <DraftsBadge /> })}
            </A>
            <A href="/maintenance">
                <Icon name="wrench" />
                <span>"Maintenance"</span>
            </A>
            <A href="/notifications">
                <Icon name="bell" />
                <span>"Notifications"</span>
                <UnreadBadge />
            </A>
            <A href="/account/tokens">
                <Icon name="key" />
                <span>"API tokens"</span>
            </A>
            <A href="/account" exact=true>
                <Icon name="user" />
                <span>"Account"</span>
            </A>
            <Show when=move || reads_audit>
                <div class="nav-section">"Administration"</div>
                <A href="/admin/components">
                    <Icon name="pulse" />
                    <span>"Status components"</span>
                </A>
            </Show>
            <Show when=move || is_admin>
                <A href="/admin/environments">
                    <Icon name="server" />
                    <span>"Environments & services"</span>
                </A>
                <A href="/admin/targets">
                    <Icon name="target" />
                    <span>"Deploy targets"</span>
                </A>
                <A href="/admin/jobs">
                    <Icon name="jobs" />
                    <span>"Jobs"</span>
                </A>
                <A href="/admin/templates">
                    <Icon name="changes" />
                    <span>"Standard changes"</span>
                </A>
                <A href="/admin/users">
                    <Icon name="users" />
                    <span>"Users"</span>
                </A>
            </Show>
            <Show when=move || reads_audit>
                <A href="/audit">
                    <Icon name="audit" />
                    <span>"Audit trail"</span>
                </A>
            </Show>
        </nav>
        <div class="usercard">
            <span class="avatar" aria-hidden="true">{initials}</span>
            <span class="who">
                <strong data-testid="current-user">{user.display_name.clone()}</strong>
                <small>{user.email.clone()}</small>
            </span>
            <form method="post" action="/logout">
                <button type="submit" class="btn btn-ghost btn-small">"Sign out"</button>
            </form>
        </div>
    }
}

/// The unread-notification count next to "Notifications", refreshed on
/// every navigation.
#[component]
fn UnreadBadge() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let unread = Resource::new(
        move || location.pathname.get(),
        |_| crate::server_fns::notifications::unread_notifications(),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let n = unread.await.unwrap_or(0);
                (n > 0).then(|| view! {
                    <span class="nav-badge" data-testid="unread-count" aria-label=format!("{n} unread")>{if n > 99 { "99+".to_string() } else { n.to_string() }}</span>
                })
            })}
        </Suspense>
    }
}

/// How many automatic draft incidents wait to be published or discarded,
/// next to "Incidents" for those who work on them; refreshed on navigation.
#[component]
fn DraftsBadge() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let drafts = Resource::new(
        move || location.pathname.get(),
        |_| crate::server_fns::status_page::draft_incident_count(),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let n = drafts.await.unwrap_or(0);
                (n > 0).then(|| view! {
                    <span class="nav-badge nav-badge-warn" data-testid="draft-incidents" aria-label=format!("{} waiting", crate::domain::words::plural(n, "draft incident", "draft incidents")) title="Draft incidents waiting to be published">{if n > 99 { "99+".to_string() } else { n.to_string() }}</span>
                })
            })}
        </Suspense>
    }
}
