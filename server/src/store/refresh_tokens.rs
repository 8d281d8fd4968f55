//! Refresh tokens: single use, in families bounded by their sign-in session, reuse detected.

use super::*;

/// A refresh token just taken (rotation: each one is good once).
#[derive(Debug, Clone, PartialEq)]
pub struct TakenRefresh<T> {
    pub session_hash: String,
    /// The authorization code the token descends from.
    pub family: String,
    /// The family's absolute deadline (unix seconds): no rotation outlives it.
    pub family_expires_at: i64,
    /// The grant, read back as the type it was stored as.
    pub body: T,
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq)]
pub enum RefreshUse<T> {
    /// First use: the grant it stands for (the token is now spent).
    Fresh(TakenRefresh<T>),
    /// Spent before: someone holds a copy (stolen, or a client retrying a lost answer).
    Reused {
        session_hash: String,
        family: String,
    },
    /// Never issued, or expired.
    Unknown,
}

impl Store {
    /// Revoke every refresh token that descends from one authorization code.
    pub fn revoke_family(&self, family: &str) -> StoreResult<()> {
        self.lock().execute(
            "DELETE FROM refresh_tokens WHERE family = ?1",
            params![family],
        )?;
        Ok(())
    }

    /// The session a refresh token was issued under (the token stays usable).
    pub fn refresh_token_session(&self, token_hash: &str) -> StoreResult<Option<String>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT session_hash FROM refresh_tokens WHERE token_hash = ?1",
                params![token_hash],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Store a refresh token of `family`; it expires at `expires_at` or at the family's
    /// deadline, whichever comes first. Tokens past their expiry are swept here.
    pub fn put_refresh_token<T: Serialize>(
        &self,
        token_hash: &str,
        session_hash: &str,
        family: &str,
        body: &T,
        expires_at: i64,
        family_expires_at: i64,
    ) -> StoreResult<()> {
        let connection = self.lock();
        connection.execute(
            "DELETE FROM refresh_tokens WHERE expires_at <= ?1",
            params![now_unix()],
        )?;
        connection.execute(
            "INSERT INTO refresh_tokens (token_hash, session_hash, family, body, expires_at, family_expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                token_hash,
                session_hash,
                family,
                serde_json::to_string(body)?,
                expires_at.min(family_expires_at),
                family_expires_at
            ],
        )?;
        Ok(())
    }

    /// Spend a refresh token (rotation: each one is good once). A spent token presented
    /// again is reported as reuse, for as long as it would have been valid.
    pub fn use_refresh_token<T: DeserializeOwned>(
        &self,
        token_hash: &str,
    ) -> StoreResult<RefreshUse<T>> {
        let connection = self.lock();
        let now = now_unix();
        let fresh: Option<(String, String, i64, String)> = connection
            .query_row(
                "UPDATE refresh_tokens SET used = 1
                 WHERE token_hash = ?1 AND used = 0 AND expires_at > ?2 AND family_expires_at > ?2
                 RETURNING session_hash, family, family_expires_at, body",
                params![token_hash, now],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some((session_hash, family, family_expires_at, body)) = fresh {
            return Ok(match serde_json::from_str(&body) {
                Ok(body) => RefreshUse::Fresh(TakenRefresh {
                    session_hash,
                    family,
                    family_expires_at,
                    body,
                }),
                Err(_) => RefreshUse::Unknown,
            });
        }
        let spent: Option<(String, String)> = connection
            .query_row(
                "SELECT session_hash, family FROM refresh_tokens WHERE token_hash = ?1 AND used = 1",
                params![token_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match spent {
            Some((session_hash, family)) => RefreshUse::Reused {
                session_hash,
                family,
            },
            None => RefreshUse::Unknown,
        })
    }
}
