//! The challenges one REGISTER has answered, one per realm, and what the next 401
//! or 407 means. RFC 3261 §22.3: a UA keeps its credentials per realm and sends all
//! of them on a retry (`Authorization` for a registrar, `Proxy-Authorization` for a
//! proxy), so a proxy's 407 followed by a registrar's 401 for another realm is
//! answered with both.

use super::digest::{self, Challenge};
use super::message::Credentials;
use crate::secret::Secret;
use crate::text::printable;

/// How many times a nonce answered `stale=true` is answered again.
const STALE_RETRIES: u32 = 1;
/// How many challenges in a row are answered: a proxy, a registrar, a stale nonce,
/// and one to spare.
pub const MAX_ROUNDS: u32 = 4;

/// One answered challenge, and how many requests have used its nonce.
#[derive(Debug, Clone)]
struct Answered {
    challenge: Challenge,
    nc: u32,
}

/// Why a 401 or 407 is not answered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A realm already answered was challenged again without `stale=true`, or a
    /// 401/407 came with no challenge: the answer was refused (wrong user or
    /// password). Which realm, printable: `realm "sip.test"`.
    Rejected(String),
    /// `stale=true` again after the fresh nonce was answered.
    KeptStale,
    /// A realm offers nothing telcreds can answer: what it offers, printable.
    Unanswerable(Vec<String>),
    /// Still challenged after [`MAX_ROUNDS`] answers.
    TooManyRounds,
}

/// The challenges answered so far for one request, one per realm (and header).
#[derive(Debug, Default)]
pub struct Keyring {
    answered: Vec<Answered>,
    stale_retries: u32,
    rounds: u32,
}

/// True when `a` and `b` are for the same realm in the same header.
fn same_realm(a: &Challenge, b: &Challenge) -> bool {
    a.proxy == b.proxy && a.realm == b.realm
}

impl Keyring {
    /// True before any challenge was answered.
    pub fn is_empty(&self) -> bool {
        self.answered.is_empty()
    }

    fn knows(&self, challenge: &Challenge) -> bool {
        self.answered
            .iter()
            .any(|a| same_realm(&a.challenge, challenge))
    }

    /// Takes the challenges of a 401 or 407: new realms join the answered ones, a
    /// stale nonce replaces its realm's (once), and a realm answered before and
    /// challenged again means the answer was refused. `Ok`: send the request again
    /// with [`Keyring::credentials`].
    pub fn take(&mut self, challenges: &[Challenge]) -> Result<(), Stop> {
        let (known, fresh): (Vec<&Challenge>, Vec<&Challenge>) =
            challenges.iter().partition(|c| self.knows(c));
        if let Some(again) = known.iter().find(|c| !c.stale) {
            return Err(Stop::Rejected(realm(again)));
        }
        if challenges.is_empty() && !self.is_empty() {
            return Err(Stop::Rejected(self.realms()));
        }
        let (stale, fresh) = match (pick_per_realm(&known), pick_per_realm(&fresh)) {
            (Ok(stale), Ok(fresh)) => (stale, fresh),
            (Err(offered), _) | (_, Err(offered)) => return Err(Stop::Unanswerable(offered)),
        };
        self.replace(stale)?;
        self.add(fresh)
    }

    /// Answers the stale nonces anew (with nonce count 1), once.
    fn replace(&mut self, stale: Vec<Challenge>) -> Result<(), Stop> {
        if stale.is_empty() {
            return Ok(());
        }
        if self.stale_retries >= STALE_RETRIES {
            return Err(Stop::KeptStale);
        }
        self.stale_retries += 1;
        for challenge in stale {
            self.answered
                .retain(|a| !same_realm(&a.challenge, &challenge));
            self.answered.push(Answered { challenge, nc: 0 });
        }
        Ok(())
    }

    /// Adds the new realms and counts the round.
    fn add(&mut self, fresh: Vec<Challenge>) -> Result<(), Stop> {
        if self.answered.is_empty() && fresh.is_empty() {
            return Err(Stop::Unanswerable(Vec::new()));
        }
        if self.rounds >= MAX_ROUNDS {
            return Err(Stop::TooManyRounds);
        }
        self.rounds += 1;
        self.answered.extend(
            fresh
                .into_iter()
                .map(|challenge| Answered { challenge, nc: 0 }),
        );
        Ok(())
    }

    /// One `Authorization` or `Proxy-Authorization` per answered realm, for a
    /// request `method` to `uri`; each use of a nonce counts one more (`nc`).
    pub fn credentials(
        &mut self,
        method: &str,
        uri: &str,
        user: &str,
        password: &Secret,
    ) -> Vec<Credentials> {
        self.answered
            .iter_mut()
            .map(|a| {
                a.nc += 1;
                let value = digest::authorization(
                    &a.challenge,
                    method,
                    uri,
                    user,
                    password,
                    &digest::new_cnonce(),
                    a.nc,
                );
                Credentials::answering(&a.challenge, value)
            })
            .collect()
    }

    /// The answered realms with their algorithms, printable:
    /// `realm "proxy.test" with MD5, realm "sip.test" with SHA-256`.
    pub fn realms(&self) -> String {
        let realms: Vec<String> = self
            .answered
            .iter()
            .map(|a| format!("{} with {}", realm(&a.challenge), a.challenge.offered()))
            .collect();
        realms.join(", ")
    }
}

