//! The status page's back office: components, incidents (the support view),
//! maintenance windows and release notes.

pub mod components;
pub mod incident;
pub mod incidents;
pub mod maintenance;
pub mod release_note;

use crate::domain::status::ComponentStatus;
use crate::model::status::{ComponentChoice, ComponentView};
use leptos::prelude::*;

/// One row per component: a checkbox to include it and the status it gets.
/// Components already chosen come first; the others fold away when there
/// are some chosen, so a long list does not bury the form.
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
    let rest = rest
        .into_iter()
        .map(|c| picker_row(c, chosen))
        .collect_view();
    view! {
        <div class="component-picker" data-testid="component-picker">
            {first.into_iter().map(|c| picker_row(c, chosen)).collect_view()}
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

fn picker_row(c: ComponentView, chosen: RwSignal<Vec<ComponentChoice>>) -> impl IntoView {
    let id = c.id;
    let included = move || chosen.with(|list| list.iter().any(|x| x.id == id));
    let status = move || {
        chosen.with(|list| {
            list.iter()
                .find(|x| x.id == id)
                .map(|x| x.status.as_str())
                .unwrap_or("degraded_performance")
                .to_string()
        })
    };
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        chosen.update(|list| {
            list.retain(|x| x.id != id);
            if on {
                list.push(ComponentChoice {
                    id,
                    status: ComponentStatus::DegradedPerformance,
                });
            }
        });
    };
    let set = move |ev: leptos::ev::Event| {
        if let Ok(s) = ComponentStatus::parse(&event_target_value(&ev)) {
            chosen.update(|list| {
                list.retain(|x| x.id != id);
                list.push(ComponentChoice { id, status: s });
            });
        }
    };
    view! {
        <div class="picker-row">
            <label class="check"><input type="checkbox" prop:checked=included on:change=toggle data-component=c.name.clone() />{c.name.clone()}</label>
            <select aria-label=format!("Status of {}", c.name) prop:value=status on:change=set disabled=move || !included()>
                {ComponentStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
        </div>
    }
}
