//! Who may do what: PRODUCT.md's permission table as one function per rule.
//! Services, the REST API and the UI ask these (the server check is the
//! authority; the UI only hides what they refuse), and the authorization
//! tests derive what they expect from them. Rules about *which* object
//! ("own", "not own", protected environments) take that fact as an argument
//! or live in the state machines (`change_request::decide`).

use super::role::{Role, Roles};

/// One row of the permission table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read internal pages and lists: every signed-in role.
    ReadInternal,
    /// Own account, own API tokens, own notification settings and calendar
    /// link: everyone.
    OwnAccount,
    /// File a change request (and edit one's own).
    FileChange,
    /// Comment on a change request.
    Comment,
    /// Technical review of a change request (never one's own).
    Review,
    /// Approve or reject change requests and releases (never one's own).
    Approve,
    /// Fast-track an emergency change.
    FastTrack,
    /// Write the post-implementation review of an emergency change someone
    /// else filed (its requester writes their own: `FileChange` and the
    /// fact that it is theirs).
    AnyPostImplementationReview,
    /// Schedule changes; freeze and maintenance windows.
    Schedule,
    /// Plan and edit releases; report test gates.
    PlanRelease,
    /// Start, pause, promote, abort and roll back deployments, push
    /// metrics, steer a simulated fleet, in a protected environment or not.
    Deploy { protected: bool },
    /// Open incidents and post their updates.
    Incidents,
    /// Status components, status page settings, publishing release notes.
    ManageStatus,
    /// Draft release notes.
    DraftReleaseNotes,
    /// Users, roles, environments, services, deploy targets, templates.
    Administer,
    /// The audit trail.
    ReadAudit,
}

impl Permission {
    /// Every rule, protected and unprotected deployment both.
    pub const ALL: [Permission; 17] = [
        Permission::ReadInternal,
        Permission::OwnAccount,
        Permission::FileChange,
        Permission::Comment,
        Permission::Review,
        Permission::Approve,
        Permission::FastTrack,
        Permission::AnyPostImplementationReview,
        Permission::Schedule,
        Permission::PlanRelease,
        Permission::Deploy { protected: false },
        Permission::Deploy { protected: true },
        Permission::Incidents,
        Permission::ManageStatus,
        Permission::DraftReleaseNotes,
        Permission::Administer,
        Permission::ReadAudit,
    ];

    /// The roles that grant this permission on their own.
    pub fn granted_by(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ReadInternal | Permission::OwnAccount => {
                &[Admin, ReleaseManager, Approver, Engineer, Support, Viewer]
            }
            Permission::FileChange => &[Admin, ReleaseManager, Engineer],
            Permission::Comment => &[Admin, ReleaseManager, Approver, Engineer, Support],
            Permission::Review => &[Engineer],
            Permission::Approve => &[Approver],
            Permission::FastTrack => &[Admin, ReleaseManager],
            Permission::AnyPostImplementationReview => &[Admin, ReleaseManager],
            Permission::Schedule => &[Admin, ReleaseManager],
            Permission::PlanRelease => &[Admin, ReleaseManager, Engineer],
            Permission::Deploy { protected: true } => &[Admin, ReleaseManager],
            Permission::Deploy { protected: false } => &[Admin, ReleaseManager, Engineer],
            Permission::Incidents => &[Admin, ReleaseManager, Support],
            Permission::ManageStatus => &[Admin, ReleaseManager],
            Permission::DraftReleaseNotes => &[Admin, ReleaseManager, Engineer],
            Permission::Administer => &[Admin],
            Permission::ReadAudit => &[Admin, ReleaseManager],
        }
    }

    /// Whether someone holding `roles` has this permission (the union of
    /// their roles' rights).
    pub fn allows(self, roles: &Roles) -> bool {
        self.granted_by().iter().any(|r| roles.contains(*r))
    }

    /// The sentence a refused person reads.
    pub fn refusal(self) -> &'static str {
        match self {
            Permission::ReadInternal | Permission::OwnAccount => "Please sign in.",
            Permission::FileChange => {
                "Only engineers, release managers and administrators file change requests."
            }
            Permission::Comment => "Viewers can read change requests but not comment on them.",
            Permission::Review => "Only engineers do technical reviews.",
            Permission::Approve => "Only approvers approve or reject.",
            Permission::FastTrack => {
                "Only release managers and administrators fast-track emergency changes."
            }
            Permission::AnyPostImplementationReview => {
                "Only its requester, release managers and administrators write a change's post-implementation review."
            }
            Permission::Schedule => {
                "Only release managers and administrators schedule changes and manage freeze and maintenance windows."
            }
            Permission::PlanRelease => {
                "Only engineers, release managers and administrators plan releases."
            }
            Permission::Deploy { protected: true } => {
                "This environment is protected: only release managers and administrators deploy there."
            }
            Permission::Deploy { protected: false } => {
                "Only engineers, release managers and administrators deploy."
            }
            Permission::Incidents => {
                "Only support, release managers and administrators work on incidents."
            }
            Permission::ManageStatus => {
                "Only release managers and administrators manage the status page and publish release notes."
            }
            Permission::DraftReleaseNotes => {
                "Only engineers, release managers and administrators write release notes."
            }
            Permission::Administer => "Only administrators do that.",
            Permission::ReadAudit => {
                "Only administrators and release managers read the audit trail."
            }
        }
    }
}

impl Roles {
    /// Whether these roles have `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        permission.allows(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(names: &[&str]) -> Roles {
        Roles::parse(names.iter().copied()).unwrap()
    }

    #[test]
    fn viewers_only_read() {
        let viewer = roles(&["viewer"]);
        for p in Permission::ALL {
            let expected = matches!(p, Permission::ReadInternal | Permission::OwnAccount);
            assert_eq!(viewer.may(p), expected, "{p:?}");
        }
    }

    #[test]
    fn engineers_deploy_only_to_unprotected_environments() {
        let engineer = roles(&["engineer"]);
        assert!(engineer.may(Permission::Deploy { protected: false }));
        assert!(!engineer.may(Permission::Deploy { protected: true }));
        assert!(roles(&["release_manager"]).may(Permission::Deploy { protected: true }));
    }

    #[test]
    fn rights_are_the_union_of_roles() {
        let both = roles(&["approver", "support"]);
        assert!(both.may(Permission::Approve));
        assert!(both.may(Permission::Incidents));
        assert!(!both.may(Permission::FileChange));
    }

    #[test]
    fn every_permission_is_granted_to_someone_and_admins_run_the_system() {
        for p in Permission::ALL {
            assert!(!p.granted_by().is_empty(), "{p:?}");
        }
        let admin = roles(&["admin"]);
        assert!(admin.may(Permission::Administer));
        assert!(
            !admin.may(Permission::Approve),
            "admins fast-track, they do not approve"
        );
        assert!(!admin.may(Permission::Review));
    }
}
