//! Every management API route once: method, path, who may call it, and the handler.
//!
//! The router is built from [`API_ROUTES`], and the authz matrix test walks the same table
//! with a caller of every role, so a route cannot exist without a rule and a rule cannot
//! go untested. The rules themselves are extractors (`crate::access`).

use axum::routing::{delete, get, post, put, MethodRouter};
use axum::Router;

use crate::{api, AppState};

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the instance status, the first-run setup).
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Roles that may read the settings (owner, admin, auditor).
    Read,
    /// Roles that may change them (owner, admin).
    Write,
    /// Owners only.
    Owner,
}

/// One route of the management API.
pub struct ApiRoute {
    pub method: &'static str,
    /// As axum writes it (`{id}` for a path parameter).
    pub path: &'static str,
    pub access: Access,
    handler: fn() -> MethodRouter<AppState>,
}

/// Every route under `/api`.
pub const API_ROUTES: &[ApiRoute] = &[
    ApiRoute {
        method: "GET",
        path: "/api/instance",
        access: Access::Public,
        handler: || get(api::instance::instance),
    },
    ApiRoute {
        method: "POST",
        path: "/api/setup",
        access: Access::Public,
        handler: || post(api::instance::setup),
    },
    ApiRoute {
        method: "GET",
        path: "/api/users/current",
        access: Access::SignedIn,
        handler: || get(api::users::current_user),
    },
    ApiRoute {
        method: "GET",
        path: "/api/users",
        access: Access::Read,
        handler: || get(api::users::list_users),
    },
    ApiRoute {
        method: "POST",
        path: "/api/users",
        access: Access::Write,
        handler: || post(api::users::create_user),
    },
    ApiRoute {
        method: "PUT",
        path: "/api/users/{id}",
        access: Access::Write,
        handler: || put(api::users::update_user),
    },
    ApiRoute {
        method: "DELETE",
        path: "/api/users/{id}",
        access: Access::Write,
        handler: || delete(api::users::delete_user),
    },
    ApiRoute {
        method: "GET",
        path: "/api/users/invites",
        access: Access::Read,
        handler: || get(api::invites::list_invites),
    },
    ApiRoute {
        method: "POST",
        path: "/api/users/invites",
        access: Access::Write,
        handler: || post(api::invites::create_invite),
    },
    // One parameter name for the invite's id (DELETE, regenerate) and its token (the
    // public GET and accept): see `api::invites`.
    ApiRoute {
        method: "GET",
        path: "/api/users/invites/{invite}",
        access: Access::Public,
        handler: || get(api::invites::invite_info),
    },
    ApiRoute {
        method: "DELETE",
        path: "/api/users/invites/{invite}",
        access: Access::Write,
        handler: || delete(api::invites::delete_invite),
    },
    ApiRoute {
        method: "POST",
        path: "/api/users/invites/{invite}/regenerate",
        access: Access::Write,
        handler: || post(api::invites::regenerate_invite),
    },
    ApiRoute {
        method: "POST",
        path: "/api/users/invites/{invite}/accept",
        access: Access::Public,
        handler: || post(api::invites::accept_invite),
    },
    ApiRoute {
        method: "POST",
        path: "/api/users/{id}/approve",
        access: Access::Write,
        handler: || post(api::users::approve_user),
    },
    ApiRoute {
        method: "POST",
        path: "/api/users/{id}/role-rules",
        access: Access::Owner,
        handler: || post(api::users::follow_role_rules),
    },
    ApiRoute {
        method: "DELETE",
        path: "/api/users/{id}/reject",
        access: Access::Write,
        handler: || delete(api::users::reject_user),
    },
    ApiRoute {
        method: "GET",
        path: "/api/accounts",
        access: Access::Read,
        handler: || get(api::accounts::list_accounts),
    },
    ApiRoute {
        method: "PUT",
        path: "/api/accounts/{id}",
        access: Access::Write,
        handler: || put(api::accounts::update_account),
    },
    ApiRoute {
        method: "GET",
        path: "/api/groups",
        access: Access::Read,
        handler: || get(api::groups::list_groups),
    },
    ApiRoute {
        method: "POST",
        path: "/api/groups",
        access: Access::Write,
        handler: || post(api::groups::create_group),
    },
    ApiRoute {
        method: "GET",
        path: "/api/groups/{id}",
        access: Access::Read,
        handler: || get(api::groups::get_group),
    },
    ApiRoute {
        method: "PUT",
        path: "/api/groups/{id}",
        access: Access::Write,
        handler: || put(api::groups::update_group),
    },
    ApiRoute {
        method: "DELETE",
        path: "/api/groups/{id}",
        access: Access::Write,
        handler: || delete(api::groups::delete_group),
    },
    ApiRoute {
        method: "GET",
        path: "/api/identity-providers",
        access: Access::Read,
        handler: || get(api::identity_providers::list),
    },
    ApiRoute {
        method: "POST",
        path: "/api/identity-providers",
        access: Access::Write,
        handler: || post(api::identity_providers::create),
    },
    ApiRoute {
        method: "POST",
        path: "/api/identity-providers/check-issuer",
        access: Access::Write,
        handler: || post(api::identity_providers::check_issuer),
    },
    ApiRoute {
        method: "POST",
        path: "/api/identity-providers/{id}/test-sign-in",
        access: Access::Write,
        handler: || post(api::test_sign_in::start),
    },
    ApiRoute {
        method: "GET",
        path: "/api/test-sign-ins/{id}",
        access: Access::Write,
        handler: || get(api::test_sign_in::report),
    },
    ApiRoute {
        method: "GET",
        path: "/api/identity-providers/{id}",
        access: Access::Read,
        handler: || get(api::identity_providers::read),
    },
    ApiRoute {
        method: "PUT",
        path: "/api/identity-providers/{id}",
        access: Access::Write,
        handler: || put(api::identity_providers::update),
    },
    ApiRoute {
        method: "DELETE",
        path: "/api/identity-providers/{id}",
        access: Access::Write,
        handler: || delete(api::identity_providers::remove),
    },
];

/// The management API's router, built from [`API_ROUTES`] (methods of one path merged).
pub fn api_router() -> Router<AppState> {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for route in API_ROUTES {
        let handler = (route.handler)();
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, methods)) => {
                let merged = std::mem::take(methods).merge(handler);
                *methods = merged;
            }
            None => by_path.push((route.path, handler)),
        }
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(path, methods)
        })
}
