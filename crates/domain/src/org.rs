//! The departments tree (组织架构): city departments, streets, towns and the development zone.

use serde::{Deserialize, Serialize};

/// What kind of unit a node of the departments tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// The city government itself, root of the tree (市政府).
    City,
    /// A city-level department (市级部门), e.g. 经信局.
    Department,
    /// A street (街道).
    Street,
    /// A town (镇).
    Town,
    /// A development zone (开发区).
    Zone,
}

impl DepartmentKind {
    pub const ALL: [DepartmentKind; 5] = [
        DepartmentKind::City,
        DepartmentKind::Department,
        DepartmentKind::Street,
        DepartmentKind::Town,
        DepartmentKind::Zone,
    ];

    /// Streets, towns and the development zone are all "towns" (镇街) in the campaign's sense:
    /// a firm belongs to exactly one of them.
    pub fn is_town(self) -> bool {
        matches!(
            self,
            DepartmentKind::Street | DepartmentKind::Town | DepartmentKind::Zone
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::City => "city",
            DepartmentKind::Department => "department",
            DepartmentKind::Street => "street",
            DepartmentKind::Town => "town",
            DepartmentKind::Zone => "zone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A node of the tree as the rules need it: id, parent, kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: DepartmentKind,
}

/// Every id in the subtree rooted at `root`, `root` included, in breadth-first order.
/// A cycle in the input (which the storage layer refuses to create) cannot loop forever.
pub fn subtree_ids(nodes: &[DepartmentNode], root: i64) -> Vec<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let current = out[i];
        for n in nodes {
            if n.parent_id == Some(current) && !out.contains(&n.id) {
                out.push(n.id);
            }
        }
        i += 1;
    }
    out
}

/// Would making `new_parent` the parent of `id` create a cycle?
pub fn would_create_cycle(nodes: &[DepartmentNode], id: i64, new_parent: i64) -> bool {
    subtree_ids(nodes, id).contains(&new_parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>) -> DepartmentNode {
        DepartmentNode {
            id,
            parent_id: parent,
            kind: DepartmentKind::Department,
        }
    }

    #[test]
    fn subtree_contains_descendants_only() {
        let nodes = vec![
            node(1, None),
            node(2, Some(1)),
            node(3, Some(2)),
            node(4, Some(1)),
        ];
        assert_eq!(subtree_ids(&nodes, 2), vec![2, 3]);
        assert_eq!(subtree_ids(&nodes, 1), vec![1, 2, 4, 3]);
        assert_eq!(subtree_ids(&nodes, 3), vec![3]);
    }

    #[test]
    fn cycles_are_detected() {
        let nodes = vec![node(1, None), node(2, Some(1)), node(3, Some(2))];
        assert!(would_create_cycle(&nodes, 1, 3));
        assert!(would_create_cycle(&nodes, 2, 2));
        assert!(!would_create_cycle(&nodes, 3, 1));
    }

    #[test]
    fn town_kinds() {
        assert!(DepartmentKind::Street.is_town());
        assert!(DepartmentKind::Zone.is_town());
        assert!(!DepartmentKind::Department.is_town());
        for k in DepartmentKind::ALL {
            assert_eq!(DepartmentKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(DepartmentKind::parse("village"), None);
    }
}
