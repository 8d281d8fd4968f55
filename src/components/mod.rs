//! Reusable pieces of the screens.

mod confirm_dialog;
mod copy_field;
mod field;
mod findings;
mod notice;

pub use confirm_dialog::ConfirmDialog;
pub use copy_field::CopyField;
pub use field::TextField;
pub use findings::Findings;
pub use notice::{ErrorNotice, StatusRegion};
