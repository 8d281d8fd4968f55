//! Settings → Identity Providers: the list and the form.

mod form;
mod list;

pub use form::{discovery_summary, redirect_variants, IdentityProviderFormPage};
pub use list::{delete_consequences, filter_providers, IdentityProvidersPage};
