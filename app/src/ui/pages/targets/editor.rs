//! The form that sets how a service reaches an environment.

use crate::error::AppError;
use crate::model::{EnvironmentView, ServiceView, TargetInput};
use crate::server_fns::deployments::SaveTarget;
use crate::ui::components::field::Field;
use crate::ui::components::form::{
    aria_invalid, errors_or_kept, keep_typed, FieldError, FormErrors,
};
use crate::ui::components::loaded::loads;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The fields the editor shows a message beside (the server checks them all,
/// `services::targets::save`); any other goes on top.
pub(super) const FIELDS: &[&str] = &[
    "service",
    "environment",
    "kind",
    "program",
    "url",
    "secret",
    "timeout_seconds",
    "health_url",
    "health_status",
    "health_command",
];

/// A target's fields, posted to `/admin/targets` before hydration or without
/// JavaScript. The fields of one kind (a command's, a webhook's) hide when
/// another is chosen once the page runs its script; without it they all
/// show, as changing the kind cannot reveal them.
#[component]
pub(super) fn TargetEditor(
    input: TargetInput,
    /// Messages to show from the start (a refused plain post's).
    errors: BTreeMap<String, String>,
    save: ServerAction<SaveTarget>,
    services: Resource<Result<Vec<ServiceView>, AppError>>,
    environments: Resource<Result<Vec<EnvironmentView>, AppError>>,
) -> impl IntoView {
    let typed = input.clone();
    let service = RwSignal::new(input.service);
    let environment = RwSignal::new(input.environment);
    let kind = RwSignal::new(input.kind);
    let program = RwSignal::new(input.program);
    let args = RwSignal::new(input.args);
    let url = RwSignal::new(input.url);
    // A secret is never shown again, nor kept after a refused plain post.
    let secret = RwSignal::new(String::new());
    let timeout = RwSignal::new(input.timeout_seconds);
    let health_url = RwSignal::new(input.health_url);
    let health_status = RwSignal::new(input.health_status);
    let health_command = RwSignal::new(input.health_command);
    let errors = errors_or_kept(save, errors);
    let invalid = move |field: &'static str| aria_invalid(errors, field);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveTarget {
            input: TargetInput {
                service: service.get_untracked(),
                environment: environment.get_untracked(),
                kind: kind.get_untracked(),
                program: program.get_untracked(),
                args: args.get_untracked(),
                url: url.get_untracked(),
                secret: secret.get_untracked(),
                timeout_seconds: timeout.get_untracked(),
                health_url: health_url.get_untracked(),
                health_status: health_status.get_untracked(),
                health_command: health_command.get_untracked(),
            },
        });
    };
    view! {
        <section class="card">
            <h2>"Deploy target"</h2>
            <form class="form" method="post" action="/admin/targets" on:submit=on_submit novalidate>
                <FormErrors errors shown=FIELDS />
                <div class="field-row">
                    <div class="field">
                        <label for="target-service">"Service"</label>
                        <Suspense fallback=|| ()>
                            {loads(move || async move {
                                let list = services.await?;
                                Ok::<_, AppError>(view! {
                                    <select id="target-service" name="service" use:keep_typed=service on:change=move |ev| service.set(event_target_value(&ev)) aria-invalid=invalid("service")>
                                        <option value="">"Choose…"</option>
                                        {list.into_iter().map(|s| { let key = s.key.clone(); view! { <option value=s.key.clone() selected=move || service.get() == key>{s.key.clone()}</option> } }).collect_view()}
                                    </select>
                                })
                            })}
                        </Suspense>
                        <FieldError errors field="service" />
                    </div>
                    <div class="field">
                        <label for="target-env">"Environment"</label>
                        <Suspense fallback=|| ()>
                            {loads(move || async move {
                                let list = environments.await?;
                                Ok::<_, AppError>(view! {
                                    <select id="target-env" name="environment" use:keep_typed=environment on:change=move |ev| environment.set(event_target_value(&ev)) aria-invalid=invalid("environment")>
                                        <option value="">"Choose…"</option>
                                        {list.into_iter().map(|e| { let key = e.key.clone(); view! { <option value=e.key.clone() selected=move || environment.get() == key>{e.key.clone()}</option> } }).collect_view()}
                                    </select>
                                })
                            })}
                        </Suspense>
                        <FieldError errors field="environment" />
                    </div>
                    <div class="field">
                        <label for="target-kind">"Kind"</label>
                        <select id="target-kind" name="kind" use:keep_typed=kind on:change=move |ev| kind.set(event_target_value(&ev)) aria-invalid=invalid("kind")>
                            {["simulated", "command", "webhook"].map(|k| view! { <option value=k selected=move || kind.get() == k>{k}</option> })}
                        </select>
                        <FieldError errors field="kind" />
                    </div>
                </div>
                <div class:kind-hidden=move || kind.get() != "command" data-kind="command">
                    <p class="hint">"For a command target:"</p>
                    <Field label="Program" id="target-program" errors field="program">
                        <input id="target-program" name="program" value=typed.program use:keep_typed=program bind:value=program placeholder="/usr/local/bin/deploy" aria-invalid=invalid("program") />
                    </Field>
                    <div class="field">
                        <label for="target-args">"Arguments (one per line)"</label>
                        <textarea id="target-args" name="args" rows="3" use:keep_typed=args bind:value=args>{crate::ui::components::form::textarea_text(&typed.args)}</textarea>
                        <p class="hint">"Runs with ROOKERY_SERVICE, ROOKERY_ENVIRONMENT, ROOKERY_VERSION, ROOKERY_PREVIOUS_VERSION, ROOKERY_STEP, ROOKERY_WEIGHT, ROOKERY_ACTION and ROOKERY_IDEMPOTENCY_KEY in its environment; exit status 0 is success."</p>
                    </div>
                </div>
                <div class:kind-hidden=move || kind.get() != "webhook" data-kind="webhook">
                    <p class="hint">"For a webhook target:"</p>
                    <Field label="URL" id="target-url" errors field="url">
                        <input id="target-url" name="url" type="url" value=typed.url use:keep_typed=url bind:value=url placeholder="https://deployer.internal/hooks/rookery" aria-invalid=invalid("url") />
                    </Field>
                    <div class="field">
                        <label for="target-secret">"Signing secret"</label>
                        <input id="target-secret" name="secret" type="password" autocomplete="new-password" use:keep_typed=secret bind:value=secret placeholder="leave empty to keep the current secret" aria-invalid=invalid("secret") />
                        <p class="hint">"Bodies are signed with HMAC-SHA256 in the X-Rookery-Signature header (sha256=…); each call carries an Idempotency-Key header."</p>
                        <FieldError errors field="secret" />
                    </div>
                </div>
                <div class="field-row">
                    <Field label="Timeout (seconds)" id="target-timeout" errors field="timeout_seconds">
                        <input id="target-timeout" name="timeout_seconds" inputmode="numeric" value=typed.timeout_seconds use:keep_typed=timeout bind:value=timeout placeholder="300" aria-invalid=invalid("timeout_seconds") />
                    </Field>
                    <Field label="Health check URL" id="target-health-url" errors field="health_url">
                        <input id="target-health-url" name="health_url" type="url" value=typed.health_url use:keep_typed=health_url bind:value=health_url aria-invalid=invalid("health_url") />
                    </Field>
                    <Field label="Expected status" id="target-health-status" errors field="health_status">
                        <input id="target-health-status" name="health_status" inputmode="numeric" value=typed.health_status use:keep_typed=health_status bind:value=health_status placeholder="200" aria-invalid=invalid("health_status") />
                    </Field>
                </div>
                <Field label="Health check command (instead of a URL)" id="target-health-command" errors field="health_command">
                    <input id="target-health-command" name="health_command" value=typed.health_command use:keep_typed=health_command bind:value=health_command aria-invalid=invalid("health_command") />
                </Field>
                <div class="row-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save target"</button>
                    <a role="button" class="btn btn-ghost" href="/admin/targets" data-noscroll on:click=move |_| save.clear()>"Cancel"</a>
                </div>
            </form>
        </section>
    }
}
