//! Who may change whose role or block whom. The server enforces these rules on
//! `PUT /api/users/{id}`; the Users tab uses the same function to offer only what the
//! server will accept, so the two cannot disagree.

use crate::{Role, User};

/// Why a change to a user is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChangeRefusal {
    /// The role is not one of owner, admin, auditor, user.
    UnknownRole,
    /// Only an owner grants the owner role or changes an owner.
    OnlyOwnersManageOwners,
    /// The change would leave no owner who can sign in.
    LastOwner,
    /// Nobody blocks themselves (they would be locked out at once).
    SelfBlock,
    /// Nobody deletes themselves.
    SelfDelete,
    /// Deleting would leave no owner who can sign in.
    LastOwnerDeleted,
}

impl UserChangeRefusal {
    /// The server's message.
    pub fn message(self) -> &'static str {
        match self {
            UserChangeRefusal::UnknownRole => "invalid user role",
            UserChangeRefusal::OnlyOwnersManageOwners => {
                "only an owner can grant the owner role or change an owner"
            }
            UserChangeRefusal::LastOwner => "the last owner cannot be demoted or blocked",
            UserChangeRefusal::SelfBlock => "you cannot block yourself",
            UserChangeRefusal::SelfDelete => "you cannot delete yourself",
            UserChangeRefusal::LastOwnerDeleted => "the last owner cannot be deleted",
        }
    }
}

/// The part of a user the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserState<'a> {
    pub id: &'a str,
    pub role: Role,
    pub is_blocked: bool,
}

impl<'a> From<&'a User> for UserState<'a> {
    fn from(user: &'a User) -> Self {
        UserState {
            id: &user.id,
            role: user.role,
            is_blocked: user.is_blocked,
        }
    }
}

/// Check a change of `target` to `role` and `is_blocked`, asked by `caller`, when
/// `active_owners` owners (not blocked) exist.
pub fn check_user_change(
    caller: UserState<'_>,
    target: UserState<'_>,
    role: Role,
    is_blocked: bool,
    active_owners: usize,
) -> Result<(), UserChangeRefusal> {
    if role == Role::Unknown {
        return Err(UserChangeRefusal::UnknownRole);
    }
    let role_changes = role != target.role;
    let touches_ownership = role_changes && (role == Role::Owner || target.role == Role::Owner);
    if touches_ownership && caller.role != Role::Owner {
        return Err(UserChangeRefusal::OnlyOwnersManageOwners);
    }
    if target.role == Role::Owner && caller.role != Role::Owner && is_blocked != target.is_blocked {
        return Err(UserChangeRefusal::OnlyOwnersManageOwners);
    }
    if is_blocked && !target.is_blocked && caller.id == target.id {
        return Err(UserChangeRefusal::SelfBlock);
    }
    let stops_being_an_active_owner =
        target.role == Role::Owner && !target.is_blocked && (role != Role::Owner || is_blocked);
    if stops_being_an_active_owner && active_owners <= 1 {
        return Err(UserChangeRefusal::LastOwner);
    }
    Ok(())
}

/// Check that `caller` may delete `target` when `active_owners` owners (not blocked)
/// exist: never yourself, an owner only by an owner, never the last owner.
pub fn check_user_delete(
    caller: UserState<'_>,
    target: UserState<'_>,
    active_owners: usize,
) -> Result<(), UserChangeRefusal> {
    if caller.id == target.id {
        return Err(UserChangeRefusal::SelfDelete);
    }
    if target.role == Role::Owner && caller.role != Role::Owner {
        return Err(UserChangeRefusal::OnlyOwnersManageOwners);
    }
    if target.role == Role::Owner && !target.is_blocked && active_owners <= 1 {
        return Err(UserChangeRefusal::LastOwnerDeleted);
    }
    Ok(())
}

/// Whether `caller` may give a new person `role` (an invite, an added user): owners give
/// any role, admins every role but owner.
pub fn may_grant(caller: Role, role: Role) -> Result<(), UserChangeRefusal> {
    match role {
        Role::Unknown => Err(UserChangeRefusal::UnknownRole),
        Role::Owner if caller != Role::Owner => Err(UserChangeRefusal::OnlyOwnersManageOwners),
        _ => Ok(()),
    }
}

/// The roles `caller` may give `target` (its current role included).
pub fn role_choices(
    caller: UserState<'_>,
    target: UserState<'_>,
    active_owners: usize,
) -> Vec<Role> {
    [Role::Owner, Role::Admin, Role::Auditor, Role::User]
        .into_iter()
        .filter(|role| {
            *role == target.role
                || check_user_change(caller, target, *role, target.is_blocked, active_owners)
                    .is_ok()
        })
        .collect()
}

/// A person's status as the Users page shows it. A person waiting for approval is stored
/// blocked too: waiting is what they are told, and what an administrator acts on.
pub fn status_label(user: &User) -> &'static str {
    if user.pending_approval {
        "Pending approval"
    } else if user.is_blocked {
        "Blocked"
    } else {
        "Active"
    }
}

