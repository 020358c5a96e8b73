use crate::api::forms::{use_kept_form, use_shown_once, KeptForm};
use crate::api::users::{list_users, CreateUser, SetUserDisabled, SetUserRoles};
use crate::domain::Permission;
use crate::domain::{DisplayName, EmailAddress, Fields, Role, Roles};
use crate::error::AppError;
use crate::model::{CreatedUser, UserView};
use crate::ui::components::access::RequirePermission;
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_ticked, keep_typed, latest_errors, saves, starting,
    FieldError, FormErrors, NO_FIELDS,
};
use crate::ui::components::loaded::loaded;
use crate::ui::format;
use crate::ui::UserResource;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
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

/// The roles a kept post ticked.
fn kept_roles(fields: &Fields) -> Vec<Role> {
    fields
        .all("roles")
        .iter()
        .filter_map(|r| Role::parse(r).ok())
        .collect()
}

/// Each form here posts without JavaScript too (`api::forms`), with a hidden
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

/// A box per role, posted as `roles` (so a plain form sends the ticked
/// ones), following `selected`.
#[component]
fn RolePicker(selected: RwSignal<Vec<Role>>, id_prefix: String) -> impl IntoView {
    view! {
        <div class="role-picker">
            {Role::ALL.into_iter().map(|role| {
                let id = format!("{id_prefix}-{}", role.as_str());
                let label_for = id.clone();
                let toggle = Callback::new(move |on: bool| {
                    selected.update(|s| {
                        s.retain(|r| *r != role);
                        if on { s.push(role); }
                    });
                });
                let initially = selected.with_untracked(|s| s.contains(&role));
                view! {
                    <label for=label_for class="check" title=role.description()>
                        <input type="checkbox" id=id name="roles" value=role.as_str()
                            checked=initially
                            use:keep_ticked=toggle
                            prop:checked=move || selected.with(|s| s.contains(&role))
                            on:change=move |ev| toggle.run(event_target_checked(&ev)) />
                        <span>{role.label()}</span>
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

/// Adding a person. Posted without JavaScript, a refusal comes back with
/// what was typed (`kept`) and a success with the one-time password, read
/// once from the session (`shown`), never from the address.
#[component]
fn NewUserForm(
    create: ServerAction<CreateUser>,
    kept: Option<KeptForm>,
    shown: Option<CreatedUser>,
) -> impl IntoView {
    let was_kept = kept.is_some();
    let (typed, kept_errors) = starting(kept, Fields::default(), Fields::clone);
    let email = RwSignal::new(typed.text("email"));
    let name = RwSignal::new(typed.text("display_name"));
    let roles = RwSignal::new(if was_kept {
        kept_roles(&typed)
    } else {
        vec![Role::Engineer]
    });
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, errors_or_kept(create, kept_errors));
    let created = move || match create.value().get() {
        Some(Ok(created)) => Some(created),
        Some(Err(_)) => None,
        None => shown.clone(),
    };
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
            <form class="form" method="post" action="/admin/users" on:submit=on_submit novalidate>
                <input type="hidden" name="form" value="new-user" />
                <FormErrors errors shown=FIELDS />
                <div class="form-row">
                    <div class="field">
                        <label for="new-email">"Email"</label>
                        <input id="new-email" name="email" type="email" autocomplete="off" value=typed.text("email")
                            use:keep_typed=email bind:value=email aria-invalid=invalid("email") />
                        <FieldError errors field="email" />
                    </div>
                    <div class="field">
                        <label for="new-name">"Name"</label>
                        <input id="new-name" name="display_name" type="text" autocomplete="off" value=typed.text("display_name")
                            use:keep_typed=name bind:value=name aria-invalid=invalid("display_name") />
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

/// One account. `start` opens its roles editor from the start, with those
/// roles ticked and those messages (a refused plain post, or `?roles=`).
#[component]
fn UserRow(
    user: UserView,
    me: Option<Uuid>,
    start: Option<(Vec<Role>, BTreeMap<String, String>)>,
    set_roles: ServerAction<SetUserRoles>,
    roles_from: RwSignal<Option<Uuid>>,
    set_disabled: ServerAction<SetUserDisabled>,
) -> impl IntoView {
    let (start_editing, start_roles, kept_errors) = match start {
        Some((roles, errors)) => (true, roles, errors),
        None => (false, user.roles.clone(), BTreeMap::new()),
    };
    let editing = RwSignal::new(start_editing);
    let roles = RwSignal::new(start_roles);
    let id = user.id;
    // The editor stays open with its ticks and the message when refused.
    let errors = Signal::derive(move || {
        if !editing.get() {
            return BTreeMap::new();
        }
        set_roles.value().with(|v| match v {
            Some(Err(e)) if roles_from.get() == Some(id) => e.field_errors(),
            Some(_) => BTreeMap::new(),
            None => kept_errors.clone(),
        })
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
                    <form class="form" method="post" action="/admin/users/roles">
                        <input type="hidden" name="form" value="roles" />
                        <input type="hidden" name="user_id" value=id.to_string() />
                        <FormErrors errors shown=ROLE_FIELDS />
                        <RolePicker selected=roles id_prefix=format!("role-{id}") />
                        <FieldError errors field="roles" />
                        <div class="row-actions">
                            <button type="submit" class="btn btn-primary btn-small" disabled=move || set_roles.pending().get() on:click=move |ev| {
                                ev.prevent_default();
                                roles_from.set(Some(id));
                                set_roles.dispatch(SetUserRoles {
                                    user_id: id,
                                    roles: roles.get_untracked().iter().map(|r| r.as_str().to_string()).collect(),
                                });
                            }>"Save roles"</button>
                            <a role="button" class="btn btn-ghost btn-small" href="/admin/users" data-noscroll on:click=move |_| editing.set(false)>"Cancel"</a>
                        </div>
                    </form>
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
                    <a role="button" class="btn btn-ghost btn-small" href=format!("/admin/users?roles={id}") data-noscroll
                        on:click=move |_| { set_roles.clear(); editing.set(true); }>"Edit roles"</a>
                </Show>
                <Show when=move || !is_me>
                    <form class="inline-form" method="post" action="/admin/users/disabled">
                        <input type="hidden" name="form" value="disable" />
                        <input type="hidden" name="user_id" value=id.to_string() />
                        <input type="hidden" name="disabled" value=if disabled { "false" } else { "true" } />
                        <button type="submit" class=if disabled { "btn btn-ghost btn-small" } else { "btn btn-danger btn-small" }
                            on:click=move |ev| {
                                ev.prevent_default();
                                set_disabled.dispatch(SetUserDisabled { user_id: id, disabled: !disabled });
                            }>
                            {if disabled { "Enable" } else { "Disable" }}
                        </button>
                    </form>
                </Show>
            </td>
        </tr>
    }
}
