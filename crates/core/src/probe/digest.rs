//! SIP digest authentication: RFC 2617 hashing, RFC 7616 `-sess` and SHA-2, RFC 8760
//! algorithm tokens, hand-rolled on the RustCrypto `md-5` and `sha2` crates.
//!
//! The password goes only into a hasher (never into a `String`), and no error or
//! `Debug` output here can contain it. Values in a [`Challenge`] come from the peer:
//! pass them through [`crate::text::printable`] before showing them.

use crate::secret::Secret;
use crate::text::printable;
use md5::Md5;
use sha2::digest::Digest;
use sha2::{Sha256, Sha512_256};
use std::fmt::Write as _;

/// A digest algorithm this module can answer (RFC 7616 §3.3, RFC 8760 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
    /// FIPS 180-4 SHA-512/256 (its own initial values), as RFC 8760 and ezk-sip-auth
    /// use it. Beware: the RFC 7616 §3.9.2 example hashes are consistent with plain
    /// SHA-512 cut to 256 bits instead (Erratum 4897, still "Reported"), so that
    /// example is not a test vector for this.
    Sha512_256,
    Sha512_256Sess,
}

impl Algorithm {
    const ALL: [Algorithm; 6] = [
        Algorithm::Md5,
        Algorithm::Md5Sess,
        Algorithm::Sha256,
        Algorithm::Sha256Sess,
        Algorithm::Sha512_256,
        Algorithm::Sha512_256Sess,
    ];

    /// The algorithm named by `token`, compared case-insensitively; `None` when it is
    /// not one we support (for example `AKAv1-MD5`). An absent `algorithm` parameter
    /// means MD5; [`parse_challenge`] takes care of that.
    pub fn parse(token: &str) -> Option<Algorithm> {
        let token = token.trim();
        Self::ALL
            .into_iter()
            .find(|a| a.token().eq_ignore_ascii_case(token))
    }

    /// The token as registered by IANA: `MD5`, `SHA-256-sess`, `SHA-512-256`, …
    pub fn token(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
            Algorithm::Sha512_256 => "SHA-512-256",
            Algorithm::Sha512_256Sess => "SHA-512-256-sess",
        }
    }

    /// True for the `-sess` variants, whose HA1 also covers the nonce and cnonce.
    pub fn is_sess(self) -> bool {
        matches!(
            self,
            Algorithm::Md5Sess | Algorithm::Sha256Sess | Algorithm::Sha512_256Sess
        )
    }

    /// Lower-case hex of H(parts joined by `:`), fed part by part so that a password
    /// among the parts is never copied into a string.
    fn hash(self, parts: &[&[u8]]) -> String {
        fn run<D: Digest>(parts: &[&[u8]]) -> String {
            let mut d = D::new();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    d.update(b":");
                }
                d.update(p);
            }
            hex(&d.finalize())
        }
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => run::<Md5>(parts),
            Algorithm::Sha256 | Algorithm::Sha256Sess => run::<Sha256>(parts),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => run::<Sha512_256>(parts),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// One `WWW-Authenticate` or `Proxy-Authenticate` Digest challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    /// An algorithm we do not support (`AKAv1-MD5`, …) is the error. An absent
    /// parameter means MD5.
    pub algorithm: Result<Algorithm, UnsupportedAlgorithm>,
    /// The offered qop values (`auth`, `auth-int`, …) as sent; empty when none.
    pub qop: Vec<String>,
    pub stale: bool,
    /// True when the challenge came in `Proxy-Authenticate` (a 407), so the answer
    /// goes in `Proxy-Authorization`.
    pub proxy: bool,
}

/// An algorithm token telcreds cannot answer, as offered (made printable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnsupportedAlgorithm(pub String);

