//! The UI: the HTML document, the router, the app shell and the pages.

pub mod components;
pub mod format;
pub mod pages;
mod routes;
#[cfg(not(feature = "hydrate"))]
mod split_preload;

use crate::error::AppError;
use crate::model::CurrentUser;
use crate::server_fns::session::get_current_user;
use components::shell::AppShell;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use pages::not_found::NotFound;
use routes::*;

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
                <link id="leptos" rel="stylesheet" href=stylesheet_href(&options) />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The stylesheet's hashed address, read from cargo-leptos' hash file once
/// per process (leptos_meta's `HashedStylesheet` reads the file from disk on
/// every page rendered).
fn stylesheet_href(options: &LeptosOptions) -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let mut name = options.output_name.to_string();
        if options.hash_files {
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            if let Some(hash) = hashes
                .lines()
                .filter_map(|line| line.trim().split_once(':'))
                .find_map(|(file, hash)| (file == "css").then(|| hash.trim()))
            {
                name.push('.');
                name.push_str(hash);
            }
        }
        format!("/{}/{name}.css", options.site_pkg_dir)
    })
}

/// The root component: routes and the user resource.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let user = Resource::new_blocking(|| (), |_| get_current_user());
    provide_context(UserResource(user));

    view! {
        <Title formatter=format::page_title />
        <Router>
            <Routes fallback=|| {
                view! { {routes::page_marker()} <NotFound /> }
            }>
                // Async SSR: the page is rendered whole before the first byte,
                // so a sign-in redirect can still set a real 302.
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<OverviewRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("calendar") view={Lazy::<CalendarRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("changes") view={Lazy::<ChangeListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("changes/new") view={Lazy::<NewChangeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("changes/:number") view={Lazy::<ChangeDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("changes/:number/edit") view={Lazy::<EditChangeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("releases") view={Lazy::<ReleaseListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("releases/new") view={Lazy::<NewReleaseRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("releases/:id") view={Lazy::<ReleaseDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("releases/:id/edit") view={Lazy::<EditReleaseRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("releases/:id/notes") view={Lazy::<ReleaseNoteRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("incidents") view={Lazy::<IncidentListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("incidents/:id") view={Lazy::<IncidentRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("maintenance") view={Lazy::<MaintenanceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/components") view={Lazy::<ComponentsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("deployments") view={Lazy::<DeploymentListRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("deployments/:id") view={Lazy::<DeploymentRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/targets") view={Lazy::<TargetsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/jobs") view={Lazy::<JobsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("account/tokens") view={Lazy::<TokensRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/environments") view={Lazy::<CatalogRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/templates") view={Lazy::<TemplatesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
