//! Small validated strings that belong to accounts.

use serde::{Deserialize, Serialize};

/// A person's display name: 1 to 100 characters after trimming.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.trim();
        if name.is_empty() {
            return Err("Enter a name.".into());
        }
        if name.chars().count() > 100 {
            return Err("A name is at most 100 characters.".into());
        }
        if name.chars().any(char::is_control) {
            return Err("A name cannot contain control characters.".into());
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name of a personal API token ("CI pipeline"): 1 to 60 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.trim();
        if name.is_empty() {
            return Err("Give the token a name, such as \"CI pipeline\".".into());
        }
        if name.chars().count() > 60 {
            return Err("A token name is at most 60 characters.".into());
        }
        if name.chars().any(char::is_control) {
            return Err("A token name cannot contain control characters.".into());
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(101)).is_err());
        assert!(DisplayName::parse("Ada\u{0007}").is_err());
    }

    #[test]
    fn token_names_are_trimmed_and_bounded() {
        assert_eq!(TokenName::parse(" CI ").unwrap().as_str(), "CI");
        assert!(TokenName::parse("").is_err());
        assert!(TokenName::parse(&"t".repeat(61)).is_err());
    }
}
