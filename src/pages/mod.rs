//! One page a file. Each reads what it needs through the API client from context.

mod callback;
mod groups;
mod help;
mod identity_providers;
mod invite;
mod login;
mod login_default;
mod login_preview;
mod not_found;
mod plumbing;
mod root;
mod settings;
mod setup;
mod signed_out;
mod test_sign_in;
mod unsaved;
mod users;
mod wrong_address;

pub use callback::CallbackPage;
pub use groups::{kept_sync_draft, suggest_groups, GroupsPage};
pub use help::RedirectHelpPage;
pub use identity_providers::*;
pub use invite::InvitePage;
pub use login::{login_error_message, LoginPage};
pub use login_preview::{preview_providers, LoginPreview, PreviewProviders};
pub use not_found::NotFoundPage;
pub use plumbing::{use_can_write, use_loaded, use_page_tasks, ActionStatus, PageTasks};
pub use root::RootPage;
pub use settings::{CurrentUser, NoAccessPage, SettingsLayout, UnsavedChanges};
pub use setup::SetupPage;
pub use signed_out::{signed_out_record, SignedOutNotice};
pub use test_sign_in::{use_test_sign_in, TestSignIn, TestSignInReportView};
pub use unsaved::{guard_unsaved_edits, read_kept_draft};
pub use users::{last_sign_in, sign_in_method, UsersPage};

/// The Redirect URL as the server sends it (built from its public URL), or derived from
/// the configured management origin for a server that does not send one; empty until the
/// server answers, because a guess shown first could be copied and be wrong.
pub fn server_redirect_url(
    api: crate::api::Api,
    instance: crate::api::Load<qufabric_model::InstanceStatus>,
) -> leptos::prelude::Signal<String> {
    use leptos::prelude::*;
    Signal::derive(move || match instance.get() {
        None => String::new(),
        Some(answer) => answer
            .ok()
            .and_then(|i| i.redirect_url)
            .unwrap_or_else(|| api.config().derived_redirect_url()),
    })
}
