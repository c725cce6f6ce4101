//! Strong SIP passwords: random alphanumerics from the OS-seeded generator.

use crate::secret::Secret;
use rand::Rng;
use rand::distr::Alphanumeric;

/// Length of generated passwords: 32 alphanumerics, about 190 bits.
pub const GENERATED_LENGTH: usize = 32;

/// Generates a password that every SIP stack accepts (letters and digits only).
pub fn generate() -> Secret {
    let value: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(GENERATED_LENGTH)
        .map(char::from)
        .collect();
    Secret::new(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_distinct_and_valid() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.char_len(), GENERATED_LENGTH);
        assert_ne!(a, b);
        assert!(a.expose().chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(crate::domain::validate::sip_password(&Some(a)).is_ok());
    }
}
