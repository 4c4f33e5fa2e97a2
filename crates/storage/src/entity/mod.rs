//! Hand-written entities: one per table. Times are `DateTimeUtc`, always bound from Rust.

pub mod api_token;
pub mod app_user;
pub mod audit_event;
pub mod calendar_year;
pub mod department;
pub mod login_attempt;
pub mod notification;
pub mod session;
