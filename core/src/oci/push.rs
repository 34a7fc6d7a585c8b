//! What one `push` may publish: the variants of one version of one expert
//! (names compared folded), one package per base model, under the
//! version's tag unless the reference names one.

use super::Variant;
use crate::manifest::name::same_name;

/// Why packages cannot be pushed together; `index` is the offending one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushProblem {
    /// Another expert, or another version, than the first package.
    Mixed {
        /// The package that differs from the first.
        index: usize,
    },
    /// A second package for a base model already in the push.
    SameBaseModel {
        /// The second package for that base model.
        index: usize,
    },
}

/// Whether `variants` (in the order given) may be one push.
pub fn check_push(variants: &[Variant]) -> Result<(), PushProblem> {
    let Some(first) = variants.first() else {
        return Ok(());
    };
    for (index, v) in variants.iter().enumerate() {
        if !same_name(&v.name, &first.name) || v.version != first.version {
            return Err(PushProblem::Mixed { index });
        }
        if variants[..index]
            .iter()
            .any(|o| o.base_model == v.base_model)
        {
            return Err(PushProblem::SameBaseModel { index });
        }
    }
    Ok(())
}

/// The tag a push uses when the reference names none: the version, with
/// `+` (build metadata, not allowed in a tag) written `_`.
pub fn default_tag(version: &str) -> String {
    version.replace('+', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str, version: &str, model: &str) -> Variant {
        Variant {
            name: name.into(),
            version: version.into(),
            base_model: model.into(),
            key_id: None,
        }
    }

    #[test]
    fn one_push_is_one_version_of_one_expert_one_package_per_model() {
        let a = v("expert-a", "1.0.0", "m1");
        assert_eq!(
            check_push(&[a.clone(), v("Expert_A", "1.0.0", "m2")]),
            Ok(())
        );
        assert_eq!(
            check_push(&[a.clone(), v("expert-b", "1.0.0", "m2")]),
            Err(PushProblem::Mixed { index: 1 })
        );
        assert_eq!(
            check_push(&[a.clone(), v("expert-a", "1.0.1", "m2")]),
            Err(PushProblem::Mixed { index: 1 })
        );
        assert_eq!(
            check_push(&[a.clone(), v("expert-a", "1.0.0", "m2"), a]),
            Err(PushProblem::SameBaseModel { index: 2 })
        );
        assert_eq!(default_tag("1.0.0+build.5"), "1.0.0_build.5");
    }
}
