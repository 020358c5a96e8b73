//! The deploy form's testing gates: each gate's latest result, and
//! acknowledging those that would only warn.

use crate::domain::deploy::{GateOutcome, GateRule};
use crate::model::GateStatusView;
use crate::ui::components::form::{keep_checked, keep_ticked};
use leptos::prelude::*;

/// A gate's latest result in words ("Passed", "Not reported").
fn gate_outcome_words(latest: Option<&str>) -> String {
    match latest {
        None => "Not reported".into(),
        Some(l) => GateOutcome::parse(l)
            .map(|o| o.label().to_string())
            .unwrap_or_else(|_| l.replace('_', " ")),
    }
}

/// What a gate that has not passed does, in words.
fn gate_rule_words(on_failure: &str, required: bool) -> String {
    let rule = match GateRule::parse(on_failure) {
        Ok(GateRule::Block) => "blocks until it passes",
        Ok(GateRule::Warn) => "warns until it passes",
        Ok(GateRule::Ignore) => "ignored if it fails",
        Err(_) => "",
    };
    match (rule, required) {
        ("", true) => " · required".into(),
        ("", false) => String::new(),
        (rule, true) => format!(" · {rule} · required"),
        (rule, false) => format!(" · {rule}"),
    }
}

/// The gates fieldset for the chosen environment's `gates`.
#[component]
pub(super) fn DeployGates(
    gates: Signal<Vec<GateStatusView>>,
    acknowledged: RwSignal<Vec<String>>,
    wait: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <fieldset class="field">
            <legend>"Testing gates"</legend>
            {move || {
                let list = gates.get();
                if list.is_empty() {
                    view! { <p class="muted small">"No gates for this environment."</p> }.into_any()
                } else {
                    view! {
                        <ul class="gate-list">
                            {list.into_iter().map(|g| {
                                let name = g.name.clone();
                                let needs_ack = g.latest.as_deref() != Some("passed")
                                    && (g.on_failure == "warn" || (g.on_failure == "block" && !g.required));
                                let badge = match g.latest.as_deref() {
                                    Some("passed") => "badge badge-green",
                                    Some(_) => "badge badge-red",
                                    None => "badge badge-gray",
                                };
                                let tick = {
                                    let ack = name.clone();
                                    Callback::new(move |on: bool| {
                                        acknowledged.update(|a| {
                                            a.retain(|x| *x != ack);
                                            if on { a.push(ack.clone()); }
                                        });
                                    })
                                };
                                let ticked = acknowledged.with_untracked(|a| a.contains(&name));
                                view! {
                                    <li>
                                        <span class=badge>{gate_outcome_words(g.latest.as_deref())}</span>" "
                                        <strong>{name.clone()}</strong>
                                        <span class="muted small">{gate_rule_words(&g.on_failure, g.required)}</span>
                                        {g.url.clone().map(|u| view! { " " <a href=u rel="noopener noreferrer" target="_blank">"run"</a> })}
                                        {needs_ack.then(|| view! {
                                            <label class="check small">
                                                <input type="checkbox" name="acknowledge_gates" value=name.clone() checked=ticked use:keep_ticked=tick on:change=move |ev| tick.run(event_target_checked(&ev)) />
                                                " Deploy anyway (acknowledge)"
                                            </label>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <label class="check">
                <input type="checkbox" name="wait_for_gates" checked=wait.get_untracked() use:keep_checked=wait bind:checked=wait />
                " Wait for required gates that have not reported yet"
            </label>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_read_in_words_not_stored_names() {
        assert_eq!(gate_outcome_words(None), "Not reported");
        assert_eq!(gate_outcome_words(Some("passed")), "Passed");
        assert_eq!(gate_outcome_words(Some("expired")), "Expired");
        assert_eq!(
            gate_rule_words("block", true),
            " · blocks until it passes · required"
        );
        assert_eq!(gate_rule_words("warn", false), " · warns until it passes");
    }
}
