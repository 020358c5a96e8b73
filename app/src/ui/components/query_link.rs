//! Links to the same list with one query value changed (its page, its
//! view), built from the filters the page shows now.

/// A page's address and its current query values, in the order its links
/// write them. Every value is percent-encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryLink {
    path: String,
    pairs: Vec<(&'static str, String)>,
    keep_empty: bool,
}

impl QueryLink {
    /// The page at `path`, with no values yet.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            pairs: Vec::new(),
            keep_empty: false,
        }
    }

    /// Adds `key` with its current `value`.
    pub fn param(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.pairs.push((key, value.into()));
        self
    }

    /// Writes empty values too (`?status=&page=2`) rather than leaving them
    /// out.
    pub fn keep_empty(mut self) -> Self {
        self.keep_empty = true;
        self
    }

    /// The query string as it is now, without the `?`.
    pub fn query(&self) -> String {
        self.written(&self.pairs)
    }

    /// The page's address with its values as they are.
    pub fn href(&self) -> String {
        format!("{}?{}", self.path, self.query())
    }

    /// The query string with `key` set to `value` (in its place if the page
    /// has it, else last), without the `?`.
    pub fn query_with(&self, key: &'static str, value: impl Into<String>) -> String {
        let value = value.into();
        let mut pairs = self.pairs.clone();
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value,
            None => pairs.push((key, value)),
        }
        self.written(&pairs)
    }

    /// The page's address with `key` set to `value`.
    pub fn href_with(&self, key: &'static str, value: impl Into<String>) -> String {
        format!("{}?{}", self.path, self.query_with(key, value))
    }

    fn written(&self, pairs: &[(&'static str, String)]) -> String {
        pairs
            .iter()
            .filter(|(_, v)| self.keep_empty || !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::domain::encode_query_value(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_value_keeps_its_place_and_the_others_are_escaped() {
        let link = QueryLink::new("/changes")
            .param("page", "1")
            .param("status", "")
            .param("q", "a&b c");
        assert_eq!(link.href_with("page", "2"), "/changes?page=2&q=a%26b%20c");
    }

    #[test]
    fn a_new_value_goes_last_and_empty_ones_can_stay() {
        let link = QueryLink::new("/admin/jobs")
            .param("status", "")
            .keep_empty();
        assert_eq!(link.href_with("page", "3"), "/admin/jobs?status=&page=3");
        assert_eq!(link.query(), "status=");
    }
}
