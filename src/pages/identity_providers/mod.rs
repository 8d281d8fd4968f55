//! Settings → Identity Providers: the list and the form.

mod form;
mod list;

pub use form::{discovery_summary, IdentityProviderFormPage};
pub use list::{delete_consequences, filter_providers, provider_count, IdentityProvidersPage};
