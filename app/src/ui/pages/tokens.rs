use crate::domain::{Fields, TokenName};
use crate::model::{CreatedToken, TokenView};
use crate::server_fns::forms::{use_kept_form, use_shown_once, KeptForm};
use crate::server_fns::tokens::{list_tokens, CreateToken, RevokeToken};
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_typed, latest_errors, saves, starting, FormErrors, NO_FIELDS,
};
use crate::ui::format;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeMap;

/// The field the form shows a message beside; any other goes on top.
const FIELDS: &[&str] = &["name"];

/// Personal API tokens: create one (shown once), see when each was used,
/// revoke. Both forms post without JavaScript too (`server_fns::forms`): creating
/// to `/account/tokens`, whose new token is then read once from the session
/// (`?shown=`, never the token itself in the address), revoking to
/// `/account/tokens/revoke` (with `form=revoke`).
#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let create_saves = saves(create);
    let revoke = ServerAction::<RevokeToken>::new();
    let revoke_saves = saves(revoke);
    let tokens = Resource::new(
        move || (create_saves.get(), revoke_saves.get()),
        |_| list_tokens(),
    );
    let kept = use_kept_form();
    let shown = use_shown_once();

    view! {
        <Title text="API tokens" />
        <header class="page-header">
            <div>
                <p class="eyebrow">"Account"</p>
                <h1>"API tokens"</h1>
                <p class="muted">"Tokens let CI and scripts call Rookery's API as you: "<code>"Authorization: Bearer rk_…"</code></p>
            </div>
        </header>
        <Suspense>
            {move || Suspend::new(async move {
                let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") != "revoke");
                let shown = shown
                    .await
                    .ok()
                    .flatten()
                    .and_then(|v| serde_json::from_value::<CreatedToken>(v).ok());
                view! { <CreateTokenForm create kept shown /> }
            })}
        </Suspense>
        <section class="card">
            <h2>"Your tokens"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    let kept = kept.await.ok().flatten().filter(|k| k.fields.text("form") == "revoke");
                    let errors = errors_or_kept(revoke, kept.map(|k| k.errors).unwrap_or_default());
                    view! { <FormErrors errors shown=NO_FIELDS /> }
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let tokens = tokens.await?;
                    Ok::<_, crate::error::AppError>(view! { <TokenTable tokens revoke /> })
                })}
            </Suspense>
        </section>
    }
}

/// Naming and creating a token; the new one (`shown` after a plain post) is
/// on view until the page is left.
#[component]
fn CreateTokenForm(
    create: ServerAction<CreateToken>,
    kept: Option<KeptForm>,
    shown: Option<CreatedToken>,
) -> impl IntoView {
    let (typed, kept_errors) = starting(kept, Fields::default(), Fields::clone);
    let name = RwSignal::new(typed.text("name"));
    let checked = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = latest_errors(checked, errors_or_kept(create, kept_errors));
    let created = move || match create.value().get() {
        Some(Ok(created)) => Some(created),
        Some(Err(_)) => None,
        None => shown.clone(),
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match TokenName::parse(&name.get_untracked()) {
            Ok(valid) => {
                checked.set(BTreeMap::new());
                create.dispatch(CreateToken {
                    name: valid.as_str().to_string(),
                });
            }
            Err(message) => checked.set(BTreeMap::from([("name".to_string(), message)])),
        }
    };

    view! {
        <section class="card">
            <h2>"Create a token"</h2>
            <FormErrors errors shown=FIELDS />
            <form class="form form-inline" method="post" action="/account/tokens" on:submit=on_submit novalidate>
                <div class="field grow">
                    <label for="token-name">"Name"</label>
                    <input id="token-name" name="name" type="text" placeholder="CI pipeline" maxlength="60" value=typed.text("name") use:keep_typed=name bind:value=name
                        aria-invalid=aria_invalid(errors, "name") aria-describedby="token-name-error" />
                    <p id="token-name-error" class="field-error" data-field="name" aria-live="polite">{move || errors.with(|e| e.get("name").cloned())}</p>
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Create token"</button>
            </form>
            {move || created().map(|created| view! {
                <div class="secret" role="status" data-testid="new-token">
                    <p><strong>"Copy your new token now."</strong>" For your security it will not be shown again."</p>
                    <input class="mono" type="text" readonly value=created.token aria-label="New API token"
                        on:focus=|ev| { event_target::<leptos::web_sys::HtmlInputElement>(&ev).select(); } />
                </div>
            })}
        </section>
    }
}

#[component]
fn TokenTable(tokens: Vec<TokenView>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="muted">"You have no tokens yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr><th>"Name"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th>"Status"</th><th><span class="sr-only">"Actions"</span></th></tr>
                </thead>
                <tbody>
                    {tokens.into_iter().map(|t| {
                        let id = t.id;
                        let active = t.revoked_at.is_none();
                        view! {
                            <tr class:row-muted=!active>
                                <td data-label="Name"><strong>{t.name.clone()}</strong></td>
                                <td data-label="Token"><code>{format!("{}…", t.prefix)}</code></td>
                                <td data-label="Created">{format::date(t.created_at)}</td>
                                <td data-label="Last used">{t.last_used_at.map(format::datetime).unwrap_or_else(|| "Never".into())}</td>
                                <td data-label="Status">
                                    {if active {
                                        view! { <span class="badge badge-green">"Active"</span> }.into_any()
                                    } else {
                                        view! { <span class="badge badge-gray">"Revoked"</span> }.into_any()
                                    }}
                                </td>
                                <td class="actions">
                                    <Show when=move || active>
                                        <form class="inline-form" method="post" action="/account/tokens/revoke">
                                            <input type="hidden" name="form" value="revoke" />
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <button type="submit" class="btn btn-danger btn-small"
                                                aria-label=format!("Revoke {}", t.name)
                                                on:click=move |ev| { ev.prevent_default(); revoke.dispatch(RevokeToken { id }); }>
                                                "Revoke"
                                            </button>
                                        </form>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
