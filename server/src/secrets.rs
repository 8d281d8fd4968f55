//! Random identifiers and secrets (from the OS's CSPRNG), and their stored form.

use rand::Rng;

/// A random identifier of `len` lowercase letters and digits (from the OS's CSPRNG).
pub fn random_id(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A password for an added user, shown once: 20 characters of letters, digits and
/// symbols that keeps the one password rule (drawn again until it does).
pub fn generated_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+-=?@";
    let mut rng = rand::rngs::OsRng;
    loop {
        let password: String = (0..20)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        if qufabric_model::password_rule::password_problem(&password).is_none() {
            return password;
        }
    }
}

/// 32 random bytes as base64url: for codes, session ids and refresh tokens.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill(&mut bytes);
    qufabric_model::oidc::base64url(&bytes)
}

/// Secrets we hand out are stored only as their SHA-256.
pub fn hash_secret(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    qufabric_model::oidc::base64url(&Sha256::digest(secret.as_bytes()))
}
