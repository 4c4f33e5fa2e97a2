//! Roles, permissions and data scope (数据权限).
//!
//! Who a user is decides two things: which actions they may take ([`Permission`]) and which
//! records those actions reach ([`DataScope`]). Both are derived here from the user's role and
//! unit, so every layer asks the same question the same way.

use serde::{Deserialize, Serialize};

/// A user's role (角色), as listed in the design brief §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: operates the platform; sees and manages everything.
    Admin,
    /// 市领导: sees everything, read-only.
    Leader,
    /// 部门人员: staff of a city department; their department and the units below it.
    Department,
    /// 镇街人员: staff of a street, town or the development zone; their town.
    Town,
    /// 驻企干部: a cadre assigned to firms; the firms assigned to them.
    Cadre,
    /// 企业用户: a firm's contact; only their own firm.
    Enterprise,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Leader,
        Role::Department,
        Role::Town,
        Role::Cadre,
        Role::Enterprise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Department => "department",
            Role::Town => "town",
            Role::Cadre => "cadre",
            Role::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether a user of this role must belong to a unit, and of which kind.
    pub fn unit_requirement(self) -> UnitRequirement {
        match self {
            Role::Admin | Role::Leader => UnitRequirement::Optional,
            Role::Department => UnitRequirement::CityDepartment,
            Role::Town => UnitRequirement::Town,
            Role::Cadre => UnitRequirement::Optional,
            Role::Enterprise => UnitRequirement::Optional,
        }
    }

    pub fn has(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Leader => matches!(
                permission,
                ViewUsers
                    | ViewDepartments
                    | ViewAudit
                    | ViewLoginLog
                    | ViewCalendar
                    | ViewEnterprises
                    | ViewEvaluation
                    | ViewSupervision
            ),
            Role::Department => matches!(
                permission,
                ViewUsers
                    | ManageUsers
                    | ViewDepartments
                    | ViewCalendar
                    | ViewEnterprises
                    | EditFigures
                    | ViewEvaluation
                    | ViewSupervision
                    | ReportProgress
            ),
            Role::Town => matches!(
                permission,
                ViewUsers
                    | ManageUsers
                    | ViewDepartments
                    | ViewCalendar
                    | ViewEnterprises
                    | ManageEnterprises
                    | EditFigures
                    | ViewContactPhone
                    | ViewEvaluation
                    | FileObjection
                    | VerifyLowEnd
                    | ViewSupervision
                    | ReportProgress
            ),
            Role::Cadre => matches!(
                permission,
                ViewCalendar | ViewEnterprises | ViewContactPhone | ViewEvaluation
            ),
            Role::Enterprise => matches!(
                permission,
                ViewEnterprises | ViewContactPhone | ViewEvaluation | FileObjection
            ),
        }
    }

    /// Roles this role may hand out to others (always within the granter's own scope).
    pub fn grantable_roles(self) -> &'static [Role] {
        match self {
            Role::Admin => &Role::ALL,
            Role::Department => &[Role::Department, Role::Cadre],
            Role::Town => &[Role::Town, Role::Cadre],
            Role::Leader | Role::Cadre | Role::Enterprise => &[],
        }
    }
}

/// Which unit a role needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitRequirement {
    Optional,
    /// A city department (or the city itself).
    CityDepartment,
    /// A street, town or zone.
    Town,
}

/// Actions guarded by role. Data scope then narrows which records an allowed action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    ViewUsers,
    ManageUsers,
    ViewDepartments,
    ManageDepartments,
    ViewAudit,
    ViewLoginLog,
    ViewCalendar,
    ManageCalendar,
    /// 企业库: read enterprises, land and figures (always narrowed by data scope).
    ViewEnterprises,
    /// Create and edit enterprise profiles and land, import enterprises and parcels.
    ManageEnterprises,
    /// Load and correct yearly figures (import, the figures grid).
    EditFigures,
    /// Edit the industry-group and tag dictionaries.
    ManageDictionaries,
    /// See contact phone numbers unmasked.
    ViewContactPhone,
    /// Run the 亩均 evaluation of a year and manage its schemes, publication, objections and
    /// the 低散乱污 ledger (the evaluation office; department staff of the office unit get it
    /// from the configuration, see `app::evaluation::require_office`).
    RunEvaluation,
    /// Read evaluation results and explanations (always narrowed by data scope).
    ViewEvaluation,
    /// File an objection (异议) to a firm's result during publicity: the firm or its town.
    FileObjection,
    /// Verify 低散乱污 candidates of one's town (属地核实) and report on their disposal.
    VerifyLowEnd,
    /// 督查督办: read plans and tasks — all of them for leaders, those a unit leads or
    /// co-operates on for department and town staff (see `app::supervision`).
    ViewSupervision,
    /// Report progress on the tasks one's unit leads, or contribute as a co-unit; request an
    /// extension or completion.
    ReportProgress,
}

