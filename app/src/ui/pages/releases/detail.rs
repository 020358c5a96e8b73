//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use crate::api::deployments::deployment_options;
use crate::api::forms::{use_kept_form, KeptForm};
use crate::api::releases::{get_release, ReleaseAction, SaveReleasePlan};
use crate::domain::change_request::RiskLevel;
use crate::domain::release::ReleaseStatus;
use crate::domain::release_plan::{
    CommunicationInput, GateInput, GateOnFailure, Plan, PlanInput, PrerequisiteInput,
    PrerequisiteKind, PrerequisiteStatus, RollbackStepInput, StepOnFailure,
};
use crate::domain::risk::{score, Likelihood, RiskImpact};
use crate::error::AppError;
use crate::model::DeployOptions;
use crate::model::ReleaseDetail;
use crate::ui::components::form::{keep_typed, saves};
use crate::ui::components::loaded::loaded;
use crate::ui::components::status::{ReleaseStatusBadge, StatusBadge};
use crate::ui::format;
use crate::ui::pages::deployments::start::DeployCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;
use uuid::Uuid;

fn describe(action: &str) -> (&'static str, &'static str) {
    match action {
        "approve" => ("Approve release", "btn btn-primary"),
        // Recording by hand: plain buttons, worded as records, so none of
        // them reads like starting (or undoing) an automated deployment.
        "start_deploying" => ("Record: deploying started", "btn btn-ghost"),
        "mark_deployed" => ("Record: deployed", "btn btn-ghost"),
        "mark_failed" => ("Record: failed", "btn btn-ghost"),
        "mark_rolled_back" => ("Record: rolled back", "btn btn-ghost"),
        _ => ("Act", "btn btn-ghost"),
    }
}

/// Actions that only record what happened outside Rookery (a manual deploy
/// target, or a deployment done by hand); they deploy nothing.
fn records_by_hand(action: &str) -> bool {
    matches!(
        action,
        "start_deploying" | "mark_deployed" | "mark_failed" | "mark_rolled_back"
    )
}

fn level_class(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "risk-low",
        RiskLevel::Medium => "risk-medium",
        RiskLevel::High => "risk-high",
        RiskLevel::Critical => "risk-critical",
    }
}

