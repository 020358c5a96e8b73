//! A form's messages: the alert on top and the one beside each field.

use leptos::prelude::*;
use std::collections::BTreeMap;

/// What goes at the top of a form: every message whose field the form does
/// not show, so no error is left with nowhere to appear.
pub fn unplaced(errors: &BTreeMap<String, String>, shown: &[&str]) -> Vec<String> {
    unplaced_beside_rows(errors, shown, None)
}

/// `unplaced` for a form with a list of rows, whose fields (`triggers.0.metric`
/// under `rows` = `triggers.`) each show their own message too.
pub fn unplaced_beside_rows(
    errors: &BTreeMap<String, String>,
    shown: &[&str],
    rows: Option<&str>,
) -> Vec<String> {
    errors
        .iter()
        .filter(|(field, _)| !shown.contains(&field.as_str()))
        .filter(|(field, _)| !rows.is_some_and(|prefix| field.starts_with(prefix)))
        .map(|(_, message)| message.clone())
        .collect()
}

/// `aria-invalid` for a field: `"true"` while it has a message.
pub fn aria_invalid(
    errors: Signal<BTreeMap<String, String>>,
    field: impl Into<String>,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let field = field.into();
    move || errors.with(|e| e.contains_key(&field)).to_string()
}

/// `shown` for an action with no fields (a button in a list): every message
/// goes in the alert.
pub const NO_FIELDS: &[&str] = &[];

/// The alert at the top of a form with the messages no field shows.
#[component]
pub fn FormErrors(
    #[prop(into)] errors: Signal<BTreeMap<String, String>>,
    /// The fields that show their own message.
    shown: &'static [&'static str],
    /// The prefix of a list's row fields (`triggers.`), each shown beside
    /// its own input.
    #[prop(optional)]
    rows: Option<&'static str>,
) -> impl IntoView {
    move || {
        let messages = errors.with(|e| unplaced_beside_rows(e, shown, rows));
        (!messages.is_empty()).then(|| {
            view! {
                <div class="alert alert-error" role="alert" data-testid="form-error">
                    {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                </div>
            }
        })
    }
}

/// The message beside one field.
#[component]
pub fn FieldError(
    #[prop(into)] errors: Signal<BTreeMap<String, String>>,
    /// Its name as errors give it (`title`, `triggers.0.metric`).
    #[prop(into)]
    field: String,
) -> impl IntoView {
    let key = field.clone();
    view! { <p class="field-error" data-field=field>{move || errors.with(|e| e.get(&key).cloned())}</p> }
}
