//! `<option>`s for a vocabulary and its `(value, label)` pairs.

use leptos::prelude::*;

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
