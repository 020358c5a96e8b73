//! Small pieces of English for text people read: counts with the right
//! plural, and stored snake_case names turned into words.

use std::fmt::Display;

/// `n` and the noun that goes with it: "1 approval", "2 approvals",
/// "0 approvals".
pub fn plural<N>(n: N, one: &str, many: &str) -> String
where
    N: Display + PartialEq + From<u8>,
{
    if n == N::from(1) {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A stored name as words, capitalised: "rolled_back" → "Rolled back".
/// For names with no label of their own; vocabularies have `label()`.
pub fn humanize(name: &str) -> String {
    let words = name.trim().replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1, "approval", "approvals"), "1 approval");
        assert_eq!(plural(2, "approval", "approvals"), "2 approvals");
        assert_eq!(plural(0, "approval", "approvals"), "0 approvals");
        assert_eq!(plural(1usize, "event", "events"), "1 event");
        assert_eq!(plural(11i64, "clash", "clashes"), "11 clashes");
        assert_eq!(plural(-1i32, "day", "days"), "-1 days");
    }

    #[test]
    fn snake_case_names_read_as_words() {
        assert_eq!(humanize("rolled_back"), "Rolled back");
        assert_eq!(humanize("release_manager"), "Release manager");
        assert_eq!(humanize("deployment"), "Deployment");
        assert_eq!(humanize(""), "");
    }
}
