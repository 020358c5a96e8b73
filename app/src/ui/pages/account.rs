use crate::domain::check_password;
use crate::server_fns::account::ChangePassword;
use crate::server_fns::forms::{use_kept_form, KeptForm};
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_typed, FieldError, FormErrors,
};
use crate::ui::UserResource;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The fields the form shows a message beside (`server_fns::account::change_password`
/// names no others); anything else (too many wrong passwords) goes on top.
const FIELDS: &[&str] = &["current_password", "new_password", "confirm_password"];

/// Profile and password change. A new account's first stop: its one-time
/// password must be replaced before anything else.
#[component]
pub fn AccountPage() -> impl IntoView {
    let UserResource(user) = expect_context::<UserResource>();
    // A password change posted without JavaScript and refused comes back
    // here with its messages (the passwords themselves are not kept).
    let kept = use_kept_form();
    view! {
        <Title text="Account" />
        <Suspense>
            {move || Suspend::new(async move {
                let user = user.await.ok().flatten()?;
                let kept = kept.await.ok().flatten();
                Some(view! {
                    <header class="page-header">
                        <div>
                            <p class="eyebrow">"Account"</p>
                            <h1>{user.display_name.clone()}</h1>
                            <p class="muted">{user.email.clone()}</p>
                        </div>
                    </header>
                    {user.must_change_password.then(|| view! {
                        <div class="alert alert-info" role="status" data-testid="first-password">
                            "Welcome! Choose your own password to finish setting up your account."
                        </div>
                    })}
                    <div class="columns">
                        <section class="card">
                            <h2>"Roles"</h2>
                            <ul class="role-list">
                                {user.roles.iter().map(|r| view! {
                                    <li><strong>{r.label()}</strong><span class="muted small">{r.description()}</span></li>
                                }).collect_view()}
                            </ul>
                        </section>
                        <PasswordForm email=user.email.clone() first_time=user.must_change_password kept />
                    </div>
                })
            })}
        </Suspense>
    }
}

/// Posts to `/account` before hydration or without JavaScript
/// (`server_fns::forms`), which answers with `?changed=1` once it is changed.
#[component]
fn PasswordForm(email: String, first_time: bool, kept: Option<KeptForm>) -> impl IntoView {
    let UserResource(user) = expect_context::<UserResource>();
    let query = use_query_map();
    let action = ServerAction::<ChangePassword>::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let problems = Memo::new(move |_| check_password(&new.get(), Some(&email)));
    let mismatch = move || !confirm.get().is_empty() && confirm.get() != new.get();
    let errors = errors_or_kept(action, kept.map(|k| k.errors).unwrap_or_default());
    let succeeded = move || match action.value().get() {
        Some(result) => result.is_ok(),
        None => query.with(|q| q.get("changed").is_some()),
    };
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            current.set(String::new());
            new.set(String::new());
            confirm.set(String::new());
            touched.set(false);
            if first_time {
                user.refetch();
                navigate("/", Default::default());
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if problems.get_untracked().is_empty() && confirm.get_untracked() == new.get_untracked() {
            action.dispatch(ChangePassword {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
                confirm_password: confirm.get_untracked(),
            });
        }
    };

    view! {
        <section class="card">
            <h2>"Change password"</h2>
            <Show when=succeeded>
                <div class="alert alert-success" role="status">"Password changed. Your other sessions were signed out."</div>
            </Show>
            <form class="form" method="post" action="/account" on:submit=on_submit novalidate>
                <FormErrors errors shown=FIELDS />
                <div class="field">
                    <label for="current_password">{if first_time { "One-time password" } else { "Current password" }}</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required use:keep_typed=current bind:value=current
                        aria-invalid=aria_invalid(errors, "current_password") />
                    <FieldError errors field="current_password" />
                </div>
                <div class="field">
                    <label for="new_password">"New password"</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" required use:keep_typed=new bind:value=new
                        aria-describedby="password-rules" aria-invalid=aria_invalid(errors, "new_password") />
                    <ul id="password-rules" class="rules" aria-live="polite">
                        <li class:ok=move || !new.get().is_empty() && problems.get().is_empty()>"At least 12 characters, not a common password, not your email"</li>
                        {move || (touched.get() || !new.get().is_empty()).then(|| {
                            problems.get().into_iter().map(|p| view! { <li class="bad">{p.to_string()}</li> }).collect_view()
                        })}
                    </ul>
                    <FieldError errors field="new_password" />
                </div>
                <div class="field">
                    <label for="confirm_password">"Repeat new password"</label>
                    <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required use:keep_typed=confirm bind:value=confirm
                        aria-invalid=move || (mismatch() || errors.with(|e| e.contains_key("confirm_password"))).to_string() />
                    {move || (mismatch() && !errors.with(|e| e.contains_key("confirm_password"))).then(|| view! { <p class="field-error">"The two new passwords differ."</p> })}
                    <FieldError errors field="confirm_password" />
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Change password" }}
                </button>
            </form>
        </section>
    }
}
