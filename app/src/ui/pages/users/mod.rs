//! User accounts for administrators: the list with each account's roles
//! (`user_row`), and adding one (`new_user`).

mod new_user;
mod role_picker;
mod user_row;

use crate::domain::Permission;
use crate::domain::{Fields, Role};
use crate::error::AppError;
use crate::model::CreatedUser;
use crate::server_fns::forms::{use_kept_form, use_shown_once};
use crate::server_fns::users::{list_users, CreateUser, SetUserDisabled, SetUserRoles};
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{errors_or_kept, saves, FormErrors, NO_FIELDS};
use crate::ui::components::loaded::loaded;
use crate::ui::UserResource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use new_user::NewUserForm;
use std::collections::BTreeMap;
use user_row::UserRow;
use uuid::Uuid;

/// Administrators: every account, creating accounts, roles and disabling.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::Administer what="Users">
            <UsersAdmin />
        </RequirePermission>
    }
}

/// The roles a kept post ticked.
fn kept_roles(fields: &Fields) -> Vec<Role> {
    fields
        .all("roles")
        .iter()
        .filter_map(|r| Role::parse(r).ok())
        .collect()
}

/// Each form here posts without JavaScript too (`server_fns::forms`), with a hidden
/// `form` field (`new-user`, `roles`, `disable`) that tells the page which
/// one a refused post came back from. `?roles=<id>` opens that row's roles
/// editor, which is how "Edit roles" works before the page hydrates.
#[component]
fn UsersAdmin() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let create_saves = saves(create);
    let set_roles = ServerAction::<SetUserRoles>::new();
    let set_roles_saves = saves(set_roles);
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    let set_disabled_saves = saves(set_disabled);
    let users = Resource::new(
        move || {
            (
                create_saves.get(),
                set_roles_saves.get(),
                set_disabled_saves.get(),
            )
        },
        |_| list_users(),
    );
    let kept = use_kept_form();
    // A person added by a plain post: their one-time password, once.
    let shown = use_shown_once();
    let query = use_query_map();
    let UserResource(me) = expect_context::<UserResource>();
    // The account whose roles were saved last, so only its row shows the answer.
    let roles_from = RwSignal::new(None::<Uuid>);
    // Once something is saved, an address that opened a roles editor or
    // brought back a refused post has done its work.
    let navigate = use_navigate();
    Effect::new(move |_| {
        let saved = matches!(create.value().get(), Some(Ok(_)))
            || matches!(set_roles.value().get(), Some(Ok(_)))
            || matches!(set_disabled.value().get(), Some(Ok(_)));
        if saved && query.with_untracked(|q| q.get("roles").is_some() || q.get("kept").is_some()) {
            navigate("/admin/users", Default::default());
        }
    });

    view! {
        <Title text="Users" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Administration"</p>
                <h1>"Users"</h1>
                <p class="muted">"Accounts, their roles, and who may sign in."</p>
            </div>
        </header>
        <Suspense>
            {move || Suspend::new(async move {
                let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") == "new-user");
                let shown = shown
                    .await
                    .ok()
                    .flatten()
                    .and_then(|v| serde_json::from_value::<CreatedUser>(v).ok());
                view! { <NewUserForm create kept shown /> }
            })}
        </Suspense>
        <section class="card">
            <h2>"Accounts"</h2>
            // Disabling has no field: its refusals (the last administrator,
            // oneself) go above the table. Role edits answer in their row.
            <Suspense>
                {move || Suspend::new(async move {
                    let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") == "disable");
                    let errors = errors_or_kept(set_disabled, kept.map(|k| k.errors).unwrap_or_default());
                    view! { <FormErrors errors shown=NO_FIELDS /> }
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    let open = query.with(|q| q.get("roles")).and_then(|id| Uuid::parse_str(&id).ok());
                    loaded(async move {
                        let me = me.await.ok().flatten().map(|u| u.id);
                        let users = users.await?;
                        let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") == "roles");
                        Ok::<_, AppError>(view! {
                            <div class="table-wrap">
                                <table class="table" data-testid="users-table">
                                    <thead><tr><th>"Name"</th><th>"Roles"</th><th>"Status"</th><th>"Created"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                                    <tbody>
                                        {users.into_iter().map(|user| {
                                            // A refused plain post of this row's roles, or its editor opened by address.
                                            let start = match &kept {
                                                Some(k) if k.fields.text("user_id") == user.id.to_string() => {
                                                    Some((kept_roles(&k.fields), k.errors.clone()))
                                                }
                                                _ if open == Some(user.id) => Some((user.roles.clone(), BTreeMap::new())),
                                                _ => None,
                                            };
                                            view! { <UserRow user me start set_roles roles_from set_disabled /> }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })
                    })
                }}
            </Suspense>
        </section>
    }
}
