//! Pure types and rules of the wujin campaign platform.
//!
//! Nothing in this crate performs IO, spawns tasks or touches a database; every rule here is
//! testable with plain values.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod cell_value;
pub mod credit_code;
pub mod demo_city;
pub mod enterprise;
pub mod evaluation;
pub mod org;
pub mod password;
pub mod service;
pub mod supervision;
pub mod tz;