/// The records a user may reach (数据范围). Computed from the role and unit; never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataScope {
    /// Everything (admin, leader).
    All,
    /// The user's department and every unit below it.
    DepartmentTree { department_id: i64 },
    /// The user's street, town or zone (and any unit below it).
    Town { town_id: i64 },
    /// The enterprises assigned to this cadre.
    AssignedEnterprises { user_id: i64 },
    /// The user's own enterprise; `None` while no firm is linked, which reaches nothing.
    OwnEnterprise { enterprise_id: Option<i64> },
    /// A user whose role needs a unit but who has none reaches nothing.
    Nothing,
}

impl DataScope {
    pub fn for_user(
        role: Role,
        user_id: i64,
        department_id: Option<i64>,
        enterprise_id: Option<i64>,
    ) -> DataScope {
        match (role, department_id) {
            (Role::Admin | Role::Leader, _) => DataScope::All,
            (Role::Department, Some(d)) => DataScope::DepartmentTree { department_id: d },
            (Role::Town, Some(t)) => DataScope::Town { town_id: t },
            (Role::Department | Role::Town, None) => DataScope::Nothing,
            (Role::Cadre, _) => DataScope::AssignedEnterprises { user_id },
            (Role::Enterprise, _) => DataScope::OwnEnterprise { enterprise_id },
        }
    }

    /// The root of the unit subtree this scope covers, if it is unit-based.
    pub fn unit_root(&self) -> Option<i64> {
        match self {
            DataScope::DepartmentTree { department_id } => Some(*department_id),
            DataScope::Town { town_id } => Some(*town_id),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            DataScope::All => "all",
            DataScope::DepartmentTree { .. } => "department_tree",
            DataScope::Town { .. } => "town",
            DataScope::AssignedEnterprises { .. } => "assigned_enterprises",
            DataScope::OwnEnterprise { .. } => "own_enterprise",
            DataScope::Nothing => "nothing",
        }
    }
}

/// Why a grant is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("you may not grant this role")]
    RoleNotGrantable,
    #[error("the unit is outside your data scope")]
    UnitOutsideScope,
    #[error("this role needs a unit of the right kind")]
    UnitRequired,
}

/// The granting user as the grant rules need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granter {
    pub role: Role,
    /// Ids of the units the granter's scope covers (their subtree); ignored for `Role::Admin`.
    pub unit_subtree: Vec<i64>,
}

