//! Scrubs secret-looking values from text taken out of a response body, before it
//! goes into an error message. Works on broken JSON too (that is when it is needed).

use crate::secret::REDACTED;

/// Key fragments whose string values are secrets.
const SENSITIVE_KEYS: &[&str] = &["password", "token", "secret", "api_key", "apikey"];

pub(super) fn is_sensitive(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SENSITIVE_KEYS.iter().any(|s| k.contains(s))
}

/// Replaces the value after every `"<sensitive key>":` with `[redacted]`.
pub fn redact_json_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '"' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A quoted string: read it whole.
        let (string, end) = read_string(&chars, i);
        out.push_str(&string);
        i = end;
        let key = string.trim_matches('"');
        // Is it a key followed by a colon?
        let mut j = i;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        if j < chars.len() && chars[j] == ':' && is_sensitive(key) {
            out.extend(&chars[i..=j]);
            j += 1;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            // Skip the value: a string, or a scalar up to the next delimiter.
            let end = if j < chars.len() && chars[j] == '"' {
                read_string(&chars, j).1
            } else {
                let mut k = j;
                while k < chars.len() && !matches!(chars[k], ',' | '}' | ']') {
                    k += 1;
                }
                k
            };
            if end > j {
                out.push('"');
                out.push_str(REDACTED);
                out.push('"');
            }
            i = end;
        }
    }
    out
}

/// Reads a JSON string starting at the opening quote; returns it and the index after
/// it (the end of the text if it is never closed).
fn read_string(chars: &[char], start: usize) -> (String, usize) {
    let mut s = String::from('"');
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        s.push(c);
        i += 1;
        if c == '\\' && i < chars.len() {
            s.push(chars[i]);
            i += 1;
        } else if c == '"' {
            break;
        }
    }
    (s, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn redacts_values_of_sensitive_keys() {
        let t = r#"{"server":"a","authPassword":"hunter2","auth_token": "abc", "n": {"apiSecret": 12}}"#;
        let r = redact_json_text(t);
        assert!(!r.contains("hunter2") && !r.contains("abc\"") && !r.contains("12"));
        assert!(r.contains(r#""server":"a""#));
    }

    #[test]
    fn redacts_unterminated_values() {
        let r = redact_json_text(r#"{"authPassword":"hunter2 and mor"#);
        assert!(!r.contains("hunter2"));
    }

    proptest! {
        #[test]
        fn never_panics_and_hides_planted_secret(prefix in ".{0,40}", secret in "[a-z0-9]{8,20}") {
            let text = format!("{prefix}{{\"authToken\":\"{secret}\"}}");
            let _ = redact_json_text(&prefix);
            let r = redact_json_text(&text);
            // The planted value is gone unless the prefix opened a string that swallowed the key.
            if !prefix.contains('"') && !prefix.contains('\\') {
                prop_assert!(!r.contains(&secret));
            }
        }
    }
}
