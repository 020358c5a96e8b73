//! Keeping what a person typed before the page hydrated, and whether it
//! has.

use leptos::prelude::*;

// Input typed before the page hydrates. `bind:value` sets the field from its
// signal when it hydrates, which wiped what a person had typed while the
// bundle was still loading. Written before the binding (attributes hydrate in
// order), these directives first take a field the person changed (its value
// differs from the value the server rendered) into the signal.

/// `use:keep_typed=signal` before `bind:value=signal` on an input, textarea
/// or select.
pub fn keep_typed(el: leptos::web_sys::Element, value: RwSignal<String>) {
    if let Some(typed) = changed_value(&el) {
        value.set(typed);
    }
}

/// `use:keep_checked=signal` before `bind:checked=signal` on a checkbox.
pub fn keep_checked(el: leptos::web_sys::Element, checked: RwSignal<bool>) {
    if let Some(on) = changed_checked(&el) {
        checked.set(on);
    }
}

/// `use:keep_ticked=callback` on a checkbox whose `on:change` updates a
/// list: calls back with its state if the person ticked or cleared it.
pub fn keep_ticked(el: leptos::web_sys::Element, changed: Callback<bool>) {
    if let Some(on) = changed_checked(&el) {
        changed.run(on);
    }
}

/// The field's value if the person changed it from what the server rendered.
#[cfg(not(feature = "hydrate"))]
fn changed_value(_: &leptos::web_sys::Element) -> Option<String> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn changed_checked(_: &leptos::web_sys::Element) -> Option<bool> {
    None
}

#[cfg(feature = "hydrate")]
fn changed_value(el: &leptos::web_sys::Element) -> Option<String> {
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        let value = input.value();
        (value != input.default_value()).then_some(value)
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        let value = area.value();
        (Ok(&value) != area.default_value().as_ref()).then_some(value)
    } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
        let options = select.options();
        let rendered = (0..options.length())
            .filter_map(|i| options.item(i))
            .filter_map(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
            .find(|o| o.default_selected())
            .map(|o| o.value());
        let value = select.value();
        match rendered {
            Some(rendered) => (value != rendered).then_some(value),
            // Nothing marked selected: the first option was the default.
            None => (select.selected_index() > 0).then_some(value),
        }
    } else {
        None
    }
}

/// A checkbox's state if the person changed it from what the server rendered.
#[cfg(feature = "hydrate")]
fn changed_checked(el: &leptos::web_sys::Element) -> Option<bool> {
    use wasm_bindgen::JsCast;
    let input = el.dyn_ref::<web_sys::HtmlInputElement>()?;
    let checked = input.checked();
    (checked != input.default_checked()).then_some(checked)
}

/// Whether the page has hydrated: false on the server and while the page
/// hydrates (so the two render alike), true once effects run in the
/// browser. Controls only a plain form needs (a submit button beside a
/// select that saves on change, fields of every strategy) hide on it; those
/// the hydrated page disables or hides follow it.
pub fn hydrated() -> Signal<bool> {
    let done = RwSignal::new(false);
    Effect::new(move |_| done.set(true));
    done.into()
}
