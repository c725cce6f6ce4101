//! "Did you mean …?" for misspelt keys.

/// The known word closest to `word`, if it is at most two edits away.
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .filter_map(|k| Some((near(word, k)?, *k)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Up to `max` known words at most two edits from `word`, closest first (ties in
/// the order given).
pub(crate) fn close_matches<'a>(word: &str, known: &'a [String], max: usize) -> Vec<&'a str> {
    let mut close: Vec<(usize, usize, &str)> = known
        .iter()
        .enumerate()
        .filter_map(|(i, k)| Some((near(word, k)?, i, k.as_str())))
        .collect();
    close.sort_unstable();
    close.into_iter().take(max).map(|(_, _, k)| k).collect()
}

/// Most profile names an error lists in full; a bigger config gets close matches
/// and the count.
const LIST_ALL_UP_TO: usize = 5;

/// Why `name` is not a profile: the names when there are a few, else at most three
/// close ones and how many there are.
pub(crate) fn unknown_profile(name: &str, known: &[String]) -> String {
    if known.is_empty() {
        return format!("no profile named \"{name}\": the config has no profiles");
    }
    if known.len() <= LIST_ALL_UP_TO {
        return format!(
            "no profile named \"{name}\"; known profiles: {}",
            known.join(", ")
        );
    }
    let near: Vec<String> = close_matches(name, known, 3)
        .iter()
        .map(|k| format!("\"{k}\""))
        .collect();
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", near.join(", "))
    };
    format!(
        "no profile named \"{name}\"{hint} ({} profiles: see `telcreds profiles list`)",
        known.len()
    )
}

/// Most edits between a word and a suggestion.
const NEAR: usize = 2;

/// The edit distance from `word` to the known word `known` when it is at most
/// [`NEAR`]. A word whose length differs by more is not compared, and not even
/// counted past that: a huge typo costs no more than a short one.
fn near(word: &str, known: &str) -> Option<usize> {
    let known_len = known.chars().count();
    let word_len = word.chars().take(known_len + NEAR + 1).count();
    if word_len.abs_diff(known_len) > NEAR {
        return None;
    }
    // strsim's Levenshtein counts characters, not bytes.
    Some(strsim::levenshtein(word, known)).filter(|d| *d <= NEAR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_characters_and_stop_at_two() {
        assert_eq!(near("tokn", "token"), Some(1));
        assert_eq!(near("é", "e"), Some(1), "a character, not two bytes");
        assert_eq!(near("kitten", "sitting"), None, "three edits");
        assert_eq!(near(&"x".repeat(1_000_000), "token"), None);
    }

    #[test]
    fn suggests_only_close_words() {
        let known = ["token", "token_env", "platform"];
        assert_eq!(closest("tokn", &known), Some("token"));
        assert_eq!(closest("token-env", &known), Some("token_env"));
        assert_eq!(closest("plat", &known), None);
        assert_eq!(closest("zzzzzz", &known), None);
    }
}
