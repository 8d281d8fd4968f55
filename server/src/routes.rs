//! Access control in the types, and every management API route once.
//!
//! A handler names the access it needs as an argument ([`Signed`], [`Reader`],
//! [`Writer`]): axum checks it before the handler runs, so no handler can forget it. The
//! router is built from [`API_ROUTES`] (method, path, rule, handler), and the authz matrix
//! test walks that table with a caller of every role, so a route cannot exist without a
//! rule and a rule cannot go untested.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{delete, get, post, put, MethodRouter};
use axum::Router;

use crate::api::{self, Caller};
use crate::{groups, providers, ApiError, SharedState};

/// Any signed-in caller (reading themselves).
pub struct Signed(pub Caller);
/// A caller whose role may read the settings.
pub struct Reader(pub Caller);
/// A caller whose role may change the settings.
pub struct Writer(pub Caller);

impl FromRequestParts<SharedState> for Signed {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, ApiError> {
        api::authenticate(state, &parts.headers).map(Signed)
    }
}

impl FromRequestParts<SharedState> for Reader {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, ApiError> {
        api::reader(state, &parts.headers).map(Reader)
    }
}

impl FromRequestParts<SharedState> for Writer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, ApiError> {
        api::writer(state, &parts.headers).map(Writer)
    }
}

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
}

/// One route of the management API.
pub struct ApiRoute {
    pub method: &'static str,
    /// As axum writes it (`{id}` for a path parameter).
    pub path: &'static str,
    pub access: Access,
    handler: fn() -> MethodRouter<SharedState>,
}

/// Every route under `/api`.
pub const API_ROUTES: &[ApiRoute] = &[
    ApiRoute {
        method: "GET",
        path: "/api/instance",
        access: Access::Public,
        handler: || get(api::instance),
    },
    ApiRoute {
        method: "POST",
        path: "/api/setup",
        access: Access::Public,
        handler: || post(api::setup),
    },
    ApiRoute {
        method: "GET",
        path: "/api/users/current",
        access: Access::SignedIn,
        handler: || get(api::current_user),
    },
    ApiRoute {
        method: "GET",
        path: "/api/users",
        access: Access::Read,
        handler: || get(api::list_users),
    },
    ApiRoute {
        method: "PUT",
        path: "/api/users/{id}",
        access: Access::Write,
        handler: || put(api::update_user),
    },
    ApiRoute {
        method: "GET",
        path: "/api/accounts",
        access: Access::Read,
        handler: || get(api::list_accounts),
    },
    ApiRoute {
        method: "PUT",
        path: "/api/accounts/{id}",
        access: Access::Write,
        handler: || put(api::update_account),
    },
    ApiRoute {
        method: "GET",
        path: "/api/groups",
        access: Access::Read,
        handler: || get(api::list_groups),
    },
    ApiRoute {
        method: "POST",
        path: "/api/groups",
        access: Access::Write,
        handler: || post(groups::create),
    },
    ApiRoute {
        method: "GET",
        path: "/api/identity-providers",
        access: Access::Read,
        handler: || get(providers::list),
    },
    ApiRoute {
        method: "POST",
        path: "/api/identity-providers",
        access: Access::Write,
        handler: || post(providers::create),
    },
    ApiRoute {
        method: "POST",
        path: "/api/identity-providers/check-issuer",
        access: Access::Write,
        handler: || post(providers::check_issuer),
    },
    ApiRoute {
        method: "GET",
        path: "/api/identity-providers/{id}",
        access: Access::Read,
        handler: || get(providers::read),
    },
    ApiRoute {
        method: "PUT",
        path: "/api/identity-providers/{id}",
        access: Access::Write,
        handler: || put(providers::update),
    },
    ApiRoute {
        method: "DELETE",
        path: "/api/identity-providers/{id}",
        access: Access::Write,
        handler: || delete(providers::remove),
    },
];

/// The management API's router, built from [`API_ROUTES`] (methods of one path merged).
pub fn api_router() -> Router<SharedState> {
    let mut by_path: Vec<(&'static str, MethodRouter<SharedState>)> = Vec::new();
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
