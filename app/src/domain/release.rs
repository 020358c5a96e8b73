//! Releases: semantic versions, types, and the status machine from
//! PRODUCT.md (planned → approved → deploying → deployed, or from deploying
//! failed / rolled_back).

use super::change_request::vocabulary;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

vocabulary!(
    ReleaseType {
        Major => "major", "Major",
        Minor => "minor", "Minor",
        Patch => "patch", "Patch",
        Hotfix => "hotfix", "Hotfix",
    }
);

vocabulary!(
    ReleaseStatus {
        Planned => "planned", "Planned",
        Approved => "approved", "Approved",
        Deploying => "deploying", "Deploying",
        Deployed => "deployed", "Deployed",
        RolledBack => "rolled_back", "Rolled back",
        Failed => "failed", "Failed",
    }
);

impl ReleaseStatus {
    /// Whether the machine allows going from `self` to `to`.
    pub fn can_become(self, to: ReleaseStatus) -> bool {
        use ReleaseStatus::*;
        matches!(
            (self, to),
            (Planned, Approved)
                | (Approved, Deploying)
                | (Deploying, Deployed | Failed | RolledBack)
                // on to the next environment of the promotion path
                | (Deployed, Deploying)
                // a breach during the bake time after a deployment
                | (Deployed, RolledBack)
        )
    }

    /// Moves to `to` or explains why not.
    pub fn transition(self, to: ReleaseStatus) -> Result<ReleaseStatus, String> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(format!(
                "A {} release cannot become {}.",
                self.label().to_lowercase(),
                to.label().to_lowercase()
            ))
        }
    }
}

/// Whether a release's details (title, description, environments, planned
/// date, change requests) can still change: while it is planned. Once
/// approved, the approval stands for what it says; its plan stays editable
/// until a deployment starts (`releases::save_plan`).
pub fn may_edit(status: ReleaseStatus) -> Result<(), String> {
    if status == ReleaseStatus::Planned {
        Ok(())
    } else {
        Err(format!(
            "A {} release can no longer be edited; only planned releases are.",
            status.label().to_lowercase()
        ))
    }
}

/// A semantic version (semver 2.0.0): `MAJOR.MINOR.PATCH`, optionally
/// `-prerelease` and `+build`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<String>,
    pub build: Vec<String>,
}

fn numeric(part: &str, what: &str) -> Result<u64, String> {
    if part.is_empty() {
        return Err(format!("The {what} number is missing."));
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "The {what} number must be digits only, not \"{part}\"."
        ));
    }
    if part.len() > 1 && part.starts_with('0') {
        return Err(format!(
            "The {what} number cannot have a leading zero (\"{part}\")."
        ));
    }
    part.parse()
        .map_err(|_| format!("The {what} number is too large."))
}

fn identifiers(text: &str, what: &str, numeric_rules: bool) -> Result<Vec<String>, String> {
    text.split('.')
        .map(|id| {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!(
                    "The {what} \"{text}\" must be dot-separated letters, digits and hyphens."
                ));
            }
            if numeric_rules
                && id.len() > 1
                && id.starts_with('0')
                && id.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(format!(
                    "The {what} part \"{id}\" cannot have a leading zero."
                ));
            }
            Ok(id.to_string())
        })
        .collect()
}

impl Version {
    /// Parses a version as typed; a leading `v` is refused with a hint.
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input;
        if text.trim().is_empty() {
            return Err("Enter a version such as 2.1.0.".into());
        }
        // An identifier is taken exactly as sent, never trimmed silently.
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("A version cannot contain spaces, tabs or line breaks.".into());
        }
        if text.starts_with(['v', 'V']) {
            return Err(format!(
                "Write the version without the \"v\": {}.",
                &text[1..]
            ));
        }
        if text.len() > 100 {
            return Err("A version is at most 100 characters.".into());
        }
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, identifiers(build, "build metadata", false)?),
            None => (text, vec![]),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, identifiers(pre, "pre-release", true)?),
            None => (rest, vec![]),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() != 3 {
            return Err(format!(
                "\"{text}\" is not a semantic version; use MAJOR.MINOR.PATCH such as 2.1.0."
            ));
        }
        Ok(Self {
            major: numeric(parts[0], "major")?,
            minor: numeric(parts[1], "minor")?,
            patch: numeric(parts[2], "patch")?,
            pre,
            build,
        })
    }
}

