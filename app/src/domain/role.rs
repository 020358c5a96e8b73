//! Roles from PRODUCT.md and the rules about who may change them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person may do in Rookery. A user may hold several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    ReleaseManager,
    Approver,
    Engineer,
    Support,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::ReleaseManager,
        Role::Approver,
        Role::Engineer,
        Role::Support,
        Role::Viewer,
    ];

    /// The stored and API name (`release_manager`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ReleaseManager => "release_manager",
            Role::Approver => "approver",
            Role::Engineer => "engineer",
            Role::Support => "support",
            Role::Viewer => "viewer",
        }
    }

    /// The name people read (`Release manager`).
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::ReleaseManager => "Release manager",
            Role::Approver => "Approver",
            Role::Engineer => "Engineer",
            Role::Support => "Support",
            Role::Viewer => "Viewer",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Role::Admin => "Users and roles, environments, deploy targets and settings",
            Role::ReleaseManager => {
                "Schedules changes, deploys to protected environments, runs the status page"
            }
            Role::Approver => "Reviews and approves change requests and releases",
            Role::Engineer => "Files change requests, creates releases, deploys to dev",
            Role::Support => "Reads incident history and posts incident updates",
            Role::Viewer => "Reads everything internal",
        }
    }

    pub fn parse(input: &str) -> Result<Self, RoleError> {
        let wanted = input.trim().to_lowercase().replace(['-', ' '], "_");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == wanted)
            .ok_or_else(|| RoleError::Unknown(input.trim().to_string()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    #[error("Unknown role \"{0}\"; roles are admin, release_manager, approver, engineer, support and viewer.")]
    Unknown(String),
    #[error("Choose at least one role.")]
    Empty,
    #[error("You cannot remove your own administrator role; ask another administrator.")]
    RemovingOwnAdmin,
    #[error("You cannot disable your own account.")]
    DisablingSelf,
    #[error("At least one active administrator must remain.")]
    LastAdmin,
}

/// A non-empty, sorted, duplicate-free set of roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Result<Self, RoleError> {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort_unstable();
        roles.dedup();
        if roles.is_empty() {
            return Err(RoleError::Empty);
        }
        Ok(Self(roles))
    }

    /// Parses stored or typed names (`"admin,engineer"` split by the caller).
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, RoleError> {
        let roles = names
            .into_iter()
            .filter(|n| !n.trim().is_empty())
            .map(Role::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(roles)
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|r| r.as_str().to_string()).collect()
    }

    /// Everyone with an account may read internal pages; viewers only read.
    pub fn can_read_internal(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Checks a role change an administrator makes to an account: nobody removes
/// their own admin role (so nobody locks themselves out by a misclick).
pub fn check_role_change(
    actor_is_target: bool,
    current: &Roles,
    proposed: &Roles,
) -> Result<(), RoleError> {
    if actor_is_target && current.contains(Role::Admin) && !proposed.contains(Role::Admin) {
        return Err(RoleError::RemovingOwnAdmin);
    }
    Ok(())
}

/// Checks that an administrator may disable an account.
pub fn check_disable(actor_is_target: bool) -> Result<(), RoleError> {
    if actor_is_target {
        return Err(RoleError::DisablingSelf);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse(" Release-Manager "), Ok(Role::ReleaseManager));
    }

    #[test]
    fn unknown_roles_are_refused_with_the_valid_list() {
        let err = Role::parse("root").unwrap_err();
        assert!(err.to_string().contains("release_manager"));
    }

    #[test]
    fn role_sets_are_sorted_deduplicated_and_never_empty() {
        let roles = Roles::parse(["viewer", "admin", "viewer"]).unwrap();
        assert_eq!(roles.names(), vec!["admin", "viewer"]);
        assert_eq!(Roles::parse(["", " "]), Err(RoleError::Empty));
    }

    #[test]
    fn an_admin_cannot_remove_their_own_admin_role() {
        let admin = Roles::parse(["admin"]).unwrap();
        let engineer = Roles::parse(["engineer"]).unwrap();
        assert_eq!(
            check_role_change(true, &admin, &engineer),
            Err(RoleError::RemovingOwnAdmin)
        );
        assert_eq!(check_role_change(false, &admin, &engineer), Ok(()));
        assert_eq!(check_role_change(true, &engineer, &admin), Ok(()));
    }

    #[test]
    fn an_admin_cannot_disable_themselves() {
        assert_eq!(check_disable(true), Err(RoleError::DisablingSelf));
        assert_eq!(check_disable(false), Ok(()));
    }
}