/// Why a challenge could not be read. Peer text in it is cut and made printable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    #[error("empty challenge")]
    Empty,
    #[error("not a Digest challenge: {0}")]
    NotDigest(String),
    #[error("unexpected text in challenge: {0}")]
    UnexpectedText(String),
    #[error("parameter {0} has no value")]
    NoValue(String),
    #[error("unexpected text after parameter {name}: {rest}")]
    TextAfter { name: String, rest: String },
    #[error("parameter {0} given twice")]
    GivenTwice(String),
    #[error("challenge has no realm")]
    NoRealm,
    #[error("challenge has no nonce")]
    NoNonce,
    #[error("unterminated quoted string in challenge")]
    Unterminated,
    #[error("control character in a challenge value")]
    ControlCharacter,
}

/// The quality of protection an answer claims (RFC 7616 §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qop {
    /// The request line only.
    Auth,
    /// The request line and the body; the probe's requests have none.
    AuthInt,
}

impl Qop {
    /// The token: `auth` or `auth-int`.
    pub fn token(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
        }
    }
}

impl Challenge {
    /// True when the challenge offers qop `auth` (compared case-insensitively).
    pub fn offers_auth(&self) -> bool {
        self.offers(Qop::Auth)
    }

    fn offers(&self, qop: Qop) -> bool {
        self.qop.iter().any(|q| q.eq_ignore_ascii_case(qop.token()))
    }

    /// The qop an answer uses: `auth` when offered, else `auth-int`; `None` when
    /// the challenge offers neither (or no qop at all).
    pub fn answer_qop(&self) -> Option<Qop> {
        [Qop::Auth, Qop::AuthInt]
            .into_iter()
            .find(|q| self.offers(*q))
    }

    /// True when [`authorization`] can answer this challenge: a supported algorithm,
    /// and `auth` or `auth-int` among the qops if any are offered.
    pub fn is_supported(&self) -> bool {
        self.algorithm.is_ok() && (self.qop.is_empty() || self.answer_qop().is_some())
    }

    /// What it offers, safe to print: `MD5`, `AKAv1-MD5`, `SHA-256 (qop x-new)`.
    pub fn offered(&self) -> String {
        let algorithm = match &self.algorithm {
            Ok(a) => a.token().to_string(),
            Err(t) => t.0.clone(),
        };
        if self.qop.is_empty() || self.answer_qop().is_some() {
            algorithm
        } else {
            format!("{algorithm} (qop {})", printable(&self.qop.join(", ")))
        }
    }

    /// The header this challenge is answered in.
    pub fn answer_header(&self) -> &'static str {
        if self.proxy {
            "Proxy-Authorization"
        } else {
            "Authorization"
        }
    }
}

/// Cuts peer text for an error message: printable and at most 40 characters.
fn excerpt(text: &str) -> String {
    crate::text::excerpt(text, 40)
}

