//! Reusable pieces of the screens.

mod field;
mod notice;

pub use field::TextField;
pub use notice::{ErrorNotice, StatusRegion};
