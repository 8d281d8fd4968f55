//! The people endpoints: changes, approval, local users (added, invited, deleted) and the
//! public invite pair the invite page uses before anyone is signed in.

use super::transport::{json, Method};
use super::{encode_segment, Api, ApiError};
use qufabric_model::*;

impl Api {
    pub async fn update_user(&self, id: &str, request: &UserRequest) -> Result<User, ApiError> {
        let path = format!("/api/users/{}", encode_segment(id));
        self.call(Method::Put, &path, Some(json(request)?)).await
    }

    /// Let a person who waits for approval in.
    pub async fn approve_user(&self, id: &str) -> Result<User, ApiError> {
        let path = format!("/api/users/{}/approve", encode_segment(id));
        self.call(Method::Post, &path, None).await
    }

    /// Give a person whose role was set by hand back to the role rules (owners only).
    pub async fn follow_role_rules(&self, id: &str) -> Result<User, ApiError> {
        let path = format!("/api/users/{}/role-rules", encode_segment(id));
        self.call(Method::Post, &path, None).await
    }

    /// Remove a person who waits for approval.
    pub async fn reject_user(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/users/{}/reject", encode_segment(id));
        self.call::<serde::de::IgnoredAny>(Method::Delete, &path, None)
            .await
            .map(|_| ())
    }

    /// Add a local user; the answer carries their generated password, once.
    pub async fn create_user(&self, request: &UserCreateRequest) -> Result<User, ApiError> {
        self.call(Method::Post, "/api/users", Some(json(request)?))
            .await
    }

    pub async fn delete_user(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/users/{}", encode_segment(id));
        self.call::<serde::de::IgnoredAny>(Method::Delete, &path, None)
            .await
            .map(|_| ())
    }

    /// Make an invite; the answer carries its token, once.
    pub async fn create_invite(
        &self,
        request: &UserInviteCreateRequest,
    ) -> Result<UserInvite, ApiError> {
        self.call(Method::Post, "/api/users/invites", Some(json(request)?))
            .await
    }

    /// A new link for an invite (the old one stops working).
    pub async fn regenerate_invite(
        &self,
        id: &str,
    ) -> Result<UserInviteRegenerateResponse, ApiError> {
        let path = format!("/api/users/invites/{}/regenerate", encode_segment(id));
        let request = UserInviteRegenerateRequest::default();
        self.call(Method::Post, &path, Some(json(&request)?)).await
    }

    pub async fn delete_invite(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/users/invites/{}", encode_segment(id));
        self.call::<serde::de::IgnoredAny>(Method::Delete, &path, None)
            .await
            .map(|_| ())
    }

    /// Who an invite link is for (public: the token is the permission).
    pub async fn invite_info(&self, token: &str) -> Result<UserInviteInfo, ApiError> {
        let path = format!("/api/users/invites/{}", encode_segment(token));
        self.call(Method::Get, &path, None).await
    }

    /// Set the invited person's password (public: the token is the permission).
    pub async fn accept_invite(&self, token: &str, password: &str) -> Result<(), ApiError> {
        let path = format!("/api/users/invites/{}/accept", encode_segment(token));
        let request = UserInviteAcceptRequest {
            password: password.to_string(),
        };
        self.call::<serde::de::IgnoredAny>(Method::Post, &path, Some(json(&request)?))
            .await
            .map(|_| ())
    }
}
