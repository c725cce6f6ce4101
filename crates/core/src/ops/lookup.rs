//! Items named on the command line: by id, or by a unique name.

use super::{Error, Ops};
use crate::api::ErrorKind;

/// An item as a lookup shows it: its id and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The platform's id.
    pub id: String,
    /// The name a user types: see [`Provider::confirm_name`](crate::domain::Provider::confirm_name)
    /// and [`SipCredential::confirm_name`](crate::domain::SipCredential::confirm_name).
    pub name: String,
}

/// What an id or a name found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// One item.
    Found(Named),
    /// No item has that id or name.
    Missing,
    /// Several items have that name, in list order.
    Ambiguous(Vec<Named>),
}

impl Lookup {
    /// The item of `items` named `wanted`: by its exact name, else ignoring case;
    /// several with that name are ambiguous.
    pub fn by_name(items: Vec<Named>, wanted: &str) -> Lookup {
        let wanted = wanted.trim();
        let lower = wanted.to_lowercase();
        let (exact, rest): (Vec<Named>, Vec<Named>) =
            items.into_iter().partition(|n| n.name == wanted);
        let mut found = if exact.is_empty() {
            rest.into_iter()
                .filter(|n| n.name.to_lowercase() == lower)
                .collect()
        } else {
            exact
        };
        match found.len() {
            0 => Lookup::Missing,
            1 => Lookup::Found(found.remove(0)),
            _ => Lookup::Ambiguous(found),
        }
    }
}

impl Ops {
    /// The provider `wanted` names: its id, else its name (the whole Account SID
    /// for one without a name).
    pub async fn find_provider(&self, wanted: &str) -> Result<Lookup, Error> {
        match self.get_provider(wanted).await {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let all = self.list_providers().await?;
                let named = all.iter().map(|p| Named {
                    id: p.id.clone(),
                    name: p.confirm_name(),
                });
                Ok(Lookup::by_name(named.collect(), wanted))
            }
            found => found.map(|p| {
                Lookup::Found(Named {
                    name: p.confirm_name(),
                    id: p.id,
                })
            }),
        }
    }

    /// The SIP credential `wanted` names: its id, else its description (its server
    /// when it has none).
    pub async fn find_sip(&self, wanted: &str) -> Result<Lookup, Error> {
        match self.get_sip(wanted).await {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let mut named = Vec::new();
                self.list_sip_pages(|page| {
                    named.extend(page.items.iter().map(|c| Named {
                        id: c.id.clone(),
                        name: c.confirm_name(),
                    }))
                })
                .await?;
                Ok(Lookup::by_name(named, wanted))
            }
            found => found.map(|c| {
                Lookup::Found(Named {
                    name: c.confirm_name(),
                    id: c.id,
                })
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(id: &str, name: &str) -> Named {
        Named {
            id: id.into(),
            name: name.into(),
        }
    }

    fn items() -> Vec<Named> {
        vec![
            named("1", "case"),
            named("2", "CASE"),
            named("3", "Solo"),
            named("4", "dup"),
            named("5", "DUP"),
        ]
    }

    #[test]
    fn an_exact_name_wins_then_a_unique_one_ignoring_case() {
        assert_eq!(
            Lookup::by_name(items(), "case"),
            Lookup::Found(named("1", "case"))
        );
        assert_eq!(
            Lookup::by_name(items(), " solo "),
            Lookup::Found(named("3", "Solo"))
        );
        assert_eq!(
            Lookup::by_name(items(), "Case"),
            Lookup::Ambiguous(vec![named("1", "case"), named("2", "CASE")])
        );
        assert_eq!(
            Lookup::by_name(items(), "Dup"),
            Lookup::Ambiguous(vec![named("4", "dup"), named("5", "DUP")])
        );
        assert_eq!(Lookup::by_name(items(), "none"), Lookup::Missing);
    }
}
