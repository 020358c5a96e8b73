//! The password policy, shared by the sign-up forms in the browser and the
//! server that stores the hash. Length is what matters (NIST SP 800-63B): at
//! least 12 characters, no composition rules, and no password that is one of
//! the most common ones or just the account's own email.

use serde::{Deserialize, Serialize};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// One reason a password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PasswordProblem {
    #[error("Use at least 12 characters.")]
    TooShort,
    #[error("Use at most 128 characters.")]
    TooLong,
    #[error("This password is too common; choose another.")]
    TooCommon,
    #[error("Don't use your email address as your password.")]
    ContainsEmail,
    #[error("Use more than one or two different characters.")]
    TooRepetitive,
}

const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "password1234",
    "password123!",
    "passwordpassword",
    "qwertyuiop12",
    "qwertyuiopasdf",
    "iloveyou1234",
    "letmein12345",
    "administrator",
    "changeme1234",
    "welcome12345",
    "correcthorsebatterystaple",
    "abcdefghijkl",
    "abc123abc123",
    "rookery12345",
];

/// Checks a candidate password for `email`'s account. Returns every problem so
/// the form can show them all at once.
pub fn check_password(password: &str, email: Option<&str>) -> Vec<PasswordProblem> {
    let mut problems = Vec::new();
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooLong);
    }
    let lowered = password.to_lowercase();
    if COMMON.contains(&lowered.as_str()) {
        problems.push(PasswordProblem::TooCommon);
    }
    if let Some(email) = email {
        let email = email.trim().to_lowercase();
        let local = email.split('@').next().unwrap_or_default();
        if !email.is_empty() && (lowered.contains(&email) || (local.len() >= 4 && lowered == local))
        {
            problems.push(PasswordProblem::ContainsEmail);
        }
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if chars > 0 && distinct.len() <= 2 {
        problems.push(PasswordProblem::TooRepetitive);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_unusual_password_passes() {
        assert!(check_password("tidal-granite-owl-42", Some("ada@example.com")).is_empty());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            check_password("abc123", None),
            vec![PasswordProblem::TooShort]
        );
        assert!(check_password("", None).contains(&PasswordProblem::TooShort));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 12 characters of 2 bytes each is long enough; 11 is not.
        assert!(check_password("ééééééabcdef", None).is_empty());
        assert!(check_password("éééééabcdef", None).contains(&PasswordProblem::TooShort));
    }

    #[test]
    fn overlong_passwords_are_refused() {
        let long = "ab1".repeat(43);
        assert_eq!(check_password(&long, None), vec![PasswordProblem::TooLong]);
    }

    #[test]
    fn common_passwords_are_refused_case_insensitively() {
        assert!(check_password("Password1234", None).contains(&PasswordProblem::TooCommon));
    }

    #[test]
    fn the_email_is_not_a_password() {
        let problems = check_password("ada.lovelace@example.com", Some("Ada.Lovelace@example.com"));
        assert!(problems.contains(&PasswordProblem::ContainsEmail));
        let problems = check_password("ada.lovelace", Some("ada.lovelace@example.com"));
        assert!(problems.contains(&PasswordProblem::ContainsEmail));
    }

    #[test]
    fn repeated_characters_are_refused() {
        assert!(check_password("aaaaaaaaaaaaaa", None).contains(&PasswordProblem::TooRepetitive));
        assert!(check_password("abababababab", None).contains(&PasswordProblem::TooRepetitive));
    }
}