impl Version {
    /// A text key whose byte order (`COLLATE "C"`) is this version's
    /// pre-release precedence among versions with the same
    /// MAJOR.MINOR.PATCH: numeric identifiers zero-padded and below
    /// alphanumeric ones, and a release (no pre-release) above all of them.
    pub fn precedence_key(&self) -> String {
        if self.pre.is_empty() {
            return "~".into();
        }
        self.pre
            .iter()
            .map(|id| match id.parse::<u64>() {
                Ok(n) => format!("0{n:020}"),
                Err(_) => format!("1{id}"),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build.join("."))?;
        }
        Ok(())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Semver precedence; build metadata does not count (ties break on it only
/// to keep `Ord` consistent with `Eq`).
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_pre(&self.pre, &other.pre),
            })
            .then_with(|| self.build.cmp(&other.build))
    }
}

fn compare_pre(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_precedence_key_sorts_like_semver() {
        let texts = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        let versions: Vec<Version> = texts.iter().map(|t| Version::parse(t).unwrap()).collect();
        for pair in versions.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(
                pair[0].precedence_key().as_bytes() < pair[1].precedence_key().as_bytes(),
                "{} before {}",
                pair[0],
                pair[1]
            );
        }
    }

    use super::*;

    #[test]
    fn versions_parse_and_print_back() {
        for text in [
            "0.0.0",
            "2.1.0",
            "1.0.0-alpha.1",
            "1.0.0+build.5",
            "10.20.30-rc.1+sha.abc-1",
        ] {
            assert_eq!(Version::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn bad_versions_get_a_message_that_says_why() {
        assert!(Version::parse("v1.2.3").unwrap_err().contains("1.2.3"));
        assert!(Version::parse("1.2")
            .unwrap_err()
            .contains("MAJOR.MINOR.PATCH"));
        assert!(Version::parse("1.02.3")
            .unwrap_err()
            .contains("leading zero"));
        assert!(Version::parse("1.2.x").unwrap_err().contains("digits only"));
        assert!(Version::parse("1.2.3-").is_err());
        assert!(Version::parse("1.2.3-01")
            .unwrap_err()
            .contains("leading zero"));
        assert!(Version::parse("").is_err());
    }

    #[test]
    fn versions_with_whitespace_are_refused_not_trimmed() {
        for text in ["1.2.3\n", " 1.2.3", "1.2.3 ", "1.2\t.3", "1.2.3\r"] {
            assert!(
                Version::parse(text).unwrap_err().contains("line breaks"),
                "{text:?} was accepted"
            );
        }
    }

    #[test]
    fn precedence_follows_semver() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        for pair in ordered.windows(2) {
            assert!(
                Version::parse(pair[0]).unwrap() < Version::parse(pair[1]).unwrap(),
                "{pair:?}"
            );
        }
    }

    #[test]
    fn the_release_machine_allows_only_its_edges() {
        use ReleaseStatus::*;
        let allowed = [
            (Planned, Approved),
            (Approved, Deploying),
            (Deploying, Deployed),
            (Deploying, Failed),
            (Deploying, RolledBack),
            (Deployed, Deploying),
            (Deployed, RolledBack),
        ];
        for &from in ReleaseStatus::ALL {
            for &to in ReleaseStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
        assert_eq!(
            Planned.transition(Deployed),
            Err("A planned release cannot become deployed.".into())
        );
    }
}