/// `realm "…"`, printable.
fn realm(challenge: &Challenge) -> String {
    format!("realm \"{}\"", printable(&challenge.realm))
}

/// The topmost answerable challenge of each realm (RFC 8760 §2.4), in the order
/// the realms came; `Err` with what a realm offers when it has none.
fn pick_per_realm(challenges: &[&Challenge]) -> Result<Vec<Challenge>, Vec<String>> {
    let mut picked: Vec<Challenge> = Vec::new();
    for (i, c) in challenges.iter().enumerate() {
        if picked.iter().any(|p| same_realm(p, c)) {
            continue;
        }
        let realm: Vec<Challenge> = challenges[i..]
            .iter()
            .filter(|o| same_realm(o, c))
            .map(|o| (*o).clone())
            .collect();
        match digest::pick(&realm) {
            Some(answerable) => picked.push(answerable.clone()),
            None => return Err(realm.iter().map(Challenge::offered).collect()),
        }
    }
    Ok(picked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(header: &str, proxy: bool) -> Challenge {
        digest::parse_challenge(header, proxy).unwrap()
    }

    fn proxy() -> Challenge {
        challenge(r#"Digest realm="proxy.test", nonce="p1", qop="auth""#, true)
    }

    fn registrar(nonce: &str, stale: bool) -> Challenge {
        let header = format!(
            r#"Digest realm="registrar.test", nonce="{nonce}", algorithm=SHA-256, qop="auth", stale={stale}"#
        );
        challenge(&header, false)
    }

    /// Header name and `nc=` of each credential, in order.
    fn sent(keyring: &mut Keyring) -> Vec<(bool, String)> {
        let password = Secret::new("s3cret");
        keyring
            .credentials("REGISTER", "sip:registrar.test", "alice", &password)
            .into_iter()
            .map(|c| {
                let nc = c.value.split("nc=").nth(1).unwrap_or("-")[..8].to_string();
                (c.proxy, nc)
            })
            .collect()
    }

    #[test]
    fn a_proxy_then_a_registrar_are_both_answered() {
        let mut k = Keyring::default();
        assert!(k.is_empty());
        assert_eq!(k.take(&[proxy()]), Ok(()));
        assert_eq!(sent(&mut k), [(true, "00000001".into())]);
        assert_eq!(k.take(&[registrar("r1", false)]), Ok(()));
        assert_eq!(
            sent(&mut k),
            [(true, "00000002".into()), (false, "00000001".into())]
        );
        assert!(k.realms().contains("proxy.test") && k.realms().contains("registrar.test"));
        // Challenged again for an answered realm, not stale: refused.
        assert_eq!(
            k.take(&[registrar("r2", false)]),
            Err(Stop::Rejected(r#"realm "registrar.test""#.into()))
        );
    }

    #[test]
    fn a_stale_nonce_is_answered_anew_once() {
        let mut k = Keyring::default();
        assert_eq!(k.take(&[registrar("r1", false)]), Ok(()));
        sent(&mut k);
        assert_eq!(k.take(&[registrar("r2", true)]), Ok(()));
        assert_eq!(sent(&mut k), [(false, "00000001".into())]);
        assert!(k.answered[0].challenge.nonce == "r2");
        assert_eq!(k.take(&[registrar("r3", true)]), Err(Stop::KeptStale));
    }

    #[test]
    fn stale_on_a_first_challenge_is_just_a_challenge() {
        let mut k = Keyring::default();
        assert_eq!(k.take(&[registrar("r1", true)]), Ok(()));
    }

    #[test]
    fn the_topmost_answerable_challenge_of_each_realm_is_taken() {
        let aka = challenge(
            r#"Digest realm="registrar.test", nonce="a", algorithm=AKAv1-MD5"#,
            false,
        );
        let mut k = Keyring::default();
        assert_eq!(k.take(&[aka.clone(), registrar("r1", false)]), Ok(()));
        assert_eq!(k.answered.len(), 1);
        assert_eq!(k.answered[0].challenge.nonce, "r1");
        let mut k = Keyring::default();
        assert_eq!(
            k.take(&[proxy(), aka]),
            Err(Stop::Unanswerable(vec!["AKAv1-MD5".into()]))
        );
        assert_eq!(
            Keyring::default().take(&[]),
            Err(Stop::Unanswerable(vec![]))
        );
    }

    #[test]
    fn a_bare_401_after_an_answer_is_a_refusal() {
        let mut k = Keyring::default();
        assert_eq!(k.take(&[proxy()]), Ok(()));
        assert_eq!(k.take(&[]), Err(Stop::Rejected(k.realms())));
    }

    #[test]
    fn new_realms_without_end_stop_after_max_rounds() {
        let mut k = Keyring::default();
        for i in 0..MAX_ROUNDS {
            let c = challenge(&format!(r#"Digest realm="r{i}", nonce="n""#), false);
            assert_eq!(k.take(&[c]), Ok(()));
        }
        let c = challenge(r#"Digest realm="one more", nonce="n""#, false);
        assert_eq!(k.take(&[c]), Err(Stop::TooManyRounds));
    }
}