/// Parses the value of a `WWW-Authenticate` (`proxy == false`) or
/// `Proxy-Authenticate` (`proxy == true`) header.
///
/// Accepts quoted strings with `\` escapes, unquoted tokens, any spacing (folded
/// lines included) and any case in parameter names; ignores unknown parameters and
/// stops at a second challenge in the same value. Errors on another scheme, a
/// missing realm or nonce, a repeated parameter, an unterminated quoted string or
/// a control character inside a value.
pub fn parse_challenge(header_value: &str, proxy: bool) -> Result<Challenge, ChallengeError> {
    let mut p = Cursor {
        s: header_value,
        i: 0,
    };
    p.skip_ws();
    let scheme = p.token();
    if scheme.is_empty() {
        return Err(ChallengeError::Empty);
    }
    if !scheme.eq_ignore_ascii_case("Digest") {
        return Err(ChallengeError::NotDigest(excerpt(scheme)));
    }
    if !p.at_end() && !p.skip_ws() {
        return Err(ChallengeError::NotDigest(excerpt(header_value)));
    }

    let mut realm = None;
    let mut nonce = None;
    let mut opaque = None;
    let mut algorithm = None;
    let mut qop = None;
    let mut stale = None;

    loop {
        // Empty list elements (",,") are allowed.
        p.skip_ws();
        while p.eat(',') {
            p.skip_ws();
        }
        if p.at_end() {
            break;
        }
        let name = p.token();
        if name.is_empty() {
            return Err(ChallengeError::UnexpectedText(excerpt(p.rest())));
        }
        p.skip_ws();
        if !p.eat('=') {
            // `Digest …, Basic realm=…`: a second challenge begins; ours ends here.
            break;
        }
        p.skip_ws();
        let value = if p.peek() == Some('"') {
            p.quoted()?
        } else {
            let v = p.bare();
            if v.is_empty() {
                return Err(ChallengeError::NoValue(excerpt(name)));
            }
            v.to_string()
        };
        p.skip_ws();
        if !p.at_end() && !p.eat(',') {
            return Err(ChallengeError::TextAfter {
                name: excerpt(name),
                rest: excerpt(p.rest()),
            });
        }
        let slot = match name.to_ascii_lowercase().as_str() {
            "realm" => &mut realm,
            "nonce" => &mut nonce,
            "opaque" => &mut opaque,
            "algorithm" => &mut algorithm,
            "qop" => &mut qop,
            "stale" => &mut stale,
            _ => continue,
        };
        if slot.is_some() {
            return Err(ChallengeError::GivenTwice(excerpt(name)));
        }
        *slot = Some(value);
    }

    let realm = realm.ok_or(ChallengeError::NoRealm)?;
    let nonce = nonce.ok_or(ChallengeError::NoNonce)?;
    let algorithm = match algorithm {
        None => Ok(Algorithm::Md5),
        Some(t) => Algorithm::parse(&t)
            .ok_or_else(|| UnsupportedAlgorithm(printable(t.trim()).into_owned())),
    };
    let qop = qop
        .map(|q| {
            q.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let stale = stale.is_some_and(|s| s.trim().eq_ignore_ascii_case("true"));
    Ok(Challenge {
        realm,
        nonce,
        opaque,
        algorithm,
        qop,
        stale,
        proxy,
    })
}

/// A byte cursor over a header value; every step stays on char boundaries.
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += c.len_utf8();
            true
        } else {
            false
        }
    }
    /// Skips spaces, tabs and line breaks (a folded header); true if any were skipped.
    fn skip_ws(&mut self) -> bool {
        let start = self.i;
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\r' | '\n') {
                self.i += 1;
            } else {
                break;
            }
        }
        self.i > start
    }
    /// An RFC 3261 token (may be empty).
    fn token(&mut self) -> &'a str {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || "-.!%*_+`'~".contains(c) {
                self.i += 1;
            } else {
                break;
            }
        }
        &self.s[start..self.i]
    }
    /// An unquoted value: a token, leniently extended to anything up to a comma,
    /// whitespace or quote (servers send unquoted base64 nonces with `/` and `=`).
    fn bare(&mut self) -> &'a str {
        let start = self.i;
        while let Some(c) = self.peek() {
            if matches!(c, ',' | '"' | ' ' | '\t' | '\r' | '\n') || c.is_control() {
                break;
            }
            self.i += c.len_utf8();
        }
        &self.s[start..self.i]
    }
    /// A quoted string starting at `"`, with `\` escapes removed.
    fn quoted(&mut self) -> Result<String, ChallengeError> {
        debug_assert_eq!(self.peek(), Some('"'));
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(ChallengeError::Unterminated);
            };
            self.i += c.len_utf8();
            let c = match c {
                '"' => return Ok(out),
                '\\' => match self.peek() {
                    Some(e) => {
                        self.i += e.len_utf8();
                        e
                    }
                    None => return Err(ChallengeError::Unterminated),
                },
                c => c,
            };
            // Line breaks and other controls have no place in a value; refusing them
            // here keeps them out of the Authorization header built from it.
            if c.is_control() && c != '\t' {
                return Err(ChallengeError::ControlCharacter);
            }
            out.push(c);
        }
    }
}

/// The topmost challenge we can answer: a supported algorithm and, when qops are
/// offered, `auth` or `auth-int` among them (RFC 8760 §2.4: take the first one supported).
pub fn pick(challenges: &[Challenge]) -> Option<&Challenge> {
    challenges.iter().find(|c| c.is_supported())
}

