//! Signing in to the embedded IdP: authorization code + PKCE S256, `state` and `nonce`
//! checked, tokens in memory and sessionStorage (never localStorage), refresh before expiry,
//! and sign-out at the IdP.

mod flow;
mod session;
mod tabs;
mod tokens;
mod turns;

pub use flow::{
    complete_sign_in, sign_out, start_sign_in, CallbackError, SignedOutRecord, SIGNED_OUT_KEY,
    SIGNED_OUT_PATH,
};
pub use session::share_with_other_tabs as share_session_with_other_tabs;
pub use session::{provide_session, use_session, Session};
pub use tokens::{TokenResponse, Tokens};

/// sessionStorage keys. Everything the sign-in needs lives per tab.
pub(crate) const SESSION_KEY: &str = "qufabric.session";
pub(crate) const PENDING_KEY: &str = "qufabric.pending_sign_in";
