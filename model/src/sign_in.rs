//! Why a sign-in ended without a session: the codes `/login?error=` carries. The server
//! sends them (the embedded IdP and its broker), the dashboard explains them; both use
//! this one list.

/// A sign-in failure, as product.md names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInError {
    /// The provider (discovery, token endpoint) could not be reached.
    ProviderUnreachable,
    /// The provider names another issuer than the one configured.
    IssuerMismatch,
    /// The provider refused the user (or QuFabric's account is blocked).
    UpstreamDenied,
    /// The provider refused QuFabric's client credentials.
    InvalidClient,
    /// Signed in at the provider, but outside the JWT allow-groups.
    NotInAllowedGroup,
    /// Signed in at the provider, but in none of the groups allowed through it.
    NotInProviderGroup,
    /// A newcomer who waits for an owner or administrator to approve them (the account
    /// requires approval); nothing else is needed from them.
    PendingApproval,
    /// The answer does not belong to a sign-in started in this browser.
    StateMismatch,
    /// The sign-in, or the session, took too long or ended.
    SessionExpired,
    /// The provider refused a scope QuFabric asked for (`invalid_scope`).
    InvalidScope,
    /// Userinfo names another person (`sub`) than the ID token (Core §5.3.4).
    UserinfoSubjectMismatch,
    /// Userinfo could not be read, and the ID token alone lacks what the sign-in needs.
    UserinfoFailed,
    /// No claim holds the person's email address.
    EmailMissing,
    /// Anything else (the server's log has the details).
    ServerError,
}

impl SignInError {
    pub const ALL: [SignInError; 14] = [
        SignInError::ProviderUnreachable,
        SignInError::IssuerMismatch,
        SignInError::UpstreamDenied,
        SignInError::InvalidClient,
        SignInError::NotInAllowedGroup,
        SignInError::NotInProviderGroup,
        SignInError::PendingApproval,
        SignInError::StateMismatch,
        SignInError::SessionExpired,
        SignInError::InvalidScope,
        SignInError::UserinfoSubjectMismatch,
        SignInError::UserinfoFailed,
        SignInError::EmailMissing,
        SignInError::ServerError,
    ];

    /// The code in `/login?error=`.
    pub fn code(self) -> &'static str {
        match self {
            SignInError::ProviderUnreachable => "provider_unreachable",
            SignInError::IssuerMismatch => "issuer_mismatch",
            SignInError::UpstreamDenied => "upstream_denied",
            SignInError::InvalidClient => "invalid_client",
            SignInError::NotInAllowedGroup => "not_in_allowed_group",
            SignInError::NotInProviderGroup => "not_in_provider_group",
            SignInError::PendingApproval => "pending_approval",
            SignInError::StateMismatch => "state_mismatch",
            SignInError::SessionExpired => "session_expired",
            SignInError::InvalidScope => "invalid_scope",
            SignInError::UserinfoSubjectMismatch => "userinfo_subject_mismatch",
            SignInError::UserinfoFailed => "userinfo_failed",
            SignInError::EmailMissing => "email_missing",
            SignInError::ServerError => "server_error",
        }
    }

    /// One of our codes, read back.
    pub fn from_code(code: &str) -> Option<SignInError> {
        SignInError::ALL.into_iter().find(|e| e.code() == code)
    }

    /// An error code from an OAuth 2.0 authorization or token answer (RFC 6749), folded
    /// into ours; our own codes (the embedded IdP sends them) pass through.
    pub fn from_oauth(code: &str) -> SignInError {
        match code {
            "access_denied" => SignInError::UpstreamDenied,
            "invalid_client" | "unauthorized_client" => SignInError::InvalidClient,
            other => SignInError::from_code(other).unwrap_or(SignInError::ServerError),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_oauth_codes_fold_into_ours() {
        for error in SignInError::ALL {
            assert_eq!(SignInError::from_code(error.code()), Some(error));
        }
        assert_eq!(SignInError::from_code("nonsense"), None);
        assert_eq!(
            SignInError::from_oauth("access_denied"),
            SignInError::UpstreamDenied
        );
        assert_eq!(
            SignInError::from_oauth("unauthorized_client"),
            SignInError::InvalidClient
        );
        assert_eq!(
            SignInError::from_oauth("invalid_scope"),
            SignInError::InvalidScope
        );
        assert_eq!(
            SignInError::from_oauth("invalid_request"),
            SignInError::ServerError
        );
        assert_eq!(
            SignInError::from_oauth("not_in_allowed_group"),
            SignInError::NotInAllowedGroup
        );
    }
}
