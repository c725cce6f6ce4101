//! Enumerations that arrive from platforms. Every one keeps values it does not know
//! as `Unknown(text)`, so one new server value never breaks a whole list.

use super::tone::Tone;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Defines a string enum with known variants and an `Unknown(Box<str>)` fallback
/// (16 bytes: every SIP credential holds one of these enums),
/// parsed case-insensitively and printed in the platform's own spelling.
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version of telcreds does not know, kept as sent.
            Unknown(Box<str>),
        }

        impl $name {
            /// Every known variant, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// Parses a platform value; unknown text is kept, never an error.
            pub fn parse(text: &str) -> Self {
                $(if text.eq_ignore_ascii_case($text) { return $name::$variant; })+
                $name::Unknown(text.into())
            }

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(t) => t,
                }
            }

            /// Parses only known values (for user input), listing the valid ones otherwise.
            pub fn parse_known(text: &str) -> Result<Self, super::validate::Invalid> {
                match Self::parse(text.trim()) {
                    $name::Unknown(_) => Err(format!(
                        "must be one of {}",
                        [$($text),+].join(", ")
                    ).into()),
                    v => Ok(v),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $name::Unknown(t) => write!(f, "unknown({t})"),
                    v => f.write_str(v.as_str()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::parse(&String::deserialize(d)?))
            }
        }
    };
}

open_enum! {
    /// The platform a profile talks to.
    Platform {
        /// Dasha BlackBox.
        Dasha => "dasha",
        /// Unpod.
        Unpod => "unpod",
    }
}

open_enum! {
    /// Who created a SIP credential: a user, or a provider integration (read-only).
    SipSource {
        /// Created by a user; editable.
        Manual => "manual",
        /// Created by a provider integration; read-only.
        Provider => "provider",
    }
}

open_enum! {
    /// Overall verification state of a provider.
    VerificationStatus {
        /// Not verified yet, or verification is running.
        Pending => "pending",
        /// Every check passed.
        Verified => "verified",
        /// Works, but a check warned.
        Warning => "warning",
        /// A check failed.
        Failed => "failed",
        /// The platform has no verification (Unpod).
        NotVerifiable => "not-verifiable",
    }
}

open_enum! {
    /// Result of one verification check.
    CheckStatus {
        /// The check passed.
        Passed => "passed",
        /// The check passed with a warning.
        Warning => "warning",
        /// The check failed.
        Failed => "failed",
        /// The check has not run yet.
        Pending => "pending",
        /// The check was not run.
        Skipped => "skipped",
    }
}

impl VerificationStatus {
    /// Sort rank, worst first: failed, warning, pending, unknown, verified, not verifiable.
    pub fn severity_rank(&self) -> u8 {
        match self {
            VerificationStatus::Failed => 0,
            VerificationStatus::Warning => 1,
            VerificationStatus::Pending => 2,
            VerificationStatus::Unknown(_) => 3,
            VerificationStatus::Verified => 4,
            VerificationStatus::NotVerifiable => 5,
        }
    }

    /// How it reads at a glance.
    pub fn tone(&self) -> Tone {
        match self {
            VerificationStatus::Verified => Tone::Ok,
            VerificationStatus::Warning => Tone::Warn,
            VerificationStatus::Failed => Tone::Error,
            VerificationStatus::Pending => Tone::Pending,
            VerificationStatus::NotVerifiable => Tone::Muted,
            VerificationStatus::Unknown(_) => Tone::Unknown,
        }
    }

    /// A one-character symbol for tables.
    pub fn symbol(&self) -> &'static str {
        self.tone().symbol()
    }
}

impl CheckStatus {
    /// How it reads at a glance.
    pub fn tone(&self) -> Tone {
        match self {
            CheckStatus::Passed => Tone::Ok,
            CheckStatus::Warning => Tone::Warn,
            CheckStatus::Failed => Tone::Error,
            CheckStatus::Pending => Tone::Pending,
            CheckStatus::Skipped => Tone::Muted,
            CheckStatus::Unknown(_) => Tone::Unknown,
        }
    }

    /// A one-character symbol for check lists.
    pub fn symbol(&self) -> &'static str {
        self.tone().symbol()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_kept() {
        let s: SipSource = serde_json::from_str("\"imported\"").unwrap();
        assert_eq!(s, SipSource::Unknown("imported".into()));
        assert_eq!(s.to_string(), "unknown(imported)");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"imported\"");
        assert_eq!(SipSource::parse("MANUAL"), SipSource::Manual);
    }

    #[test]
    fn parse_known_lists_choices() {
        assert_eq!(
            Platform::parse_known("vapi").unwrap_err(),
            "must be one of dasha, unpod"
        );
    }
}
