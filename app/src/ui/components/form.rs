//! Small pieces the forms share.
//!
//! Over 500 lines: its split by concern is part of issue 13's structural pass.

use leptos::prelude::*;
use std::collections::BTreeMap;

/// `<option>`s for a vocabulary, with `selected` following the signal.
pub fn options(
    all: &'static [(&'static str, &'static str)],
    selected: RwSignal<String>,
) -> impl IntoView {
    all.iter()
        .map(|(value, label)| view! { <option value=*value selected=move || selected.get() == *value>{*label}</option> })
        .collect_view()
}

/// A vocabulary's `(value, label)` pairs as a static slice.
macro_rules! choices {
    ($t:ty) => {{
        static CHOICES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
            std::sync::LazyLock::new(|| {
                <$t>::ALL.iter().map(|v| (v.as_str(), v.label())).collect()
            });
        CHOICES.as_slice()
    }};
}

pub(crate) use choices;

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

/// What a form starts with: when its page is shown again after a refused
/// plain post (`api::forms`), the fields as typed and the messages; else
/// `initial` and none.
pub fn starting<T>(
    kept: Option<crate::api::forms::KeptForm>,
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

/// The text a `<textarea>` starts with, written as its child. The view
/// macro writes a textarea's children unescaped on the server (as raw text,
/// like a script's), so typed text holding `</textarea><script>` would end
/// the field and run. Escaped on the server (the browser decodes it back);
/// the browser's own render takes the text as it is.
pub fn textarea_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::domain::html::escape(text)
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `<textarea>` child in the pages goes through `textarea_text`.
    #[test]
    fn no_textarea_writes_its_text_unescaped() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, piece) in text.split("</textarea>").enumerate() {
                        let Some(open) = piece.rfind("<textarea") else {
                            continue;
                        };
                        let child = &piece[open..];
                        let child = &child[child.rfind('>').map_or(0, |g| g + 1)..];
                        let child = child.trim();
                        // A `{…}` child is typed text; a literal is ours.
                        if child.starts_with('{') && !child.contains("textarea_text(") {
                            found.push(format!("{}: textarea {i}: {child}", path.display()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"),
            &mut found,
        );
        assert!(found.is_empty(), "textareas writing raw text: {found:#?}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn textarea_text_is_escaped_on_the_server() {
        assert_eq!(
            textarea_text("</textarea><script>x</script>"),
            "&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;"
        );
    }

    #[test]
    fn messages_for_fields_a_form_does_not_show_go_on_top() {
        let errors = BTreeMap::from([
            ("title".to_string(), "Give the change a title.".to_string()),
            ("form".to_string(), "Refused.".to_string()),
            ("owner".to_string(), "Unknown person.".to_string()),
        ]);
        assert_eq!(
            unplaced(&errors, &["title", "description"]),
            vec!["Refused.".to_string(), "Unknown person.".to_string()]
        );
        assert!(unplaced(&errors, &["title", "form", "owner"]).is_empty());
    }

    #[test]
    fn row_messages_stay_beside_their_rows() {
        let errors = BTreeMap::from([
            ("triggers.0.metric".to_string(), "Bad metric.".to_string()),
            ("triggers".to_string(), "At most 10 triggers.".to_string()),
            ("environment".to_string(), "Unknown.".to_string()),
        ]);
        assert_eq!(
            unplaced_beside_rows(&errors, &["triggers"], Some("triggers.")),
            vec!["Unknown.".to_string()]
        );
    }
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
