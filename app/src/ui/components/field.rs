//! One form field: its label, its input and the message beside it.

use super::form::{aria_invalid, keep_typed, textarea_text, FieldError};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// `<div class="field">`: a label for `id`, the input given as children,
/// and the message for `field` under it.
#[component]
pub fn Field(
    #[prop(into)] label: String,
    /// The input's id, which the label points at.
    id: &'static str,
    #[prop(into)] errors: Signal<BTreeMap<String, String>>,
    /// Its name as errors give it.
    field: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {children()}
            <FieldError errors field=field />
        </div>
    }
}

/// A [`Field`] holding a `<textarea>` named `field`, starting with `initial`
/// (escaped on the server, see `textarea_text`), bound to `value`.
#[component]
pub fn TextAreaField(
    #[prop(into)] label: String,
    id: &'static str,
    #[prop(into)] errors: Signal<BTreeMap<String, String>>,
    field: &'static str,
    rows: &'static str,
    value: RwSignal<String>,
    /// The text the server renders in it.
    #[prop(into)]
    initial: String,
) -> impl IntoView {
    view! {
        <Field label id errors field>
            <textarea id=id name=field rows=rows use:keep_typed=value bind:value=value aria-invalid=aria_invalid(errors, field)>{textarea_text(&initial)}</textarea>
        </Field>
    }
}
