//! Where a form's values and messages come from: a refused plain post,
//! its action's answers, its own check.

use leptos::prelude::*;
use std::collections::BTreeMap;

/// What a form starts with: when its page is shown again after a refused
/// plain post (`server_fns::forms`), the fields as typed and the messages; else
/// `initial` and none.
pub fn starting<T>(
    kept: Option<crate::server_fns::forms::KeptForm>,
    initial: T,
    read: impl Fn(&crate::domain::Fields) -> T,
) -> (T, BTreeMap<String, String>) {
    match kept {
        Some(kept) => (read(&kept.fields), kept.errors),
        None => (initial, BTreeMap::new()),
    }
}

/// How many times `action` has succeeded. Data keyed on it reloads after a
/// save but not after a refusal, so the form below keeps what was entered
/// (keying on `version()` reloaded, and so re-created, the form on errors).
pub fn saves<S>(action: ServerAction<S>) -> Memo<usize>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Memo::new(move |before: Option<&usize>| {
        let before = before.copied().unwrap_or(0);
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            before + 1
        } else {
            before
        }
    })
}

/// The messages of a form's last refusal by field (`form` for one that names
/// none), from its action.
pub fn action_errors<S>(action: ServerAction<S>) -> Signal<BTreeMap<String, String>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(e)) => e.field_errors(),
            _ => BTreeMap::new(),
        })
    })
}

/// The messages of a form's last attempt: its own check's when that failed
/// (nothing was sent), else the server's answer to what was sent last.
pub fn latest_errors(
    checked: RwSignal<BTreeMap<String, String>>,
    sent: Signal<BTreeMap<String, String>>,
) -> Signal<BTreeMap<String, String>> {
    Signal::derive(move || {
        let found = checked.get();
        if found.is_empty() {
            sent.get()
        } else {
            found
        }
    })
}

/// A form's messages: its action's last refusal once it has been used,
/// before that the ones a refused plain post came back with (`starting`).
pub fn errors_or_kept<S>(
    action: ServerAction<S>,
    kept: BTreeMap<String, String>,
) -> Signal<BTreeMap<String, String>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(e)) => e.field_errors(),
            Some(Ok(_)) => BTreeMap::new(),
            None => kept.clone(),
        })
    })
}
