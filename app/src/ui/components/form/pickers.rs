//! Lists of boxes for choosing environments, services and change requests.

use super::keep::keep_ticked;
use leptos::prelude::*;

/// One box of a [`Ticks`] list.
pub struct Tick {
    pub key: String,
    pub label: String,
    pub hint: Option<String>,
}

/// Boxes for choosing keys (environments, services). They follow `chosen`,
/// so they keep their state after an error; each posts `name=key` when
/// ticked, so the list works in a plain form too, and a box ticked before
/// the page hydrated counts.
#[component]
pub fn Ticks(
    items: Vec<Tick>,
    chosen: RwSignal<Vec<String>>,
    /// Prefix of each box's id (`{prefix}-{key}`), which tests and labels use.
    #[prop(into)]
    id_prefix: String,
    /// The field name the boxes post as.
    #[prop(into)]
    name: String,
) -> impl IntoView {
    view! {
        <div class="role-picker">
            {items.into_iter().map(|item| {
                let id = format!("{id_prefix}-{}", item.key);
                let label_for = id.clone();
                let toggle = {
                    let key = item.key.clone();
                    Callback::new(move |on: bool| {
                        chosen.update(|list| {
                            list.retain(|k| *k != key);
                            if on {
                                list.push(key.clone());
                            }
                        })
                    })
                };
                let is_chosen = {
                    let key = item.key.clone();
                    move || chosen.with(|list| list.contains(&key))
                };
                let initially = chosen.with_untracked(|list| list.contains(&item.key));
                view! {
                    <label for=label_for class="check">
                        <input type="checkbox" id=id name=name.clone() value=item.key
                            checked=initially
                            use:keep_ticked=toggle
                            prop:checked=is_chosen
                            on:change=move |ev| toggle.run(event_target_checked(&ev)) />
                        <span>{item.label}</span>
                        {item.hint.map(|h| view! { <small class="muted">{h}</small> })}
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

/// Ticks for choosing environments (a change's, a release's, a freeze's),
/// posted as `environments`.
#[component]
pub fn EnvironmentPicker(
    environments: Vec<crate::model::EnvironmentView>,
    chosen: RwSignal<Vec<String>>,
    #[prop(into)] id_prefix: String,
    /// Shows "protected · N approvals" after each protected environment.
    #[prop(optional)]
    show_protection: bool,
) -> impl IntoView {
    let items = environments
        .into_iter()
        .map(|env| Tick {
            hint: (show_protection && env.protected).then(|| {
                let approvals =
                    crate::domain::words::plural(env.required_approvals, "approval", "approvals");
                format!("protected · {approvals}")
            }),
            key: env.key,
            label: env.name,
        })
        .collect();
    view! { <Ticks items chosen id_prefix name="environments" /> }
}

/// Ticks for the services a change touches, posted as `services`: those
/// that exist, and any the change names already.
#[component]
pub fn ServicePicker(
    services: Vec<crate::model::ServiceView>,
    chosen: RwSignal<Vec<String>>,
    #[prop(into)] id_prefix: String,
) -> impl IntoView {
    let mut items: Vec<Tick> = services
        .into_iter()
        .map(|s| Tick {
            label: s.name,
            hint: Some(s.key.clone()),
            key: s.key,
        })
        .collect();
    for key in chosen.get_untracked() {
        if !items.iter().any(|t| t.key == key) {
            items.push(Tick {
                label: key.clone(),
                hint: Some("not in the catalog".into()),
                key,
            });
        }
    }
    if items.is_empty() {
        return view! { <p class="muted">"No services yet. An administrator adds them under Services."</p> }.into_any();
    }
    view! { <Ticks items chosen id_prefix name="services" /> }.into_any()
}

/// Ticks for choosing the change requests a release ships, by number and
/// title rather than typed as "CR-4".
#[component]
pub fn ChangePicker(
    changes: Vec<crate::model::CrSummary>,
    chosen: RwSignal<Vec<i64>>,
    /// Prefix of each box's id (`{prefix}-{number}`).
    #[prop(into)]
    id_prefix: String,
) -> impl IntoView {
    if changes.is_empty() {
        return view! { <p class="muted">"No open change requests to ship."</p> }.into_any();
    }
    view! {
        <div class="change-picker" data-testid="change-picker">
            {changes.into_iter().map(|cr| {
                let number = cr.number;
                let id = format!("{id_prefix}-{number}");
                let label_for = id.clone();
                let toggle = Callback::new(move |on: bool| {
                    chosen.update(|list| {
                        list.retain(|n| *n != number);
                        if on {
                            list.push(number);
                            list.sort_unstable();
                        }
                    })
                });
                let initially = chosen.with_untracked(|list| list.contains(&number));
                view! {
                    <label for=label_for class="check">
                        <input type="checkbox" id=id name="changes" value=number.to_string()
                            checked=initially
                            use:keep_ticked=toggle
                            prop:checked=move || chosen.with(|list| list.contains(&number))
                            on:change=move |ev| toggle.run(event_target_checked(&ev)) />
                        <span><strong>{format!("CR-{number}")}</strong>" "{cr.title}</span>
                        <small class="muted">{cr.status.label()}</small>
                    </label>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}
