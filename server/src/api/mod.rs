//! The management API's endpoints under `/api` (who may call each: `crate::routes`; how
//! callers are recognised: `crate::access`).

pub(crate) mod accounts;
pub(crate) mod groups;
pub(crate) mod identity_providers;
pub(crate) mod instance;
pub(crate) mod invites;
pub(crate) mod test_sign_in;
pub(crate) mod users;

// Shared by every file of this module (each starts with `use super::*`).
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::access::{OwnerOnly, Reader, Signed, Writer};
use crate::error::parse_json;
use crate::error::ApiError;
use crate::forwarded::RequestSource;
use crate::secrets::{hash_secret, random_id};
use crate::services::Services;
use crate::settings::Settings;
use crate::store::{now_unix, GroupRecord, RoleSource, UserRecord};
use qufabric_model::user_rules::{
    check_user_change, check_user_delete, may_grant, UserChangeRefusal, UserState,
};
use qufabric_model::*;

#[cfg(test)]
mod tests {
    use super::instance::looks_like_email;
    use super::users::permissions;
    use qufabric_model::Role;

    #[test]
    fn email_shape() {
        assert!(looks_like_email("owner@example.com"));
        assert!(!looks_like_email("owner"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("a b@example.com"));
    }

    #[test]
    fn permissions_follow_roles() {
        assert!(permissions(Role::Owner).allows("identity_providers", "delete"));
        assert!(permissions(Role::Auditor).allows("identity_providers", "read"));
        assert!(!permissions(Role::Auditor).allows("identity_providers", "create"));
        assert!(!permissions(Role::User).allows("identity_providers", "read"));
        assert!(permissions(Role::User).is_restricted);
    }
}
