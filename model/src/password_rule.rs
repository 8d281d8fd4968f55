//! The one rule for a password anyone sets (the owner at setup, an invited person, a
//! generated one): the contract's — at least 8 characters, with an upper-case letter, a
//! digit and a special character (anything that is not a letter or digit, spaces too).
//! The server refuses with these words; the pages say them while the person types.

/// At least this many characters (counted as characters, not bytes).
pub const MIN_LEN: usize = 8;

/// What the password still lacks, in the order people read a rule; empty when it is good.
pub fn password_lacks(password: &str) -> Vec<&'static str> {
    let mut lacks = Vec::new();
    if password.chars().count() < MIN_LEN {
        lacks.push("at least 8 characters");
    }
    if !password.chars().any(char::is_uppercase) {
        lacks.push("an upper-case letter");
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        lacks.push("a digit");
    }
    if !password.chars().any(|c| !c.is_alphanumeric()) {
        lacks.push("a special character");
    }
    lacks
}

/// The refusal for a password that breaks the rule, or `None`.
pub fn password_problem(password: &str) -> Option<String> {
    let lacks = password_lacks(password);
    (!lacks.is_empty()).then(|| format!("the password needs {}", join_words(&lacks)))
}

/// The rule in one sentence, for a field's hint.
pub const RULE: &str =
    "At least 8 characters, with an upper-case letter, a digit and a special character.";

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contracts_rule_with_what_is_missing_in_words() {
        assert_eq!(password_problem("SecurePass123!"), None);
        // A space is a special character, and characters are counted, not bytes.
        assert_eq!(password_problem("Pass word1"), None);
        assert_eq!(password_problem("Äöü1!xyz"), None);
        assert_eq!(
            password_problem("short"),
            Some("the password needs at least 8 characters, an upper-case letter, a digit and a special character".into())
        );
        assert_eq!(
            password_problem("correct horse battery"),
            Some("the password needs an upper-case letter and a digit".into())
        );
        assert_eq!(
            password_problem("Password1"),
            Some("the password needs a special character".into())
        );
        assert_eq!(
            password_problem("PASSWORD!"),
            Some("the password needs a digit".into())
        );
    }
}
