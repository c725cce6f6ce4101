//! The SIP transport: the three telcreds speaks ([`Transport`]), and a credential's
//! field as the platform states it, which may name one telcreds does not know
//! ([`TransportField`]).

use super::validate::Invalid;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// How SIP travels: what the form and the command line offer, and the probe speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Transport {
    /// UDP (the default).
    #[default]
    Udp,
    /// TCP.
    Tcp,
    /// TLS (SIPS).
    Tls,
}

impl Transport {
    /// Every transport, in the form's order.
    pub const KNOWN: &'static [Transport] = &[Transport::Udp, Transport::Tcp, Transport::Tls];

    /// The platform's spelling: `udp`, `tcp` or `tls`.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
        }
    }

    /// The transport `text` names, in any case.
    pub fn parse(text: &str) -> Option<Transport> {
        Self::KNOWN
            .iter()
            .copied()
            .find(|t| text.eq_ignore_ascii_case(t.as_str()))
    }

    /// Parses user input (trimmed), listing the valid ones otherwise.
    pub fn parse_known(text: &str) -> Result<Transport, Invalid> {
        Transport::parse(text.trim()).ok_or_else(not_known)
    }
}

/// Why a transport is refused: it is not one of [`Transport::KNOWN`].
fn not_known() -> Invalid {
    let names: Vec<&str> = Transport::KNOWN.iter().map(|t| t.as_str()).collect();
    format!("must be one of {}", names.join(", ")).into()
}

/// A credential's transport as the platform states it: one telcreds knows, or a
/// value it does not, kept as sent, so one new server value never breaks a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TransportField {
    /// One of the three telcreds speaks.
    Known(Transport),
    /// A value this version of telcreds does not know, kept as sent.
    Unknown(Box<str>),
}

// Every SIP credential holds one.
const _: () = assert!(std::mem::size_of::<TransportField>() == 16);

impl TransportField {
    /// Parses a platform value (in any case); unknown text is kept, never an error.
    pub fn parse(text: &str) -> TransportField {
        Transport::parse(text).map_or_else(|| TransportField::Unknown(text.into()), Into::into)
    }

    /// The platform's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            TransportField::Known(t) => t.as_str(),
            TransportField::Unknown(t) => t,
        }
    }

    /// The transport, when telcreds knows it: where a platform's value is narrowed.
    pub fn known(&self) -> Option<Transport> {
        match self {
            TransportField::Known(t) => Some(*t),
            TransportField::Unknown(_) => None,
        }
    }

    /// Checks that telcreds knows it (a platform refuses any other).
    pub fn check(&self) -> Result<Transport, Invalid> {
        self.known().ok_or_else(not_known)
    }
}

impl Default for TransportField {
    fn default() -> Self {
        Transport::default().into()
    }
}

impl From<Transport> for TransportField {
    fn from(t: Transport) -> Self {
        TransportField::Known(t)
    }
}

impl fmt::Display for TransportField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportField::Known(t) => f.write_str(t.as_str()),
            TransportField::Unknown(t) => write!(f, "unknown({t})"),
        }
    }
}

impl Serialize for TransportField {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TransportField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_kept() {
        let t: TransportField = serde_json::from_str("\"sctp\"").unwrap();
        assert_eq!(t, TransportField::Unknown("sctp".into()));
        assert_eq!(t.to_string(), "unknown(sctp)");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"sctp\"");
        assert_eq!(t.known(), None);
        assert_eq!(TransportField::parse("TLS"), Transport::Tls.into());
        let tls: TransportField = serde_json::from_str("\"Tls\"").unwrap();
        assert_eq!(
            (tls.to_string(), tls.known()),
            ("tls".into(), Some(Transport::Tls))
        );
        assert_eq!(serde_json::to_string(&tls).unwrap(), "\"tls\"");
    }

    #[test]
    fn parse_known_lists_choices() {
        assert_eq!(
            Transport::parse_known("smtp").unwrap_err(),
            "must be one of udp, tcp, tls"
        );
        assert_eq!(Transport::parse_known(" TCP "), Ok(Transport::Tcp));
        assert_eq!(
            TransportField::parse("smtp").check().unwrap_err(),
            "must be one of udp, tcp, tls"
        );
    }
}
