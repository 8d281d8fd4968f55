//! Whether the form differs from what is stored: what makes it dirty (guarded, kept as a
//! draft, and saveable).

use qufabric_model::checks::ProviderDraft;
use qufabric_model::provider_options::ProviderOptions;
use qufabric_model::IdentityProvider;

/// Whether the draft differs from what is stored (or from an empty form). `flags` are the
/// Logout URL's and the login default's boxes; `options` the edited options, `None` when
/// the server takes none.
pub(super) fn changed(
    draft: &ProviderDraft,
    flags: [bool; 2],
    options: Option<&ProviderOptions>,
    original: Option<&IdentityProvider>,
) -> bool {
    match original {
        Some(o) => {
            flags != [o.logout_url_registered, o.login_default]
                || options.is_some_and(|edited| o.options.as_ref() != Some(edited))
                || draft.kind != Some(o.kind)
                || draft.name != o.name
                || (o.kind.info().builtin_issuer.is_none() && draft.issuer != o.issuer)
                || draft.client_id != o.client_id
                || !draft.client_secret.is_empty()
        }
        None => {
            flags.contains(&true)
                || options.is_some_and(|edited| *edited != ProviderOptions::default())
                || draft.kind.is_some()
                || !draft.name.is_empty()
                || !draft.issuer.is_empty()
                || !draft.client_id.is_empty()
                || !draft.client_secret.is_empty()
        }
    }
}
