//! The enterprise registry (企业库, 摸清底数): firms, land, yearly figures, and their import
//! and export.

pub mod dictionaries;
pub mod edit;
mod edit_rules;
pub mod enterprises;
pub mod export;
pub mod figure_values;
pub mod figures;
pub mod import;
pub mod land;
pub mod scope;
pub mod views;

pub use enterprises::{EnterpriseDetail, EnterpriseFilter};
pub use scope::EnterpriseScope;
pub use views::{EnterpriseView, Named};
