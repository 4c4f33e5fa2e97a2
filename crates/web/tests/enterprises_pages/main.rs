//! 企业库 pages: the list (search, filters, sorting, export), data scope per role, phone
//! masking, the profile form, figures, land, the figures grid and the dictionaries.

mod dictionaries;
mod fixtures;
mod forms;
mod list;
