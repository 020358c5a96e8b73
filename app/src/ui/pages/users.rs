use crate::api::users::{list_users, CreateUser, SetUserDisabled, SetUserRoles};
use crate::domain::Permission;
use crate::domain::{DisplayName, EmailAddress, Role, Roles};
use crate::error::AppError;
use crate::model::UserView;
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{
    action_errors, aria_invalid, keep_typed, latest_errors, saves, FieldError, FormErrors,
    NO_FIELDS,
};
use crate::ui::components::loaded::loaded;
use crate::ui::format;
use crate::ui::UserResource;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The fields the new-person form shows a message beside; any other (a
/// refused one-time password) goes on top.
const FIELDS: &[&str] = &["email", "display_name", "roles"];

/// The field a row's roles editor shows a message beside.
const ROLE_FIELDS: &[&str] = &["roles"];

/// Administrators: every account, creating accounts, roles and disabling.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::Administer what="Users">
            <UsersAdmin />
        </RequirePermission>
    }
}

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
    let UserResource(me) = expect_context::<UserResource>();
    // Disabling has no field: its refusals (the last administrator,
    // oneself) go above the table. Role edits answer in their row.
    let disable_errors = action_errors(set_disabled);
    // The account whose roles were saved last, so only its row shows the answer.
    let roles_from = RwSignal::new(None::<Uuid>);

    view! {
        <Title text="Users" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Administration"</p>
                <h1>"Users"</h1>
                <p class="muted">"Accounts, their roles, and who may sign in."</p>
            </div>
        </header>
        <NewUserForm create />
        <section class="card">
            <h2>"Accounts"</h2>
            <FormErrors errors=disable_errors shown=NO_FIELDS />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || loaded(async move {
                    let me = me.await.ok().flatten().map(|u| u.id);
                    let users = users.await?;
                    Ok::<_, AppError>(view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="users-table">
                                <thead><tr><th>"Name"</th><th>"Roles"</th><th>"Status"</th><th>"Created"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {users.into_iter().map(|user| view! { <UserRow user me set_roles roles_from set_disabled /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn RolePicker(selected: RwSignal<Vec<Role>>, id_prefix: String) -> impl IntoView {
    view! {
        <div class="role-picker">
            {Role::ALL.into_iter().map(|role| {
                let id = format!("{id_prefix}-{}", role.as_str());
                let label_for = id.clone();
                view! {
                    <label for=label_for class="check" title=role.description()>
                        <input type="checkbox" id=id
                            prop:checked=move || selected.with(|s| s.contains(&role))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| {
                                    s.retain(|r| *r != role);
                                    if on { s.push(role); }
                                });
                            } />
                        <span>{role.label()}</span>
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn NewUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let roles = RwSignal::new(vec![Role::Engineer]);
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, action_errors(create));
    let created = move || create.value().get().and_then(|r| r.ok());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            email.set(String::new());
            name.set(String::new());
            roles.set(vec![Role::Engineer]);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut found = BTreeMap::new();
        if let Err(e) = EmailAddress::parse(&email.get_untracked()) {
            found.insert("email".to_string(), e.to_string());
        }
        if let Err(e) = DisplayName::parse(&name.get_untracked()) {
            found.insert("display_name".to_string(), e);
        }
        if let Err(e) = Roles::new(roles.get_untracked()) {
            found.insert("roles".to_string(), e.to_string());
        }
        let ok = found.is_empty();
        checked.set(found);
        if ok {
            create.dispatch(CreateUser {
                email: email.get_untracked(),
                display_name: name.get_untracked(),
                roles: roles
                    .get_untracked()
                    .iter()
                    .map(|r| r.as_str().to_string())
                    .collect(),
            });
        }
    };
    let invalid = move |field: &'static str| aria_invalid(errors, field);

    view! {
        <section class="card">
            <h2>"Add a person"</h2>
            <p class="muted small">"Rookery makes a one-time password for them to change at first sign-in."</p>
            <form class="form" method="post" action=CreateUser::url() on:submit=on_submit novalidate>
                <FormErrors errors shown=FIELDS />
                <div class="form-row">
                    <div class="field">
                        <label for="new-email">"Email"</label>
                        <input id="new-email" type="email" autocomplete="off" use:keep_typed=email bind:value=email
                            aria-invalid=invalid("email") />
                        <FieldError errors field="email" />
                    </div>
                    <div class="field">
                        <label for="new-name">"Name"</label>
                        <input id="new-name" type="text" autocomplete="off" use:keep_typed=name bind:value=name
                            aria-invalid=invalid("display_name") />
                        <FieldError errors field="display_name" />
                    </div>
                </div>
                <fieldset class="field">
                    <legend>"Roles"</legend>
                    <RolePicker selected=roles id_prefix="new-role".into() />
                    <FieldError errors field="roles" />
                </fieldset>
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Add person"</button>
            </form>
            {move || created().map(|c| view! {
                <div class="secret" role="status" data-testid="one-time-password">
                    <p><strong>{c.user.display_name}</strong>" can now sign in as "<strong>{c.user.email}</strong>" with this one-time password. It will not be shown again."</p>
                    <input class="mono" type="text" readonly value=c.one_time_password aria-label="One-time password"
                        on:focus=|ev| { event_target::<leptos::web_sys::HtmlInputElement>(&ev).select(); } />
                </div>
            })}
        </section>
    }
}

#[component]
fn UserRow(
    user: UserView,
    me: Option<Uuid>,
    set_roles: ServerAction<SetUserRoles>,
    roles_from: RwSignal<Option<Uuid>>,
    set_disabled: ServerAction<SetUserDisabled>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let roles = RwSignal::new(user.roles.clone());
    let id = user.id;
    // The editor stays open with its ticks and the message when refused.
    let errors = Signal::derive(move || {
        if editing.get() && roles_from.get() == Some(id) {
            set_roles.value().with(|v| match v {
                Some(Err(e)) => e.field_errors(),
                _ => BTreeMap::new(),
            })
        } else {
            BTreeMap::new()
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = set_roles.value().get() {
            if roles_from.get_untracked() == Some(id) {
                editing.set(false);
            }
        }
    });
    let is_me = me == Some(id);
    let disabled = user.disabled;
    let shown_roles = user.roles.clone();
    view! {
        <tr class:row-muted=disabled>
            <td data-label="Name">
                <strong>{user.display_name.clone()}</strong>
                {is_me.then(|| view! { <span class="badge badge-blue">"You"</span> })}
                <div class="muted small">{user.email.clone()}</div>
            </td>
            <td data-label="Roles">
                <Show when=move || editing.get() fallback=move || view! {
                    <ul class="chips">{shown_roles.iter().map(|r| view! { <li class="chip">{r.label()}</li> }).collect_view()}</ul>
                }>
                    <FormErrors errors shown=ROLE_FIELDS />
                    <RolePicker selected=roles id_prefix=format!("role-{id}") />
                    <FieldError errors field="roles" />
                    <div class="row-actions">
                        <button type="button" class="btn btn-primary btn-small" disabled=move || set_roles.pending().get() on:click=move |_| {
                            roles_from.set(Some(id));
                            set_roles.dispatch(SetUserRoles {
                                user_id: id,
                                roles: roles.get_untracked().iter().map(|r| r.as_str().to_string()).collect(),
                            });
                        }>"Save roles"</button>
                        <button type="button" class="btn btn-ghost btn-small" on:click=move |_| editing.set(false)>"Cancel"</button>
                    </div>
                </Show>
            </td>
            <td data-label="Status">
                {if disabled {
                    view! { <span class="badge badge-gray">"Disabled"</span> }.into_any()
                } else if user.must_change_password {
                    view! { <span class="badge badge-amber">"Invited"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-green">"Active"</span> }.into_any()
                }}
            </td>
            <td data-label="Created">{format::date(user.created_at)}</td>
            <td class="actions">
                <Show when=move || !editing.get()>
                    <button type="button" class="btn btn-ghost btn-small" on:click=move |_| editing.set(true)>"Edit roles"</button>
                </Show>
                <Show when=move || !is_me>
                    <button type="button" class=if disabled { "btn btn-ghost btn-small" } else { "btn btn-danger btn-small" }
                        on:click=move |_| { set_disabled.dispatch(SetUserDisabled { user_id: id, disabled: !disabled }); }>
                        {if disabled { "Enable" } else { "Disable" }}
                    </button>
                </Show>
            </td>
        </tr>
    }
}
