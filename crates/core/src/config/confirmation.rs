//! What confirms a change to one item: on a protected profile its name typed
//! exactly, anywhere else a yes. Both frontends ask and check through this.

use super::Profile;

/// The answer that confirms an action on one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// The item's name, typed exactly.
    TypeName(String),
    /// A plain yes (on the command line, `yes` typed).
    Yes,
}

impl Confirmation {
    /// The rule for an action on `name` on `profile`: a protected profile asks for
    /// the name typed.
    pub fn for_item(profile: &Profile, name: &str) -> Confirmation {
        if profile.protected {
            Confirmation::TypeName(name.to_string())
        } else {
            Confirmation::Yes
        }
    }

    /// The name that must be typed, if one must.
    pub fn name(&self) -> Option<&str> {
        match self {
            Confirmation::TypeName(name) => Some(name),
            Confirmation::Yes => None,
        }
    }

    /// The answer that confirms: the name, or `yes`.
    pub fn answer(&self) -> &str {
        self.name().unwrap_or("yes")
    }

    /// True when `answer` confirms: exactly the name, or `yes`.
    pub fn accepts(&self, answer: &str) -> bool {
        answer == self.answer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;

    fn profile(protected: bool, label: Option<&str>) -> Profile {
        let mut p = Profile::new(
            "prod",
            Platform::Dasha,
            "https://example.invalid",
            crate::config::TokenSource::Env("T".into()),
        );
        p.protected = protected;
        p.label = label.map(String::from);
        p
    }

    #[test]
    fn a_protected_profile_asks_for_the_name_typed_exactly() {
        let asked = Confirmation::for_item(&profile(true, None), "EU trunk");
        assert_eq!(asked, Confirmation::TypeName("EU trunk".into()));
        assert_eq!(
            (asked.name(), asked.answer()),
            (Some("EU trunk"), "EU trunk")
        );
        assert!(asked.accepts("EU trunk"));
        for wrong in ["yes", "EU tr", "eu trunk", "EU trunk ", ""] {
            assert!(!asked.accepts(wrong), "{wrong:?}");
        }
    }

    #[test]
    fn any_other_profile_asks_for_yes_even_when_labelled_production() {
        for p in [profile(false, None), profile(false, Some("production"))] {
            let asked = Confirmation::for_item(&p, "EU trunk");
            assert_eq!(asked, Confirmation::Yes);
            assert_eq!((asked.name(), asked.answer()), (None, "yes"));
            assert!(asked.accepts("yes"));
            assert!(!asked.accepts("EU trunk") && !asked.accepts("y"));
        }
    }
}
