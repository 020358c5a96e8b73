//! Boxes for a user's roles.

use crate::domain::Role;
use crate::ui::components::form::keep_ticked;
use leptos::prelude::*;

/// A box per role, posted as `roles` (so a plain form sends the ticked
/// ones), following `selected`.
#[component]
pub(super) fn RolePicker(selected: RwSignal<Vec<Role>>, id_prefix: String) -> impl IntoView {
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