/// A fresh client nonce: 16 random bytes as 32 hex digits.
pub fn new_cnonce() -> String {
    hex(&rand::random::<[u8; 16]>())
}

/// `"value"` with `\` and `"` escaped. Control characters are dropped so that nothing
/// can end the header early (such a value would not hash to what the server expects,
/// so the attempt fails instead of injecting a header).
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The value of the `Authorization` (or, for a proxy challenge,
/// `Proxy-Authorization`) header answering `ch` for a request `method` to `uri`
/// (which must be the Request-URI), with nonce count `nc`.
///
/// With qop offered, answers `qop=auth` (else `auth-int`, whose HA2 covers H of
/// the empty body) with `cnonce` and `nc` (8 hex digits); without, answers RFC 2069
/// style. `-sess` algorithms use the RFC 7616 HA1. Meant for a challenge from
/// [`pick`]: an unsupported algorithm is answered as MD5 and a qop list with
/// neither as if it offered `auth`, which the server will refuse.
pub fn authorization(
    ch: &Challenge,
    method: &str,
    uri: &str,
    user: &str,
    password: &Secret,
    cnonce: &str,
    nc: u32,
) -> String {
    let alg = ch.algorithm.as_ref().copied().unwrap_or(Algorithm::Md5);
    let qop = (!ch.qop.is_empty()).then(|| ch.answer_qop().unwrap_or(Qop::Auth));
    let nc_hex = format!("{nc:08x}");

    let mut ha1 = alg.hash(&[
        user.as_bytes(),
        ch.realm.as_bytes(),
        password.expose().as_bytes(),
    ]);
    if alg.is_sess() {
        ha1 = alg.hash(&[ha1.as_bytes(), ch.nonce.as_bytes(), cnonce.as_bytes()]);
    }
    let ha2 = match qop {
        // H(entity-body) of the probe's empty body is H("").
        Some(Qop::AuthInt) => {
            alg.hash(&[method.as_bytes(), uri.as_bytes(), alg.hash(&[]).as_bytes()])
        }
        _ => alg.hash(&[method.as_bytes(), uri.as_bytes()]),
    };
    let response = match qop {
        Some(q) => alg.hash(&[
            ha1.as_bytes(),
            ch.nonce.as_bytes(),
            nc_hex.as_bytes(),
            cnonce.as_bytes(),
            q.token().as_bytes(),
            ha2.as_bytes(),
        ]),
        None => alg.hash(&[ha1.as_bytes(), ch.nonce.as_bytes(), ha2.as_bytes()]),
    };

    let mut out = format!(
        "Digest username={}, realm={}, nonce={}, uri={}, response=\"{response}\", algorithm={}",
        quote(user),
        quote(&ch.realm),
        quote(&ch.nonce),
        quote(uri),
        alg.token(),
    );
    if qop.is_some() || alg.is_sess() {
        let _ = write!(out, ", cnonce={}", quote(cnonce));
    }
    if let Some(q) = qop {
        let _ = write!(out, ", qop={}, nc={nc_hex}", q.token());
    }
    if let Some(o) = &ch.opaque {
        let _ = write!(out, ", opaque={}", quote(o));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The `response="…"` parameter of an Authorization value.
    fn response_of(auth: &str) -> &str {
        let start = auth.find("response=\"").unwrap() + "response=\"".len();
        let len = auth[start..].find('"').unwrap();
        &auth[start..start + len]
    }

    fn challenge(realm: &str, nonce: &str, alg: Algorithm, qop: &[&str]) -> Challenge {
        Challenge {
            realm: realm.into(),
            nonce: nonce.into(),
            opaque: None,
            algorithm: Ok(alg),
            qop: qop.iter().map(|s| s.to_string()).collect(),
            stale: false,
            proxy: false,
        }
    }

    #[test]
    fn rfc2617_section_3_5_vector() {
        let ch = parse_challenge(
            r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
            false,
        )
        .unwrap();
        let pw = Secret::new("Circle Of Life");
        let a = authorization(&ch, "GET", "/dir/index.html", "Mufasa", &pw, "0a4f113b", 1);
        assert_eq!(response_of(&a), "6629fae49393a05397450978507c4ef1");
        assert_eq!(
            a,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", \
             response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, \
             cnonce=\"0a4f113b\", qop=auth, nc=00000001, \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        );
    }

    const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    fn rfc7616_challenge(alg: &str) -> Challenge {
        parse_challenge(
            &format!(
                "Digest\r\n    realm=\"http-auth@example.org\",\r\n    qop=\"auth, auth-int\",\r\n    \
                 algorithm={alg},\r\n    nonce=\"{RFC7616_NONCE}\",\r\n    \
                 opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
            ),
            false,
        )
        .unwrap()
    }

    #[test]
    fn rfc7616_section_3_9_1_vectors() {
        let pw = Secret::new("Circle of Life");
        let md5 = rfc7616_challenge("MD5");
        assert_eq!(md5.qop, ["auth", "auth-int"]);
        let a = authorization(
            &md5,
            "GET",
            "/dir/index.html",
            "Mufasa",
            &pw,
            RFC7616_CNONCE,
            1,
        );
        assert_eq!(response_of(&a), "8ca523f5e9506fed4657c9700eebdbec");

        let sha = rfc7616_challenge("SHA-256");
        assert_eq!(sha.algorithm, Ok(Algorithm::Sha256));
        let a = authorization(
            &sha,
            "GET",
            "/dir/index.html",
            "Mufasa",
            &pw,
            RFC7616_CNONCE,
            1,
        );
        assert_eq!(
            response_of(&a),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        assert!(a.contains("algorithm=SHA-256, cnonce="), "{a}");
        assert!(a.ends_with("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""));
    }

    #[test]
    fn auth_int_only_is_answered_with_the_hash_of_the_empty_body() {
        // RFC 2617 §3.5's values with qop=auth-int and no body; computed by hand
        // (Python hashlib): HA2 = MD5("GET:/dir/index.html:" MD5("")).
        let ch = parse_challenge(
            r#"Digest realm="testrealm@host.com", qop="auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093""#,
            false,
        )
        .unwrap();
        assert!(ch.is_supported());
        let pw = Secret::new("Circle Of Life");
        let a = authorization(&ch, "GET", "/dir/index.html", "Mufasa", &pw, "0a4f113b", 1);
        assert_eq!(response_of(&a), "5e6610ecf9ba3017a4870ad48e3ad30b");
        assert!(
            a.ends_with("cnonce=\"0a4f113b\", qop=auth-int, nc=00000001"),
            "{a}"
        );

        // SHA-256, nc 2, and the chain spelled out with this module's primitives.
        let ch = challenge("sip.test", "n0nce", Algorithm::Sha256, &["auth-int"]);
        let a = authorization(
            &ch,
            "REGISTER",
            "sip:sip.test",
            "alice",
            &Secret::new("s3cret"),
            "c0",
            2,
        );
        let ha1 = sha256h("alice:sip.test:s3cret");
        let ha2 = sha256h(&format!("REGISTER:sip:sip.test:{}", sha256h("")));
        let want = sha256h(&format!("{ha1}:n0nce:00000002:c0:auth-int:{ha2}"));
        assert_eq!(
            want,
            "5b3e2a953de026d064034221d4b9aaa084d10b567f3c9ad9ed31ffb57ec2f084"
        );
        assert_eq!(response_of(&a), want);
    }

    #[test]
    fn auth_is_preferred_when_both_qops_are_offered() {
        let ch = challenge("r", "n", Algorithm::Md5, &["auth-int", "auth"]);
        let a = authorization(&ch, "REGISTER", "sip:r", "u", &Secret::new("p"), "c", 1);
        assert!(a.contains("qop=auth, nc="), "{a}");
    }

    #[test]
    fn sha512_256_primitive_matches_fips_180_4() {
        // FIPS 180-4 example (NIST CSRC "SHA512_256.pdf"): SHA-512/256("abc").
        assert_eq!(
            Algorithm::Sha512_256.hash(&[b"abc"]),
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"
        );
        // And it is truncated SHA-512 with its own IVs, not SHA-512 cut short.
        let full = hex(&sha2::Sha512::digest(b"abc"));
        assert_ne!(&full[..64], Algorithm::Sha512_256.hash(&[b"abc"]));
    }

    #[test]
    fn sha512_256_response_is_the_rfc_chain() {
        let pw = Secret::new("s3cret");
        let ch = challenge("sip.test", "abc123", Algorithm::Sha512_256, &["auth"]);
        let a = authorization(&ch, "REGISTER", "sip:sip.test", "alice", &pw, "0011", 2);
        let ha1 = sha512_256h("alice:sip.test:s3cret");
        let ha2 = sha512_256h("REGISTER:sip:sip.test");
        let want = sha512_256h(&format!("{ha1}:abc123:00000002:0011:auth:{ha2}"));
        assert_eq!(response_of(&a), want);
        assert!(a.contains("algorithm=SHA-512-256, cnonce=\"0011\", qop=auth, nc=00000002"));
    }

    fn md5h(s: &str) -> String {
        hex(&Md5::digest(s.as_bytes()))
    }
    fn sha256h(s: &str) -> String {
        hex(&Sha256::digest(s.as_bytes()))
    }
    fn sha512_256h(s: &str) -> String {
        hex(&Sha512_256::digest(s.as_bytes()))
    }

    #[test]
    fn sess_variants_hash_nonce_and_cnonce_into_ha1() {
        let pw = Secret::new("s3cret");
        type Hasher = fn(&str) -> String;
        let cases: [(Algorithm, Hasher); 3] = [
            (Algorithm::Md5Sess, md5h),
            (Algorithm::Sha256Sess, sha256h),
            (Algorithm::Sha512_256Sess, sha512_256h),
        ];
        for (alg, h) in cases {
            let ch = challenge("sip.test", "n0nce", alg, &["auth"]);
            let a = authorization(&ch, "REGISTER", "sip:sip.test", "alice", &pw, "c0", 1);
            let ha1 = h(&format!("{}:n0nce:c0", h("alice:sip.test:s3cret")));
            let ha2 = h("REGISTER:sip:sip.test");
            let want = h(&format!("{ha1}:n0nce:00000001:c0:auth:{ha2}"));
            assert_eq!(response_of(&a), want, "{alg:?}");
            assert!(a.contains(&format!("algorithm={}, cnonce=\"c0\"", alg.token())));
        }
        // Without qop a -sess answer still carries the cnonce its HA1 used.
        let ch = challenge("sip.test", "n0nce", Algorithm::Md5Sess, &[]);
        let a = authorization(&ch, "REGISTER", "sip:sip.test", "alice", &pw, "c0", 1);
        let ha1 = md5h(&format!("{}:n0nce:c0", md5h("alice:sip.test:s3cret")));
        let want = md5h(&format!("{ha1}:n0nce:{}", md5h("REGISTER:sip:sip.test")));
        assert_eq!(response_of(&a), want);
        assert!(a.contains("cnonce=\"c0\"") && !a.contains("qop") && !a.contains("nc="));
    }

    #[test]
    fn without_qop_answers_rfc2069_style() {
        let pw = Secret::new("s3cret");
        let ch = parse_challenge(r#"Digest realm="sip.test", nonce="xyz""#, false).unwrap();
        assert!(ch.qop.is_empty());
        assert_eq!(ch.algorithm, Ok(Algorithm::Md5));
        let a = authorization(&ch, "REGISTER", "sip:sip.test", "alice", &pw, "c0", 1);
        let want = md5h(&format!(
            "{}:xyz:{}",
            md5h("alice:sip.test:s3cret"),
            md5h("REGISTER:sip:sip.test")
        ));
        assert_eq!(response_of(&a), want);
        assert!(!a.contains("qop") && !a.contains("nc=") && !a.contains("cnonce"));
        assert!(!a.contains("opaque"));
    }

    #[test]
    fn nc_is_eight_hex_digits() {
        let pw = Secret::new("x");
        let ch = challenge("r", "n", Algorithm::Md5, &["auth"]);
        let a = authorization(&ch, "REGISTER", "sip:r", "u", &pw, "c", 0x1a);
        assert!(a.contains("nc=0000001a"), "{a}");
    }

    #[test]
    fn the_password_never_shows() {
        let pw = Secret::new("CANARY-pass-9876");
        for alg in Algorithm::ALL {
            let ch = challenge("sip.test", "n", alg, &["auth"]);
            let a = authorization(&ch, "REGISTER", "sip:r", "u", &pw, "c", 1);
            assert!(!a.contains("CANARY"), "{a}");
        }
    }

    #[test]
    fn quoting_escapes_and_drops_controls() {
        let pw = Secret::new("x");
        let ch = challenge("r\"e\\alm", "n", Algorithm::Md5, &[]);
        let a = authorization(&ch, "REGISTER", "sip:r", "bad\r\nVia: x", &pw, "c", 1);
        assert!(a.contains(r#"realm="r\"e\\alm""#), "{a}");
        assert!(a.contains(r#"username="badVia: x""#), "{a}");
        assert!(!a.contains('\r') && !a.contains('\n'));
    }

    #[test]
    fn algorithm_tokens() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::parse(a.token()), Some(a));
            assert_eq!(Algorithm::parse(&a.token().to_lowercase()), Some(a));
        }
        assert_eq!(
            Algorithm::parse("sha-512-256-SESS"),
            Some(Algorithm::Sha512_256Sess)
        );
        assert_eq!(Algorithm::parse("SHA256"), None);
        assert_eq!(Algorithm::parse("SHA-512"), None);
        assert_eq!(Algorithm::parse("AKAv1-MD5"), None);
        assert_eq!(Algorithm::parse(""), None);
    }

    #[test]
    fn parses_quoted_escaped_and_odd_spacing() {
        let ch = parse_challenge(
            "  digest   REALM = \"a \\\"quoted\\\" realm\\\\\" ,nonce=abc.def-1,\t\r\n \
             Stale=TRUE , qop=auth , algorithm = \"sha-256\", opaque=\"\", unknown=\"x,y\", x=1",
            true,
        )
        .unwrap();
        assert_eq!(ch.realm, "a \"quoted\" realm\\");
        let b64 = parse_challenge("Digest realm=r,nonce=YWJj/+d==,qop=auth", false).unwrap();
        assert_eq!(b64.nonce, "YWJj/+d==");
        assert_eq!(ch.nonce, "abc.def-1");
        assert!(ch.stale);
        assert_eq!(ch.qop, ["auth"]);
        assert_eq!(ch.algorithm, Ok(Algorithm::Sha256));
        assert_eq!(ch.opaque.as_deref(), Some(""));
        assert!(ch.proxy);
        assert_eq!(ch.answer_header(), "Proxy-Authorization");
    }

    #[test]
    fn stale_false_and_missing() {
        let f = parse_challenge(r#"Digest realm="r",nonce="n",stale=false"#, false).unwrap();
        assert!(!f.stale);
        let m = parse_challenge(r#"Digest realm="r",nonce="n""#, false).unwrap();
        assert!(!m.stale && m.opaque.is_none());
        assert_eq!(m.answer_header(), "Authorization");
    }

    #[test]
    fn unknown_algorithm_is_kept_as_err() {
        let ch = parse_challenge(
            r#"Digest realm="ims.test", nonce="bm9uY2U=", algorithm=AKAv1-MD5, qop="auth""#,
            false,
        )
        .unwrap();
        assert_eq!(
            ch.algorithm,
            Err(UnsupportedAlgorithm("AKAv1-MD5".to_string()))
        );
        assert!(!ch.is_supported());
        let evil = parse_challenge("Digest realm=r, nonce=n, algorithm=\"X\u{1b}[2J\"", false);
        assert!(evil.is_err(), "control characters in a value are refused");
    }

    #[test]
    fn qop_lists() {
        let both = parse_challenge(
            r#"Digest realm="r", nonce="n", qop="auth-int, AUTH""#,
            false,
        )
        .unwrap();
        assert_eq!(both.qop, ["auth-int", "AUTH"]);
        assert!(both.offers_auth() && both.is_supported());
        let int_only =
            parse_challenge(r#"Digest realm="r", nonce="n", qop="auth-int""#, false).unwrap();
        assert!(int_only.is_supported());
        assert_eq!(int_only.offered(), "MD5");
        let unknown =
            parse_challenge(r#"Digest realm="r", nonce="n", qop="x-new""#, false).unwrap();
        assert!(!unknown.is_supported());
        assert_eq!(unknown.offered(), "MD5 (qop x-new)");
        let empty = parse_challenge(r#"Digest realm="r", nonce="n", qop="""#, false).unwrap();
        assert!(empty.qop.is_empty());
    }

    #[test]
    fn errors() {
        let e = |s: &str| parse_challenge(s, false).unwrap_err().to_string();
        for (value, message) in [
            (r#"Basic realm="r""#, "not a Digest challenge: Basic"),
            (r#"Digestrealm="r""#, "not a Digest challenge: Digestrealm"),
            ("", "empty challenge"),
            (r#"Digest nonce="n""#, "challenge has no realm"),
            (r#"Digest realm="r""#, "challenge has no nonce"),
            (
                r#"Digest realm="r, nonce=n"#,
                "unterminated quoted string in challenge",
            ),
            (
                r#"Digest realm="r\"#,
                "unterminated quoted string in challenge",
            ),
            (
                r#"Digest realm="r" nonce="n""#,
                r#"unexpected text after parameter realm: nonce="n""#,
            ),
            (
                r#"Digest realm="r", realm="s", nonce="n""#,
                "parameter realm given twice",
            ),
            (
                r#"Digest realm=, nonce="n""#,
                "parameter realm has no value",
            ),
            (
                r#"Digest realm="r", nonce="n", ="x""#,
                r#"unexpected text in challenge: ="x""#,
            ),
            (
                "Digest realm=\"a\u{7}\", nonce=n",
                "control character in a challenge value",
            ),
        ] {
            assert_eq!(e(value), message, "{value:?}");
        }
    }

    #[test]
    fn a_second_challenge_in_the_same_value_ends_ours() {
        let ch = parse_challenge(r#"Digest realm="r", nonce="n", Basic realm="b""#, false).unwrap();
        assert_eq!((ch.realm.as_str(), ch.nonce.as_str()), ("r", "n"));
    }

    #[test]
    fn pick_takes_the_topmost_supported() {
        let mut aka = challenge("a", "n", Algorithm::Md5, &["auth"]);
        aka.algorithm = Err(UnsupportedAlgorithm("AKAv1-MD5".into()));
        let unknown_qop = challenge("b", "n", Algorithm::Sha256, &["x-new"]);
        let sha = challenge("c", "n", Algorithm::Sha256, &["auth"]);
        let md5 = challenge("d", "n", Algorithm::Md5, &[]);
        let list = [aka.clone(), unknown_qop.clone(), sha, md5];
        assert_eq!(pick(&list).unwrap().realm, "c");
        assert_eq!(pick(&list[3..]).unwrap().realm, "d");
        assert!(pick(&[aka, unknown_qop]).is_none());
        assert!(pick(&[]).is_none());
    }

    #[test]
    fn cnonces_differ() {
        let (a, b) = (new_cnonce(), new_cnonce());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    proptest! {
        #[test]
        fn parse_challenge_never_panics(s in ".{0,200}", proxy: bool) {
            let _ = parse_challenge(&s, proxy);
        }

        #[test]
        fn parse_challenge_never_panics_on_near_misses(
            s in "(Digest|digest|Basic)?[ ,=\"\\\\a-z\t\r\n\u{e9}]{0,80}(realm|nonce|qop|stale|algorithm)?[ ,=\"\\\\a-z]{0,40}",
        ) {
            if let Ok(ch) = parse_challenge(&s, false) {
                let a = authorization(&ch, "REGISTER", "sip:x", "u", &Secret::new("p"), "c", 1);
                prop_assert!(!a.contains('\r') && !a.contains('\n'));
            }
        }
    }
}
