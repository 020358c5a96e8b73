//! The UI: the HTML document, the router, the app shell and the pages.

pub mod components;
pub mod format;
pub mod pages;

use crate::api::session::get_current_user;
use crate::error::AppError;
use crate::model::CurrentUser;
use components::shell::AppShell;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::audit::AuditPage;
use pages::calendar::CalendarPage;
use pages::catalog::CatalogPage;
use pages::changes::{
    detail::ChangeDetailPage,
    list::ChangeListPage,
    new::{EditChangePage, NewChangePage},
};
use pages::deployments::{detail::DeploymentPage, list::DeploymentListPage};
use pages::jobs::JobsPage;
use pages::notifications::NotificationsPage;
use pages::releases::{
    detail::ReleaseDetailPage,
    list::ReleaseListPage,
    new::{EditReleasePage, NewReleasePage},
};
use pages::status::{
    components::ComponentsPage, incident::IncidentPage, incidents::IncidentListPage,
    maintenance::MaintenancePage, release_note::ReleaseNotePage,
};
use pages::targets::TargetsPage;
use pages::templates::TemplatesPage;
use pages::{
    account::AccountPage, login::LoginPage, not_found::NotFound, overview::OverviewPage,
    tokens::TokensPage, users::UsersPage,
};

/// The signed-in user, loaded once per page load before anything is sent so
/// redirects can set real HTTP headers.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<CurrentUser>, AppError>>);

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: routes and the user resource.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let user = Resource::new_blocking(|| (), |_| get_current_user());
    provide_context(UserResource(user));
    // Effects run only in the browser: marks the page as interactive, which
    // end-to-end tests wait for before using hydrated forms.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/rookery.css" />
        <Title formatter=format::page_title />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                // Async SSR: the page is rendered whole before the first byte,
                // so a sign-in redirect can still set a real 302.
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage ssr=SsrMode::Async />
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("calendar") view=CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("changes") view=ChangeListPage ssr=SsrMode::Async />
                    <Route path=path!("changes/new") view=NewChangePage ssr=SsrMode::Async />
                    <Route path=path!("changes/:number") view=ChangeDetailPage ssr=SsrMode::Async />
                    <Route path=path!("changes/:number/edit") view=EditChangePage ssr=SsrMode::Async />
                    <Route path=path!("releases") view=ReleaseListPage ssr=SsrMode::Async />
                    <Route path=path!("releases/new") view=NewReleasePage ssr=SsrMode::Async />
                    <Route path=path!("releases/:id") view=ReleaseDetailPage ssr=SsrMode::Async />
                    <Route path=path!("releases/:id/edit") view=EditReleasePage ssr=SsrMode::Async />
                    <Route path=path!("releases/:id/notes") view=ReleaseNotePage ssr=SsrMode::Async />
                    <Route path=path!("incidents") view=IncidentListPage ssr=SsrMode::Async />
                    <Route path=path!("incidents/:id") view=IncidentPage ssr=SsrMode::Async />
                    <Route path=path!("maintenance") view=MaintenancePage ssr=SsrMode::Async />
                    <Route path=path!("admin/components") view=ComponentsPage ssr=SsrMode::Async />
                    <Route path=path!("deployments") view=DeploymentListPage ssr=SsrMode::Async />
                    <Route path=path!("deployments/:id") view=DeploymentPage ssr=SsrMode::Async />
                    <Route path=path!("admin/targets") view=TargetsPage ssr=SsrMode::Async />
                    <Route path=path!("admin/jobs") view=JobsPage ssr=SsrMode::Async />
                    <Route path=path!("account/tokens") view=TokensPage ssr=SsrMode::Async />
                    <Route path=path!("notifications") view=NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("admin/environments") view=CatalogPage ssr=SsrMode::Async />
                    <Route path=path!("admin/templates") view=TemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("admin/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("audit") view=AuditPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
