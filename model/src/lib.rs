//! The contract between the QuFabric dashboard and the management server: API types, the
//! catalogue of provider kinds, and the pure pieces of the OpenID Connect round trip.
//! Nothing here touches the browser or the network, so all of it is tested natively.

pub mod answers;
pub mod api;
pub mod bundles;
pub mod checks;
pub mod claims;
pub mod element_paths;
pub mod embedding;
pub mod group_checks;
pub mod invite_links;
pub mod issuer;
pub mod kept;
pub mod login_default;
pub mod microsoft;
pub mod oidc;
pub mod origins;
pub mod password_rule;
pub mod provider_options;
pub mod providers;
pub mod role_rules;
pub mod shadow_css;
pub mod sign_in;
pub mod test_sign_in;
pub mod user_filter;
pub mod user_rules;

pub use api::*;
pub use providers::{ProviderInfo, ProviderKind, RequiredPath, SlashPolicy, CATALOGUE};
pub use sign_in::SignInError;
