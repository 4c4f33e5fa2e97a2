//! The enterprise registry (企业库, 摸清底数): firms, land, yearly figures, and their import
//! and export.

pub mod dictionaries;
pub mod edit;
pub mod enterprises;
pub mod export;
pub mod figures;
pub mod import;
pub mod land;
pub mod scope;
pub mod views;

pub use enterprises::{EnterpriseDetail, EnterpriseFilter};
pub use scope::EnterpriseScope;
pub use views::{EnterpriseView, Named};

/// Reading the registry; every registry use-case starts from this permission.
pub fn view_permission() -> wujin_domain::access::Permission {
    wujin_domain::access::Permission::ViewEnterprises
}