/// The release plan page: what ships, where, the plan and the timeline.
#[component]
pub fn ReleaseDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let act = ServerAction::<ReleaseAction>::new();
    let act_saves = saves(act);
    let save = ServerAction::<SaveReleasePlan>::new();
    let save_saves = saves(save);
    let release = Resource::new(
        move || (id(), act_saves.get(), save_saves.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_release(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let deploy = Resource::new(
        move || (id(), act_saves.get()),
        |(id, _)| async move {
            match id {
                Some(id) => deployment_options(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // The workflow, record-by-hand and deploy forms posted before
    // hydration and refused come back here.
    let kept = use_kept_form();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || loaded(async move {
                let release = release.await?;
                let deploy = deploy.await?;
                // Once the page sent a form itself, it starts afresh.
                let fresh = act.value().with_untracked(|v| v.is_none())
                    && save.value().with_untracked(|v| v.is_none());
                let kept = kept.await?.filter(|_| fresh);
                Ok::<_, AppError>(view! { <ReleaseView release deploy act save kept /> })
            })}
        </Suspense>
    }
}

#[component]
fn ReleaseView(
    release: ReleaseDetail,
    deploy: DeployOptions,
    act: ServerAction<ReleaseAction>,
    save: ServerAction<SaveReleasePlan>,
    /// A refused plain post: of a workflow or record button (it names its
    /// `action`) or of the deploy form.
    kept: Option<KeptForm>,
) -> impl IntoView {
    let r = release.summary.clone();
    let id = r.id;
    let (kept_act, kept_deploy) = match kept {
        Some(k) if k.fields.ticked("action") => (Some(k), None),
        other => (None, other),
    };
    // The note typed beside the pressed button goes back beside it.
    let kept_action = kept_act.as_ref().map(|k| k.fields.text("action"));
    let kept_note = kept_act
        .as_ref()
        .map(|k| k.fields.text("note"))
        .unwrap_or_default();
    let by_hand = kept_action.as_deref().is_some_and(records_by_hand);
    let typed_note = if by_hand {
        String::new()
    } else {
        kept_note.clone()
    };
    let typed_record_note = if by_hand { kept_note } else { String::new() };
    let note = RwSignal::new(typed_note.clone());
    let record_note = RwSignal::new(typed_record_note.clone());
    let editing = RwSignal::new(false);
    let kept_act_error = StoredValue::new(kept_act.and_then(|k| k.errors.into_values().next()));
    let act_error = move || match act.value().get() {
        Some(result) => result.err().map(|e| e.to_string()),
        None => kept_act_error.get_value(),
    };
    let (recorded, actions): (Vec<String>, Vec<String>) = release
        .allowed_actions
        .iter()
        .cloned()
        .partition(|a| records_by_hand(a));
    let may_deploy = deploy.may_deploy;
    let plan = release.plan.clone();
    let environments = r.environments.clone();
    let can_edit = release.can_edit_plan;
    // A saved plan closes the editor.
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            editing.set(false);
        }
    });
    view! {
        <Title text=format!("{} {} · {}", r.service, r.version, r.title) />
        <header class="page-header">
            <div>
                <p class="eyebrow"><a href="/releases">"Releases"</a>" / "{format!("{} {}", r.service, r.version)}</p>
                <h1>{r.title.clone()}</h1>
                <p class="badges"><ReleaseStatusBadge status=r.status />" "<span class="badge badge-gray">{r.release_type.label()}</span></p>
            </div>
            <div class="row-actions">
                {release.editable.then(|| view! {
                    <a class="btn btn-ghost" href=format!("/releases/{}/edit", r.id) data-testid="edit-release">"Edit"</a>
                })}
                <a class="btn btn-ghost" href=format!("/releases/{}/notes", r.id) data-testid="release-notes-link">"Release notes"</a>
            </div>
        </header>
        // Full width: the deploy form needs the room (in the side column it
        // widened the page).
        <DeployCard options=deploy kept=kept_deploy />
        <div class="columns columns-wide">
            <div>
                <section class="card">
                    <dl class="facts">
                        <dt>"Service"</dt><dd>{format!("{} ({})", r.service_name, r.service)}</dd>
                        <dt>"Version"</dt><dd><code>{r.version.clone()}</code></dd>
                        <dt>"Environments"</dt><dd><ul class="chips">{r.environments.iter().map(|e| view! { <li class="chip">{e.clone()}</li> }).collect_view()}</ul></dd>
                        <dt>"Planned"</dt><dd>{r.planned_at.map(format::datetime).unwrap_or_else(|| "Not yet".into())}</dd>
                        <dt>"Planned by"</dt><dd>{release.created_by.clone()}</dd>
                        <dt>"Approved by"</dt><dd>{if release.approvers.is_empty() { "Not yet".to_string() } else { release.approvers.join(", ") }}</dd>
                    </dl>
                    {(!release.description.is_empty()).then(|| view! { <p class="prose">{release.description.clone()}</p> })}
                </section>
                <section class="card">
                    <h2>"Change requests"</h2>
                    {if release.changes.is_empty() {
                        view! { <p class="muted">"No change requests linked."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="change-list" data-testid="release-changes">
                                {release.changes.iter().map(|cr| view! {
                                    <li>
                                        <a href=format!("/changes/{}", cr.number)><strong>{format!("CR-{}", cr.number)}</strong>" "{cr.title.clone()}</a>
                                        <span class="change-meta"><StatusBadge status=cr.status /></span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <Show
                    when=move || editing.get()
                    fallback={
                        let plan = plan.clone();
                        move || view! { <PlanView plan=plan.clone() can_edit editing /> }
                    }
                >
                    <PlanEditor id plan=release.plan.to_input() environments=environments.clone() save editing />
                </Show>
            </div>
            <div>
                <section class="card">
                    <h2>"Next step"</h2>
                    {move || act_error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                    {if actions.is_empty() {
                        let hint = if may_deploy && matches!(r.status, ReleaseStatus::Approved | ReleaseStatus::Deployed) {
                            "Approved: deploy it with Deploy… under Deployments."
                        } else {
                            "Nothing for you to do here right now."
                        };
                        view! { <p class="muted">{hint}</p> }.into_any()
                    } else {
                        view! {
                            <form class="form" method="post" action=format!("/releases/{id}/act")>
                                <div class="field">
                                    <label for="release-note">"Note (optional)"</label>
                                    <textarea id="release-note" name="note" rows="2" use:keep_typed=note bind:value=note>{crate::ui::components::form::textarea_text(&typed_note.clone())}</textarea>
                                </div>
                                <div class="row-actions">
                                    {action_buttons(&actions, id, note, act)}
                                </div>
                            </form>
                        }.into_any()
                    }}
                </section>
                {(!recorded.is_empty()).then(|| view! {
                    <section class="card card-manual" data-testid="record-by-hand">
                        <h2>"Record by hand"</h2>
                        <p class="muted small">"For deploy targets Rookery does not run, or work done outside it: these only record what already happened on the release's status and timeline. They do not deploy, call a target or roll anything back. To deploy with Rookery, use Deploy… under Deployments."</p>
                        <form class="form" method="post" action=format!("/releases/{id}/act")>
                            <div class="field">
                                <label for="release-record-note">"What happened (optional)"</label>
                                <textarea id="release-record-note" name="note" rows="2" use:keep_typed=record_note bind:value=record_note>{crate::ui::components::form::textarea_text(&typed_record_note.clone())}</textarea>
                            </div>
                            <div class="row-actions">
                                {action_buttons(&recorded, id, record_note, act)}
                            </div>
                        </form>
                    </section>
                })}
                <section class="card">
                    <h2>"Timeline"</h2>
                    <ol class="timeline" data-testid="release-timeline">
                        {release.events.iter().map(|e| {
                            let what = match (e.from_status, e.to_status) {
                                (Some(from), Some(to)) => format!("{} → {}", from.label(), to.label()),
                                (None, Some(_)) if e.action == "create" => "Planned".to_string(),
                                (None, Some(to)) => to.label().to_string(),
                                _ if e.action == "plan" => "Plan updated".to_string(),
                                _ if e.action == "edit" => "Edited".to_string(),
                                _ => e.action.replace('_', " "),
                            };
                            view! {
                                <li>
                                    <span class="timeline-dot" aria-hidden="true"></span>
                                    <div>
                                        <strong>{what}</strong><span class="muted">" by "{e.actor_label.clone()}</span>
                                        {e.note.clone().map(|n| view! { <div class="small">{n}</div> })}
                                        <div class="muted small">{format::datetime(e.occurred_at)}</div>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
            </div>
        </div>
    }
}

/// One button per release action, sent with the note typed beside them
/// (without a script, the form posts the pressed button's `action`).
fn action_buttons(
    actions: &[String],
    id: Uuid,
    note: RwSignal<String>,
    act: ServerAction<ReleaseAction>,
) -> impl IntoView {
    actions
        .iter()
        .map(|action| {
            let (label, css) = describe(action);
            let action = action.clone();
            view! {
                <button type="submit" name="action" value=action.clone() class=css disabled=move || act.pending().get() on:click=move |ev| {
                    ev.prevent_default();
                    act.dispatch(ReleaseAction { id, action: action.clone(), note: note.get_untracked() });
                }>{label}</button>
            }
        })
        .collect_view()
}

/// The 4 × 3 impact × likelihood matrix with the assessed cell marked.
#[component]
fn RiskMatrix(impact: RiskImpact, likelihood: Likelihood) -> impl IntoView {
    let chosen = score(impact, likelihood);
    view! {
        <div class="risk-matrix" role="table" aria-label="Risk matrix: impact by likelihood" data-testid="risk-matrix">
            <div class="risk-axis" role="row">
                <span></span>
                {Likelihood::ALL.iter().map(|l| view! { <span role="columnheader">{l.label()}</span> }).collect_view()}
            </div>
            {RiskImpact::ALL.iter().rev().map(|&i| view! {
                <div class="risk-row" role="row">
                    <span class="risk-label" role="rowheader">{i.label()}</span>
                    {Likelihood::ALL.iter().map(|&l| {
                        let cell = score(i, l);
                        let here = i == impact && l == likelihood;
                        let css = format!("risk-cell {}{}", level_class(cell.level), if here { " risk-chosen" } else { "" });
                        view! {
                            <span class=css role="cell" aria-current=here.then_some("true")>
                                {here.then(|| view! { <strong data-testid="risk-score">{cell.score}</strong> })}
                            </span>
                        }
                    }).collect_view()}
                </div>
            }).collect_view()}
            <p class="muted small">{format!("Impact {} × likelihood {} = {} ({})", impact.label().to_lowercase(), likelihood.label().to_lowercase(), chosen.score, chosen.level.label().to_lowercase())}</p>
        </div>
    }
}

fn bullet_list(items: &[String]) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">"None written."</p> }.into_any();
    }
    view! { <ul class="bullets">{items.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul> }.into_any()
}

#[component]
fn PlanView(plan: Plan, can_edit: bool, editing: RwSignal<bool>) -> impl IntoView {
    let now = chrono::Utc::now();
    view! {
        <section class="card" data-testid="release-plan">
            <div class="card-header">
                <h2>"Release plan"</h2>
                {can_edit.then(|| view! { <button type="button" class="btn btn-ghost btn-small" on:click=move |_| editing.set(true)>"Edit plan"</button> })}
            </div>
            <h3>"Prerequisites"</h3>
            {if plan.prerequisites.is_empty() {
                view! { <p class="muted">"No prerequisites."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-testid="prerequisites">
                        <thead><tr><th>"Type"</th><th>"Description"</th><th>"Status"</th><th>"Owner"</th><th>"Deadline"</th></tr></thead>
                        <tbody>
                            {plan.prerequisites.iter().map(|p| {
                                let overdue = p.overdue(now);
                                let status_css = match p.status {
                                    PrerequisiteStatus::Completed => "badge badge-green",
                                    PrerequisiteStatus::Failed => "badge badge-red",
                                    PrerequisiteStatus::Pending => "badge badge-amber",
                                };
                                view! {
                                    <tr class:row-overdue=overdue>
                                        <td data-label="Type">{p.kind.label()}</td>
                                        <td data-label="Description">{p.description.clone()}</td>
                                        <td data-label="Status"><span class=status_css>{p.status.label()}</span></td>
                                        <td data-label="Owner">{if p.owner.is_empty() { "—".to_string() } else { p.owner.clone() }}</td>
                                        <td data-label="Deadline">
                                            {p.deadline.map(format::datetime).unwrap_or_else(|| "—".into())}
                                            {overdue.then(|| view! { " "<span class="badge badge-red">"Overdue"</span> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
            <h3>"Risk assessment"</h3>
            {match plan.risk.clone() {
                None => view! { <p class="muted">"Not assessed yet."</p> }.into_any(),
                Some(risk) => view! {
                    <div class="risk-block">
                        <RiskMatrix impact=risk.impact likelihood=risk.likelihood />
                        <div>
                            <h4>"Mitigations"</h4>
                            {bullet_list(&risk.mitigations)}
                            <h4>"Contingencies"</h4>
                            {bullet_list(&risk.contingencies)}
                        </div>
                    </div>
                }.into_any(),
            }}
            <h3>"Rollback plan"</h3>
            {if plan.rollback_steps.is_empty() {
                view! { <p class="muted">"No rollback steps written."</p> }.into_any()
            } else {
                view! {
                    <ol class="plan-steps" data-testid="rollback-steps">
                        {plan.rollback_steps.iter().map(|s| view! {
                            <li>
                                <strong>{s.description.clone()}</strong>
                                {s.command.clone().map(|c| view! { <pre class="command"><code>{c}</code></pre> })}
                                <div class="small">"Verify: "{s.verification.clone()}</div>
                                <div class="muted small">{format!("Timeout {} min · on failure: {}", s.timeout_minutes, s.on_failure.label().to_lowercase())}</div>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <h3>"Communication plan"</h3>
            {if plan.communication.is_empty() {
                view! { <p class="muted">"Nobody is scheduled to be told."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr><th>"Audience"</th><th>"Channel"</th><th>"When"</th><th>"Message"</th></tr></thead>
                        <tbody>
                            {plan.communication.iter().map(|c| view! {
                                <tr>
                                    <td data-label="Audience">{c.audience.clone()}</td>
                                    <td data-label="Channel">{c.channel.clone()}</td>
                                    <td data-label="When">{c.timing.clone()}</td>
                                    <td data-label="Message">{c.message.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
            <h3>"Testing requirements"</h3>
            {if plan.gates.is_empty() {
                view! { <p class="muted">"No gates: deployments need no test results."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-testid="gates">
                        <thead><tr><th>"Environment"</th><th>"Gate"</th><th>"Suites"</th><th>"Required"</th><th>"Timeout"</th><th>"On failure"</th></tr></thead>
                        <tbody>
                            {plan.gates.iter().map(|g| {
                                let css = match g.on_failure {
                                    GateOnFailure::Block => "badge badge-red",
                                    GateOnFailure::Warn => "badge badge-amber",
                                    GateOnFailure::Ignore => "badge badge-gray",
                                };
                                view! {
                                    <tr>
                                        <td data-label="Environment"><span class="chip">{g.environment.clone()}</span></td>
                                        <td data-label="Gate">{g.name.clone()}</td>
                                        <td data-label="Suites">{g.suites.join(", ")}</td>
                                        <td data-label="Required">{if g.required { "Yes" } else { "No" }}</td>
                                        <td data-label="Timeout">{format!("{} min", g.timeout_minutes)}</td>
                                        <td data-label="On failure"><span class=css>{g.on_failure.label()}</span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}

/// Binds one text field of row `$i` in list `$list` of the plan signal:
/// the initial value and an input handler.
macro_rules! bind {
    ($plan:ident . $list:ident [ $i:ident ] . $field:ident) => {{
        let value = $plan.with_untracked(|p| {
            p.$list
                .get($i)
                .map(|r| r.$field.clone())
                .unwrap_or_default()
        });
        let set = move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            $plan.update(|p| {
                if let Some(r) = p.$list.get_mut($i) {
                    r.$field = v;
                }
            });
        };
        (value, set)
    }};
}

fn select_options(all: Vec<(&'static str, &'static str)>, current: String) -> impl IntoView {
    all.into_iter()
        .map(|(value, label)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view()
}

macro_rules! vocab {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|v| (v.as_str(), v.label()))
            .collect::<Vec<_>>()
    };
}

/// Edits the whole plan and saves it at once; rows are added and removed
/// freely, and errors point at the row and field.
#[component]
fn PlanEditor(
    id: Uuid,
    plan: PlanInput,
    environments: Vec<String>,
    save: ServerAction<SaveReleasePlan>,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let plan = RwSignal::new(plan);
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let envs = StoredValue::new(environments);
    Effect::new(move |_| {
        if let Some(Err(error)) = save.value().get() {
            errors.set(error.field_errors());
        }
    });
    let error = move |key: String| move || errors.with(|e| e.get(&key).cloned());
    let prerequisites = Memo::new(move |_| plan.with(|p| p.prerequisites.len()));
    let steps = Memo::new(move |_| plan.with(|p| p.rollback_steps.len()));
    let comms = Memo::new(move |_| plan.with(|p| p.communication.len()));
    let gates = Memo::new(move |_| plan.with(|p| p.gates.len()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = plan.get_untracked();
        match input.validate(&envs.get_value()) {
            Ok(_) => {
                errors.set(BTreeMap::new());
                save.dispatch(SaveReleasePlan { id, plan: input });
            }
            Err(found) => errors.set(found),
        }
    };
    let risk = plan.with_untracked(|p| p.risk.clone());

    view! {
        <form class="card form plan-editor" on:submit=on_submit novalidate data-testid="plan-editor">
            <div class="card-header">
                <h2>"Edit release plan"</h2>
            </div>
            {move || errors.with(|e| e.get("form").cloned()).map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || (!errors.with(|e| e.is_empty())).then(|| view! { <div class="alert alert-error" role="alert">"Some fields need attention; they are marked below."</div> })}

            <h3>"Prerequisites"</h3>
            {move || (0..prerequisites.get()).map(|i| {
                let (description, set_description) = bind!(plan.prerequisites[i].description);
                let (owner, set_owner) = bind!(plan.prerequisites[i].owner);
                let (deadline, set_deadline) = bind!(plan.prerequisites[i].deadline);
                let (kind, set_kind) = bind!(plan.prerequisites[i].kind);
                let (status, set_status) = bind!(plan.prerequisites[i].status);
                view! {
                    <div class="plan-row">
                        <div class="field">
                            <label for=format!("pre-{i}-kind")>"Type"</label>
                            <select id=format!("pre-{i}-kind") on:change=set_kind>{select_options(vocab!(PrerequisiteKind), kind)}</select>
                            <p class="field-error">{error(format!("prerequisites.{i}.kind"))}</p>
                        </div>
                        <div class="field grow">
                            <label for=format!("pre-{i}-description")>"Description"</label>
                            <input id=format!("pre-{i}-description") type="text" value=description on:input=set_description />
                            <p class="field-error">{error(format!("prerequisites.{i}.description"))}</p>
                        </div>
                        <div class="field">
                            <label for=format!("pre-{i}-status")>"Status"</label>
                            <select id=format!("pre-{i}-status") on:change=set_status>{select_options(vocab!(PrerequisiteStatus), status)}</select>
                        </div>
                        <div class="field">
                            <label for=format!("pre-{i}-owner")>"Owner"</label>
                            <input id=format!("pre-{i}-owner") type="text" value=owner on:input=set_owner />
                        </div>
                        <div class="field">
                            <label for=format!("pre-{i}-deadline")>"Deadline (UTC)"</label>
                            <input id=format!("pre-{i}-deadline") type="datetime-local" value=deadline on:input=set_deadline />
                            <p class="field-error">{error(format!("prerequisites.{i}.deadline"))}</p>
                        </div>
                        <button type="button" class="btn btn-ghost btn-small" aria-label="Remove prerequisite" on:click=move |_| plan.update(|p| { if i < p.prerequisites.len() { p.prerequisites.remove(i); } })>"Remove"</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.prerequisites.push(PrerequisiteInput { kind: "database".into(), status: "pending".into(), ..Default::default() }))>"+ Add prerequisite"</button>

            <h3>"Risk assessment"</h3>
            <div class="form-grid">
                <div class="field">
                    <label for="risk-impact">"Impact"</label>
                    <select id="risk-impact" on:change=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.impact = v) }>
                        <option value="">"Not assessed"</option>
                        {select_options(vocab!(RiskImpact), risk.impact.clone())}
                    </select>
                    <p class="field-error">{error("risk.impact".into())}</p>
                </div>
                <div class="field">
                    <label for="risk-likelihood">"Likelihood"</label>
                    <select id="risk-likelihood" on:change=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.likelihood = v) }>
                        <option value="">"Not assessed"</option>
                        {select_options(vocab!(Likelihood), risk.likelihood.clone())}
                    </select>
                    <p class="field-error">{error("risk.likelihood".into())}</p>
                </div>
            </div>
            {move || {
                let (i, l) = plan.with(|p| (RiskImpact::parse(&p.risk.impact).ok(), Likelihood::parse(&p.risk.likelihood).ok()));
                i.zip(l).map(|(impact, likelihood)| view! { <RiskMatrix impact likelihood /> })
            }}
            <div class="form-grid">
                <div class="field">
                    <label for="risk-mitigations">"Mitigations (one per line)"</label>
                    <textarea id="risk-mitigations" rows="3" prop:value=risk.mitigations.clone() on:input=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.mitigations = v) }></textarea>
                </div>
                <div class="field">
                    <label for="risk-contingencies">"Contingencies (one per line)"</label>
                    <textarea id="risk-contingencies" rows="3" prop:value=risk.contingencies.clone() on:input=move |ev| { let v = event_target_value(&ev); plan.update(|p| p.risk.contingencies = v) }></textarea>
                </div>
            </div>

            <h3>"Rollback plan"</h3>
            {move || (0..steps.get()).map(|i| {
                let (description, set_description) = bind!(plan.rollback_steps[i].description);
                let (command, set_command) = bind!(plan.rollback_steps[i].command);
                let (verification, set_verification) = bind!(plan.rollback_steps[i].verification);
                let (timeout, set_timeout) = bind!(plan.rollback_steps[i].timeout_minutes);
                let (on_failure, set_on_failure) = bind!(plan.rollback_steps[i].on_failure);
                view! {
                    <div class="plan-row">
                        <span class="step-number">{i + 1}</span>
                        <div class="field grow">
                            <label for=format!("step-{i}-description")>"Step"</label>
                            <input id=format!("step-{i}-description") type="text" value=description on:input=set_description />
                            <p class="field-error">{error(format!("rollback_steps.{i}.description"))}</p>
                        </div>
                        <div class="field grow">
                            <label for=format!("step-{i}-command")>"Command (optional)"</label>
                            <input id=format!("step-{i}-command") type="text" class="mono" value=command on:input=set_command />
                        </div>
                        <div class="field grow">
                            <label for=format!("step-{i}-verification")>"Verification"</label>
                            <input id=format!("step-{i}-verification") type="text" value=verification on:input=set_verification />
                            <p class="field-error">{error(format!("rollback_steps.{i}.verification"))}</p>
                        </div>
                        <div class="field narrow">
                            <label for=format!("step-{i}-timeout")>"Timeout (min)"</label>
                            <input id=format!("step-{i}-timeout") type="number" min="1" max="1440" value=timeout on:input=set_timeout />
                            <p class="field-error">{error(format!("rollback_steps.{i}.timeout_minutes"))}</p>
                        </div>
                        <div class="field">
                            <label for=format!("step-{i}-on-failure")>"On failure"</label>
                            <select id=format!("step-{i}-on-failure") on:change=set_on_failure>{select_options(vocab!(StepOnFailure), on_failure)}</select>
                        </div>
                        <button type="button" class="btn btn-ghost btn-small" aria-label="Remove step" on:click=move |_| plan.update(|p| { if i < p.rollback_steps.len() { p.rollback_steps.remove(i); } })>"Remove"</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.rollback_steps.push(RollbackStepInput { timeout_minutes: "10".into(), on_failure: "stop".into(), ..Default::default() }))>"+ Add rollback step"</button>

            <h3>"Communication plan"</h3>
            {move || (0..comms.get()).map(|i| {
                let (audience, set_audience) = bind!(plan.communication[i].audience);
                let (channel, set_channel) = bind!(plan.communication[i].channel);
                let (timing, set_timing) = bind!(plan.communication[i].timing);
                let (message, set_message) = bind!(plan.communication[i].message);
                view! {
                    <div class="plan-row">
                        <div class="field">
                            <label for=format!("comm-{i}-audience")>"Audience"</label>
                            <input id=format!("comm-{i}-audience") type="text" value=audience on:input=set_audience />
                            <p class="field-error">{error(format!("communication.{i}.audience"))}</p>
                        </div>
                        <div class="field">
                            <label for=format!("comm-{i}-channel")>"Channel"</label>
                            <input id=format!("comm-{i}-channel") type="text" value=channel on:input=set_channel />
                            <p class="field-error">{error(format!("communication.{i}.channel"))}</p>
                        </div>
                        <div class="field">
                            <label for=format!("comm-{i}-timing")>"When"</label>
                            <input id=format!("comm-{i}-timing") type="text" value=timing on:input=set_timing />
                            <p class="field-error">{error(format!("communication.{i}.timing"))}</p>
                        </div>
                        <div class="field grow">
                            <label for=format!("comm-{i}-message")>"Message"</label>
                            <input id=format!("comm-{i}-message") type="text" value=message on:input=set_message />
                        </div>
                        <button type="button" class="btn btn-ghost btn-small" aria-label="Remove communication" on:click=move |_| plan.update(|p| { if i < p.communication.len() { p.communication.remove(i); } })>"Remove"</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.communication.push(CommunicationInput::default()))>"+ Add communication"</button>

            <h3>"Testing requirements"</h3>
            {move || (0..gates.get()).map(|i| {
                let (environment, set_environment) = bind!(plan.gates[i].environment);
                let (name, set_name) = bind!(plan.gates[i].name);
                let (suites, set_suites) = bind!(plan.gates[i].suites);
                let (timeout, set_timeout) = bind!(plan.gates[i].timeout_minutes);
                let (on_failure, set_on_failure) = bind!(plan.gates[i].on_failure);
                let required = plan.with_untracked(|p| p.gates.get(i).map(|g| g.required).unwrap_or(true));
                let env_options = envs.get_value().into_iter().map(|e| {
                    let selected = e == environment;
                    view! { <option value=e.clone() selected=selected>{e.clone()}</option> }
                }).collect_view();
                view! {
                    <div class="plan-row">
                        <div class="field">
                            <label for=format!("gate-{i}-environment")>"Environment"</label>
                            <select id=format!("gate-{i}-environment") on:change=set_environment>
                                <option value="">"Choose"</option>
                                {env_options}
                            </select>
                            <p class="field-error">{error(format!("gates.{i}.environment"))}</p>
                        </div>
                        <div class="field">
                            <label for=format!("gate-{i}-name")>"Gate"</label>
                            <input id=format!("gate-{i}-name") type="text" value=name on:input=set_name />
                            <p class="field-error">{error(format!("gates.{i}.name"))}</p>
                        </div>
                        <div class="field grow">
                            <label for=format!("gate-{i}-suites")>"Suites (comma-separated)"</label>
                            <input id=format!("gate-{i}-suites") type="text" value=suites on:input=set_suites />
                        </div>
                        <label class="check" for=format!("gate-{i}-required")>
                            <input id=format!("gate-{i}-required") type="checkbox" checked=required on:change=move |ev| { let on = event_target_checked(&ev); plan.update(|p| { if let Some(g) = p.gates.get_mut(i) { g.required = on; } }) } />
                            <span>"Required"</span>
                        </label>
                        <div class="field narrow">
                            <label for=format!("gate-{i}-timeout")>"Timeout (min)"</label>
                            <input id=format!("gate-{i}-timeout") type="number" min="1" max="1440" value=timeout on:input=set_timeout />
                            <p class="field-error">{error(format!("gates.{i}.timeout_minutes"))}</p>
                        </div>
                        <div class="field">
                            <label for=format!("gate-{i}-on-failure")>"On failure"</label>
                            <select id=format!("gate-{i}-on-failure") on:change=set_on_failure>{select_options(vocab!(GateOnFailure), on_failure)}</select>
                        </div>
                        <button type="button" class="btn btn-ghost btn-small" aria-label="Remove gate" on:click=move |_| plan.update(|p| { if i < p.gates.len() { p.gates.remove(i); } })>"Remove"</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="btn btn-ghost btn-small" on:click=move |_| plan.update(|p| p.gates.push(GateInput { required: true, timeout_minutes: "30".into(), on_failure: "block".into(), ..Default::default() }))>"+ Add gate"</button>

            <div class="row-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save plan"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}
