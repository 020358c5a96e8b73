//! What a plain HTML form posts: named fields in order, where a name may
//! repeat (one per ticked box). A form that works before the page hydrates,
//! or without JavaScript, posts these; its input type reads itself from
//! them, on the server for the call and on the page for what to show again.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value posted as `name`, or empty when there is none.
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value posted as `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a checkbox named `name` was ticked (a ticked box posts its
    /// value, a cleared one posts nothing).
    pub fn ticked(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Fields {
    fn from(pairs: [(&str, &str); N]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_are_lists_and_missing_ones_are_empty() {
        let fields = Fields::from([
            ("title", "Rotate keys"),
            ("environments", "staging"),
            ("environments", "prod"),
            ("maintenance", "on"),
        ]);
        assert_eq!(fields.text("title"), "Rotate keys");
        assert_eq!(fields.all("environments"), vec!["staging", "prod"]);
        assert!(fields.ticked("maintenance"));
        assert!(!fields.ticked("urgent"));
        assert_eq!(fields.text("description"), "");
        assert!(fields.all("changes").is_empty());
    }
}
