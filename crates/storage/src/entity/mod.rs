//! Hand-written entities: one per table. Times are `DateTimeUtc`, always bound from Rust.

pub mod api_token;
pub mod app_user;
pub mod attachment;
pub mod audit_event;
pub mod calendar_year;
pub mod department;
pub mod enterprise;
pub mod enterprise_cadre;
pub mod enterprise_tag;
pub mod evaluation_objection;
pub mod evaluation_result;
pub mod evaluation_run;
pub mod evaluation_scheme;
pub mod import_batch;
pub mod industry_group;
pub mod land_parcel;
pub mod login_attempt;
pub mod low_end_case;
pub mod low_end_step;
pub mod notification;
pub mod parcel_use;
pub mod session;
pub mod tag;
pub mod yearly_figures;
