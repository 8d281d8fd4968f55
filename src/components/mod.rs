//! Reusable pieces of the screens.

mod coded;
mod confirm_dialog;
mod copy_field;
mod field;
mod findings;
mod mark;
mod notice;
mod public_url_warning;
mod redirect_uri_steps;
mod sign_out_button;
mod switch;

pub use coded::CodedText;
pub use confirm_dialog::ConfirmDialog;
pub use copy_field::CopyField;
pub use field::TextField;
pub use findings::{findings_for, Findings};
pub use mark::ProviderMark;
pub use notice::{ErrorNotice, StatusRegion};
pub use public_url_warning::PublicUrlWarning;
pub use redirect_uri_steps::RedirectUriSteps;
pub use sign_out_button::SignOutButton;
pub use switch::Switch;
