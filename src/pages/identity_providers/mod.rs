//! Settings → Identity Providers: the list and the form.

mod form;
mod list;
mod list_text;
mod rows;

pub use form::{discovery_summary, with_draft, IdentityProviderFormPage};
pub use list::IdentityProvidersPage;
pub use list_text::{delete_consequences, filter_providers, provider_count};
pub use rows::{clicked_in_row, fill_rows, DELETE_ACTION, TEST_ACTION};
