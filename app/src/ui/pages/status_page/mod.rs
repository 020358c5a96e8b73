//! The status page's back office: components, incidents (the support view),
//! maintenance windows and release notes.

pub mod components;
pub mod incident;
pub mod incidents;
pub mod maintenance;
pub mod release_note;

use crate::domain::status_page::ComponentStatus;
use crate::model::status_page::{component_status_field, ComponentChoice, ComponentView};
use crate::ui::components::form::{hydrated, keep_ticked, keep_typed};
use leptos::prelude::*;

/// One row per component: a checkbox to include it and the status it gets.
/// Components already chosen come first; the others fold away when there
/// are some chosen, so a long list does not bury the form.
///
/// In a plain form each ticked box posts `components` (the id) and the
/// status beside it `component_status.{id}`
/// ([`ComponentChoice::from_fields`]); before the page hydrates every
/// status can be chosen, after it only those of ticked boxes.
#[component]
pub fn ComponentPicker(
    components: Vec<ComponentView>,
    chosen: RwSignal<Vec<ComponentChoice>>,
) -> impl IntoView {
    let initially: Vec<uuid::Uuid> = chosen.with_untracked(|l| l.iter().map(|c| c.id).collect());
    let (first, rest): (Vec<ComponentView>, Vec<ComponentView>) = components
        .into_iter()
        .partition(|c| initially.contains(&c.id));
    let fold = !first.is_empty() && !rest.is_empty();
    let others = rest.len();
    let live = hydrated();
    let rest = rest
        .into_iter()
        .map(|c| picker_row(c, chosen, live))
        .collect_view();
    view! {
        <div class="component-picker" data-testid="component-picker">
            {first.into_iter().map(|c| picker_row(c, chosen, live)).collect_view()}
            {if fold {
                view! {
                    <details>
                        <summary class="small">{format!("Other components ({others})")}</summary>
                        <div class="component-picker">{rest}</div>
                    </details>
                }.into_any()
            } else {
                rest.into_any()
            }}
        </div>
    }
}

fn picker_row(
    c: ComponentView,
    chosen: RwSignal<Vec<ComponentChoice>>,
    live: Signal<bool>,
) -> impl IntoView {
    let id = c.id;
    let initially =
        chosen.with_untracked(|list| list.iter().find(|x| x.id == id).map(|x| x.status));
    let ticked = initially.is_some();
    // The row's own status, kept while the box is cleared.
    let status = RwSignal::new(
        initially
            .unwrap_or(ComponentStatus::DegradedPerformance)
            .as_str()
            .to_string(),
    );
    let rendered = status.get_untracked();
    let included = move || chosen.with(|list| list.iter().any(|x| x.id == id));
    let current = move || {
        ComponentStatus::parse(&status.get_untracked())
            .unwrap_or(ComponentStatus::DegradedPerformance)
    };
    let tick = Callback::new(move |on: bool| {
        chosen.update(|list| {
            list.retain(|x| x.id != id);
            if on {
                list.push(ComponentChoice {
                    id,
                    status: current(),
                });
            }
        });
    });
    // A status chosen (before hydration too) goes to the chosen entry.
    Effect::new(move |_| {
        let picked = ComponentStatus::parse(&status.get());
        if let Ok(picked) = picked {
            chosen.update(|list| {
                if let Some(entry) = list.iter_mut().find(|x| x.id == id) {
                    entry.status = picked;
                }
            });
        }
    });
    view! {
        <div class="picker-row">
            <label class="check"><input type="checkbox" name="components" value=id.to_string() checked=ticked use:keep_ticked=tick prop:checked=included on:change=move |ev| tick.run(event_target_checked(&ev)) data-component=c.name.clone() />{c.name.clone()}</label>
            <select name=component_status_field(id) aria-label=format!("Status of {}", c.name) use:keep_typed=status prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev)) disabled=move || live.get() && !included()>
                {ComponentStatus::ALL.iter().map(|s| {
                    let selected = s.as_str() == rendered;
                    view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