/// The Users page's order: the people waiting for approval first, everyone else after
/// them in the server's order.
pub fn pending_first(users: &mut [User]) {
    users.sort_by_key(|user| !user.pending_approval);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, pending: bool, blocked: bool) -> User {
        serde_json::from_value(serde_json::json!({
            "id": id, "email": format!("{id}@example.com"), "name": id, "role": "user",
            "auto_groups": [], "status": if blocked { "blocked" } else { "active" },
            "is_blocked": blocked, "pending_approval": pending,
        }))
        .unwrap()
    }

    #[test]
    fn people_waiting_for_approval_come_first_and_say_so() {
        let mut users = vec![
            person("a", false, false),
            person("b", true, true),
            person("c", false, true),
            person("d", true, true),
        ];
        pending_first(&mut users);
        let order: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(order, ["b", "d", "a", "c"]);
        let labels: Vec<&str> = users.iter().map(status_label).collect();
        assert_eq!(
            labels,
            ["Pending approval", "Pending approval", "Active", "Blocked"]
        );
    }

    fn user(id: &str, role: Role) -> UserState<'_> {
        UserState {
            id,
            role,
            is_blocked: false,
        }
    }

    #[test]
    fn deleting_never_yourself_an_owner_only_by_an_owner_never_the_last_owner() {
        let admin = user("a", Role::Admin);
        let owner = user("o", Role::Owner);
        let other_owner = user("p", Role::Owner);
        let plain = user("u", Role::User);
        assert_eq!(check_user_delete(admin, plain, 1), Ok(()));
        assert_eq!(
            check_user_delete(admin, admin, 1),
            Err(UserChangeRefusal::SelfDelete)
        );
        assert_eq!(
            check_user_delete(owner, owner, 2),
            Err(UserChangeRefusal::SelfDelete)
        );
        assert_eq!(
            check_user_delete(admin, owner, 2),
            Err(UserChangeRefusal::OnlyOwnersManageOwners)
        );
        assert_eq!(check_user_delete(owner, other_owner, 2), Ok(()));
        assert_eq!(
            check_user_delete(owner, other_owner, 1),
            Err(UserChangeRefusal::LastOwnerDeleted)
        );
        let blocked_owner = UserState {
            is_blocked: true,
            ..other_owner
        };
        assert_eq!(check_user_delete(owner, blocked_owner, 1), Ok(()));
    }

    #[test]
    fn only_owners_make_new_owners() {
        assert_eq!(may_grant(Role::Owner, Role::Owner), Ok(()));
        assert_eq!(may_grant(Role::Admin, Role::Admin), Ok(()));
        assert_eq!(
            may_grant(Role::Admin, Role::Owner),
            Err(UserChangeRefusal::OnlyOwnersManageOwners)
        );
        assert_eq!(
            may_grant(Role::Owner, Role::Unknown),
            Err(UserChangeRefusal::UnknownRole)
        );
    }

    #[test]
    fn only_owners_grant_or_take_ownership() {
        let admin = user("a", Role::Admin);
        let owner = user("o", Role::Owner);
        let plain = user("u", Role::User);
        assert_eq!(
            check_user_change(admin, plain, Role::Owner, false, 1),
            Err(UserChangeRefusal::OnlyOwnersManageOwners)
        );
        assert_eq!(
            check_user_change(admin, user("o2", Role::Owner), Role::Admin, false, 2),
            Err(UserChangeRefusal::OnlyOwnersManageOwners)
        );
        assert_eq!(
            check_user_change(admin, user("o2", Role::Owner), Role::Owner, true, 2),
            Err(UserChangeRefusal::OnlyOwnersManageOwners)
        );
        assert_eq!(
            check_user_change(admin, plain, Role::Admin, false, 1),
            Ok(())
        );
        assert_eq!(
            check_user_change(owner, plain, Role::Owner, false, 1),
            Ok(())
        );
        assert_eq!(
            role_choices(admin, plain, 1),
            vec![Role::Admin, Role::Auditor, Role::User]
        );
        assert_eq!(
            role_choices(owner, plain, 1),
            vec![Role::Owner, Role::Admin, Role::Auditor, Role::User]
        );
    }

    #[test]
    fn the_last_owner_stays_and_nobody_blocks_themselves() {
        let owner = user("o", Role::Owner);
        assert_eq!(
            check_user_change(owner, owner, Role::Admin, false, 1),
            Err(UserChangeRefusal::LastOwner)
        );
        assert_eq!(
            check_user_change(owner, owner, Role::Owner, true, 2),
            Err(UserChangeRefusal::SelfBlock)
        );
        assert_eq!(
            check_user_change(owner, owner, Role::Admin, false, 2),
            Ok(())
        );
        assert_eq!(
            check_user_change(owner, user("o2", Role::Owner), Role::Owner, true, 1),
            Err(UserChangeRefusal::LastOwner)
        );
        assert_eq!(role_choices(owner, owner, 1), vec![Role::Owner]);
        // Unblocking and unchanged requests always pass.
        let blocked = UserState {
            id: "u",
            role: Role::User,
            is_blocked: true,
        };
        assert_eq!(
            check_user_change(user("a", Role::Admin), blocked, Role::User, false, 1),
            Ok(())
        );
        assert_eq!(
            check_user_change(owner, owner, Role::Unknown, false, 2),
            Err(UserChangeRefusal::UnknownRole)
        );
    }
}
