//! Every page is its own lazily loaded route: the browser bundle's first
//! chunk holds the router, the app shell and what every page shares, and a
//! page's own code arrives (as a separate WASM chunk, split at build time by
//! `cargo leptos build --split`) when the page is first shown — before
//! hydration on a full load, on navigation otherwise. The server renders
//! the same views synchronously, so both sides build the same tree.

use super::pages::audit::AuditPage;
use super::pages::calendar::CalendarPage;
use super::pages::catalog::CatalogPage;
use super::pages::changes::{
    detail::ChangeDetailPage,
    list::ChangeListPage,
    new::{EditChangePage, NewChangePage},
};
use super::pages::deployments::{detail::DeploymentPage, list::DeploymentListPage};
use super::pages::jobs::JobsPage;
use super::pages::notifications::NotificationsPage;
use super::pages::releases::{
    detail::ReleaseDetailPage,
    list::ReleaseListPage,
    new::{EditReleasePage, NewReleasePage},
};
use super::pages::status_page::{
    components::ComponentsPage, incident::IncidentPage, incidents::IncidentListPage,
    maintenance::MaintenancePage, release_note::ReleaseNotePage,
};
use super::pages::targets::TargetsPage;
use super::pages::templates::TemplatesPage;
use super::pages::{
    account::AccountPage, login::LoginPage, overview::OverviewPage, tokens::TokensPage,
    users::UsersPage,
};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Marks the page interactive (`<body data-hydrated="/its/path">`, which
/// end-to-end tests wait for before using hydrated forms) once the shown
/// page has hydrated: the effect is made with the page's view, which on a
/// full load exists only after the page's chunk arrived and hydrated, so it
/// runs after that. The value is the page's path: after a client-side
/// navigation the attribute is still there from the page before, and a test
/// that waited for it alone would use that page's fields. Effects run only
/// in the browser.
pub fn mark_hydrated() {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let path = location.pathname.get_untracked();
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", &path);
        }
    });
}

/// Declares, for each page component, a route type whose view is split off.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident,)*) => {$(
        #[doc = concat!("The route that shows [`", stringify!($page), "`], loaded on first use.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                mark_hydrated();
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    AuditRoute => AuditPage,
    CalendarRoute => CalendarPage,
    CatalogRoute => CatalogPage,
    ChangeDetailRoute => ChangeDetailPage,
    ChangeListRoute => ChangeListPage,
    EditChangeRoute => EditChangePage,
    NewChangeRoute => NewChangePage,
    DeploymentRoute => DeploymentPage,
    DeploymentListRoute => DeploymentListPage,
    JobsRoute => JobsPage,
    NotificationsRoute => NotificationsPage,
    ReleaseDetailRoute => ReleaseDetailPage,
    ReleaseListRoute => ReleaseListPage,
    EditReleaseRoute => EditReleasePage,
    NewReleaseRoute => NewReleasePage,
    ComponentsRoute => ComponentsPage,
    IncidentRoute => IncidentPage,
    IncidentListRoute => IncidentListPage,
    MaintenanceRoute => MaintenancePage,
    ReleaseNoteRoute => ReleaseNotePage,
    TargetsRoute => TargetsPage,
    TemplatesRoute => TemplatesPage,
    AccountRoute => AccountPage,
    LoginRoute => LoginPage,
    OverviewRoute => OverviewPage,
    TokensRoute => TokensPage,
    UsersRoute => UsersPage,
}
