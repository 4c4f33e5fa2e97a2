//! Pagination shared by every list.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl PageRequest {
    /// Clamps user input into sane bounds.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> PageRequest {
        PageRequest {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// Sort direction of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    pub fn parse(s: Option<&str>) -> SortDir {
        match s {
            Some("desc") => SortDir::Desc,
            _ => SortDir::Asc,
        }
    }

    pub fn order(self) -> sea_orm::Order {
        match self {
            SortDir::Asc => sea_orm::Order::Asc,
            SortDir::Desc => sea_orm::Order::Desc,
        }
    }
}