impl Granter {
    /// May this granter give `role` in unit `unit` to someone? Used for new users, for edits
    /// (both the old and the new assignment must pass) and for disabling or resetting a user.
    pub fn may_grant(&self, role: Role, unit: Option<i64>) -> Result<(), GrantError> {
        if !self.role.grantable_roles().contains(&role) {
            return Err(GrantError::RoleNotGrantable);
        }
        if self.role == Role::Admin {
            return Ok(());
        }
        match unit {
            Some(u) if self.unit_subtree.contains(&u) => Ok(()),
            Some(_) => Err(GrantError::UnitOutsideScope),
            // Non-admins only create users inside their own units.
            None => Err(GrantError::UnitOutsideScope),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn supervision_is_for_officials_only() {
        for r in [Role::Admin, Role::Leader, Role::Department, Role::Town] {
            assert!(r.has(Permission::ViewSupervision), "{r:?}");
        }
        for r in [Role::Cadre, Role::Enterprise] {
            assert!(!r.has(Permission::ViewSupervision), "{r:?}");
            assert!(!r.has(Permission::ReportProgress), "{r:?}");
        }
        assert!(
            !Role::Leader.has(Permission::ReportProgress),
            "leaders read"
        );
        assert!(Role::Department.has(Permission::ReportProgress));
        assert!(Role::Town.has(Permission::ReportProgress));
    }

    #[test]
    fn leader_is_read_only() {
        assert!(Role::Leader.has(Permission::ViewUsers));
        assert!(Role::Leader.has(Permission::ViewAudit));
        assert!(!Role::Leader.has(Permission::ManageUsers));
        assert!(!Role::Leader.has(Permission::ManageDepartments));
        assert!(Role::Leader.grantable_roles().is_empty());
    }

    #[test]
    fn enterprise_has_no_admin_permission() {
        for p in [
            Permission::ViewUsers,
            Permission::ManageUsers,
            Permission::ViewDepartments,
            Permission::ViewAudit,
            Permission::ViewLoginLog,
            Permission::ManageCalendar,
        ] {
            assert!(!Role::Enterprise.has(p), "{p:?}");
        }
    }

    #[test]
    fn registry_permissions_follow_the_roles() {
        for r in Role::ALL {
            assert!(r.has(Permission::ViewEnterprises), "{r:?}");
        }
        assert!(Role::Admin.has(Permission::ManageDictionaries));
        assert!(!Role::Town.has(Permission::ManageDictionaries));
        assert!(Role::Town.has(Permission::ManageEnterprises));
        assert!(!Role::Department.has(Permission::ManageEnterprises));
        assert!(Role::Department.has(Permission::EditFigures));
        assert!(!Role::Leader.has(Permission::EditFigures));
        assert!(!Role::Cadre.has(Permission::EditFigures));
        assert!(!Role::Enterprise.has(Permission::EditFigures));
        // Leaders and departments read the registry but have no need for phone numbers.
        assert!(!Role::Leader.has(Permission::ViewContactPhone));
        assert!(!Role::Department.has(Permission::ViewContactPhone));
        assert!(Role::Cadre.has(Permission::ViewContactPhone));
        assert!(Role::Enterprise.has(Permission::ViewContactPhone));
    }

    #[test]
    fn scope_follows_role_and_unit() {
        assert_eq!(
            DataScope::for_user(Role::Leader, 1, Some(5), None),
            DataScope::All
        );
        assert_eq!(
            DataScope::for_user(Role::Department, 1, Some(5), None),
            DataScope::DepartmentTree { department_id: 5 }
        );
        assert_eq!(
            DataScope::for_user(Role::Town, 1, Some(7), None),
            DataScope::Town { town_id: 7 }
        );
        assert_eq!(
            DataScope::for_user(Role::Town, 1, None, None),
            DataScope::Nothing
        );
        assert_eq!(
            DataScope::for_user(Role::Cadre, 9, Some(7), None),
            DataScope::AssignedEnterprises { user_id: 9 }
        );
        assert_eq!(
            DataScope::for_user(Role::Enterprise, 9, None, Some(3)),
            DataScope::OwnEnterprise {
                enterprise_id: Some(3)
            }
        );
    }

    #[test]
    fn nobody_grants_more_than_they_hold() {
        let dept = Granter {
            role: Role::Department,
            unit_subtree: vec![10, 11],
        };
        assert_eq!(dept.may_grant(Role::Cadre, Some(11)), Ok(()));
        assert_eq!(dept.may_grant(Role::Department, Some(10)), Ok(()));
        assert_eq!(
            dept.may_grant(Role::Admin, Some(10)),
            Err(GrantError::RoleNotGrantable)
        );
        assert_eq!(
            dept.may_grant(Role::Leader, Some(10)),
            Err(GrantError::RoleNotGrantable)
        );
        assert_eq!(
            dept.may_grant(Role::Town, Some(10)),
            Err(GrantError::RoleNotGrantable)
        );
        assert_eq!(
            dept.may_grant(Role::Cadre, Some(12)),
            Err(GrantError::UnitOutsideScope)
        );
        assert_eq!(
            dept.may_grant(Role::Cadre, None),
            Err(GrantError::UnitOutsideScope)
        );
        let admin = Granter {
            role: Role::Admin,
            unit_subtree: vec![],
        };
        for r in Role::ALL {
            assert_eq!(admin.may_grant(r, None), Ok(()));
        }
        for r in [Role::Leader, Role::Cadre, Role::Enterprise] {
            let g = Granter {
                role: r,
                unit_subtree: vec![1],
            };
            assert!(g.may_grant(Role::Cadre, Some(1)).is_err());
        }
    }
}
