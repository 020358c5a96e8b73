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
/// end-to-end tests wait for before using hydrated forms) once the shown page
/// is in the document: a hidden marker leads the page's view, and the
/// `shown` directive on it writes the attribute when that marker is
/// connected, however late the router swaps the page in. The value is the
/// page's path, since the attribute stays from the page before; after a
/// click, a test names the page it waits for, because the router changes the
/// address only once the new page is ready (`releases.spec.ts` chose the old
/// page's Service filter while both said `/releases`).
pub fn page_marker() -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    view! { <span hidden data-page-marker="" use:shown=path></span> }
}

/// Writes the marker's path on `<body>` in the first animation frame in
/// which the marker is in the document (after hydration's synchronous pass
/// and its microtasks). A page that never arrives (the person navigated on)
/// stops asking after about a minute of frames.
#[cfg(feature = "hydrate")]
fn shown(marker: leptos::web_sys::Element, path: String) {
    fn when_connected(marker: leptos::web_sys::Element, path: String, frames_left: u32) {
        request_animation_frame(move || {
            if marker.is_connected() {
                if let Some(body) = document().body() {
                    let _ = body.set_attribute("data-hydrated", &path);
                }
            } else if frames_left > 0 {
                when_connected(marker, path, frames_left - 1);
            }
        });
    }
    when_connected(marker, path, 3_600);
}

#[cfg(not(feature = "hydrate"))]
fn shown(_marker: leptos::web_sys::Element, _path: String) {}

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
                view! { {page_marker()} <$page /> }.into_any()
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
