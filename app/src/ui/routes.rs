//! Every page is a lazily loaded route: the browser bundle's first chunk
//! holds the router, the app shell and what every page shares, and a page's
//! own code arrives with its group's (as separate WASM chunks, split at build
//! time by `cargo leptos build --split`) when the page is first shown — before
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
use leptos_router::LazyRoute;

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

/// Declares, for each page component, a route type whose view is split off
/// into the browser chunk its group names. Pages that are used together
/// share a chunk: wasm-split gives every set of split modules that shares
/// code a file of its own, and with one module per page the 27 pages made
/// 818 files, 33 to 454 of them (each a `<link rel="preload">` in the page)
/// per first visit, which compress worse than fewer, larger ones.
///
/// This is what `#[lazy_route]` expands to, except that the split module is
/// named by the group rather than made unique per page: `wasm_split` (the
/// runtime Leptos re-exports for its own `#[lazy]`) loads the group's
/// module on first use, and on the server the view puts the module's files
/// in the page's head as preloads (`split_preload`).
macro_rules! lazy_pages {
    ($($chunk:ident { $($route:ident => $page:ident as $view:ident, $preload:ident;)* })*) => {$($(
        #[doc = concat!("The route that shows [`", stringify!($page), "`], loaded on first use with the `", stringify!($chunk), "` pages.")]
        pub struct $route;

        #[::leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            preload(#[doc(hidden)] $preload)
        )]
        fn $view(_route: $route) -> AnyView {
            view! { {page_marker()} <$page /> }.into_any()
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(this: Self) -> AnyView {
                #[cfg(not(feature = "hydrate"))]
                super::split_preload::preload(stringify!($chunk));
                $view(this).await
            }

            async fn preload() {
                $preload().await
            }
        }
    )*)*};
}

lazy_pages! {
    rookery_changes {
        ChangeListRoute => ChangeListPage as change_list_view, preload_change_list;
        ChangeDetailRoute => ChangeDetailPage as change_detail_view, preload_change_detail;
        NewChangeRoute => NewChangePage as new_change_view, preload_new_change;
        EditChangeRoute => EditChangePage as edit_change_view, preload_edit_change;
    }
    rookery_releases {
        ReleaseListRoute => ReleaseListPage as release_list_view, preload_release_list;
        ReleaseDetailRoute => ReleaseDetailPage as release_detail_view, preload_release_detail;
        NewReleaseRoute => NewReleasePage as new_release_view, preload_new_release;
        EditReleaseRoute => EditReleasePage as edit_release_view, preload_edit_release;
        CalendarRoute => CalendarPage as calendar_view, preload_calendar;
    }
    rookery_deployments {
        DeploymentListRoute => DeploymentListPage as deployment_list_view, preload_deployment_list;
        DeploymentRoute => DeploymentPage as deployment_view, preload_deployment;
    }
    rookery_status_page {
        ComponentsRoute => ComponentsPage as components_view, preload_components;
        IncidentListRoute => IncidentListPage as incident_list_view, preload_incident_list;
        IncidentRoute => IncidentPage as incident_view, preload_incident;
        MaintenanceRoute => MaintenancePage as maintenance_view, preload_maintenance;
        ReleaseNoteRoute => ReleaseNotePage as release_note_view, preload_release_note;
    }
    rookery_settings {
        CatalogRoute => CatalogPage as catalog_view, preload_catalog;
        TargetsRoute => TargetsPage as targets_view, preload_targets;
        TemplatesRoute => TemplatesPage as templates_view, preload_templates;
        UsersRoute => UsersPage as users_view, preload_users;
        JobsRoute => JobsPage as jobs_view, preload_jobs;
        AuditRoute => AuditPage as audit_view, preload_audit;
        TokensRoute => TokensPage as tokens_view, preload_tokens;
        AccountRoute => AccountPage as account_view, preload_account;
        NotificationsRoute => NotificationsPage as notifications_view, preload_notifications;
    }
    rookery_overview {
        OverviewRoute => OverviewPage as overview_view, preload_overview;
    }
    rookery_login {
        LoginRoute => LoginPage as login_view, preload_login;
    }
}
