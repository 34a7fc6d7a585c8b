//! The order `install` takes several packages in: each after the ones it
//! requires among them (names compared folded), so one command can install
//! experts that need each other's presence. A cycle has no such order.

use super::requirement::parse_requirement;
use crate::manifest::name::same_name;

/// A dependency cycle: the names along it, the first repeated at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle(pub Vec<String>);

impl std::fmt::Display for Cycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dependency cycle: {}", self.0.join(" → "))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    New,
    OnPath,
    Placed,
}

/// Indexes into `items` (name, `constraints.requires`) in install order:
/// requirements first, otherwise as given. Requirements on experts outside
/// `items`, and unparsable ones (validation reported them), are ignored.
pub fn dependency_order(items: &[(&str, &[String])]) -> Result<Vec<usize>, Cycle> {
    let deps: Vec<Vec<usize>> = items
        .iter()
        .map(|(_, requires)| {
            requires
                .iter()
                .filter_map(|r| parse_requirement(r).ok())
                .filter_map(|r| items.iter().position(|(n, _)| same_name(n, &r.name)))
                .collect()
        })
        .collect();
    let mut walk = Walk {
        deps: &deps,
        marks: vec![Mark::New; items.len()],
        path: Vec::new(),
        order: Vec::with_capacity(items.len()),
    };
    for i in 0..items.len() {
        walk.visit(i)
            .map_err(|cycle| Cycle(cycle.into_iter().map(|k| items[k].0.to_string()).collect()))?;
    }
    Ok(walk.order)
}

/// A depth-first walk that places each item after its requirements.
struct Walk<'a> {
    deps: &'a [Vec<usize>],
    marks: Vec<Mark>,
    path: Vec<usize>,
    order: Vec<usize>,
}

impl Walk<'_> {
    /// Places `i`; on a cycle, the indexes along it.
    fn visit(&mut self, i: usize) -> Result<(), Vec<usize>> {
        match self.marks[i] {
            Mark::Placed => return Ok(()),
            Mark::OnPath => {
                let start = self.path.iter().position(|&p| p == i).unwrap_or(0);
                let mut cycle = self.path[start..].to_vec();
                cycle.push(i);
                return Err(cycle);
            }
            Mark::New => {}
        }
        self.marks[i] = Mark::OnPath;
        self.path.push(i);
        for k in 0..self.deps[i].len() {
            self.visit(self.deps[i][k])?;
        }
        self.path.pop();
        self.marks[i] = Mark::Placed;
        self.order.push(i);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn requirements_come_first_and_a_cycle_is_named() {
        let (a, b, c) = (
            reqs(&["B_Exp@>=1.0.0"]),
            reqs(&["c-exp"]),
            reqs(&["outside"]),
        );
        let items = [("a-exp", &a[..]), ("b-exp", &b[..]), ("c-exp", &c[..])];
        assert_eq!(dependency_order(&items), Ok(vec![2, 1, 0]));
        let none: [(&str, &[String]); 2] = [("x", &[]), ("y", &[])];
        assert_eq!(dependency_order(&none), Ok(vec![0, 1]));
        let (p, q) = (reqs(&["q"]), reqs(&["p"]));
        let cyclic = [("p", &p[..]), ("q", &q[..])];
        let cycle = dependency_order(&cyclic).unwrap_err();
        assert_eq!(cycle.to_string(), "dependency cycle: p → q → p");
    }
}
