//! Pending authorization requests and authorization codes (single use; a replay is recognised).

use super::*;

/// What presenting an authorization code found.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeUse<T> {
    /// First use: the grant it stands for.
    Fresh(T),
    /// Used before: someone replays it.
    Replayed,
    /// Unknown or expired.
    Unknown,
}

impl Store {
    /// Keep a pending request as JSON, written and later read as the same type `T`.
    pub fn put_auth_request<T: Serialize>(&self, id: &str, request: &T) -> StoreResult<()> {
        let connection = self.lock();
        // Pending requests older than an hour are abandoned sign-ins.
        connection.execute(
            "DELETE FROM auth_requests WHERE created_at < ?1",
            params![now_unix() - 3600],
        )?;
        connection.execute(
            "INSERT INTO auth_requests (id, body, created_at) VALUES (?1, ?2, ?3)",
            params![id, serde_json::to_string(request)?, now_unix()],
        )?;
        Ok(())
    }

    /// A pending request; one that no longer reads as `T` is as good as gone.
    pub fn auth_request<T: DeserializeOwned>(&self, id: &str) -> StoreResult<Option<T>> {
        let body: Option<String> = self
            .lock()
            .query_row(
                "SELECT body FROM auth_requests WHERE id = ?1 AND created_at >= ?2",
                params![id, now_unix() - 3600],
                |r| r.get(0),
            )
            .optional()?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// Keep (or replace) a test sign-in under the hash of its id; tests older than
    /// `max_age_secs` are removed on the way, so a report is kept no longer than that.
    pub fn put_test_sign_in<T: Serialize>(
        &self,
        id_hash: &str,
        record: &T,
        max_age_secs: i64,
    ) -> StoreResult<()> {
        let connection = self.lock();
        connection.execute(
            "DELETE FROM auth_requests WHERE id LIKE 'test-%' AND created_at < ?1",
            params![now_unix() - max_age_secs],
        )?;
        connection.execute(
            "INSERT OR REPLACE INTO auth_requests (id, body, created_at) VALUES (?1, ?2, ?3)",
            params![
                format!("test-{id_hash}"),
                serde_json::to_string(record)?,
                now_unix()
            ],
        )?;
        Ok(())
    }

    /// A test sign-in kept no longer than `max_age_secs` ago.
    pub fn test_sign_in<T: DeserializeOwned>(
        &self,
        id_hash: &str,
        max_age_secs: i64,
    ) -> StoreResult<Option<T>> {
        let body: Option<String> = self
            .lock()
            .query_row(
                "SELECT body FROM auth_requests WHERE id = ?1 AND created_at >= ?2",
                params![format!("test-{id_hash}"), now_unix() - max_age_secs],
                |r| r.get(0),
            )
            .optional()?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    pub fn delete_auth_request(&self, id: &str) -> StoreResult<()> {
        self.lock()
            .execute("DELETE FROM auth_requests WHERE id = ?1", params![id])?;
        Ok(())
    }

    pub fn put_code<T: Serialize>(&self, code_hash: &str, grant: &T) -> StoreResult<()> {
        let connection = self.lock();
        connection.execute(
            "DELETE FROM auth_codes WHERE created_at < ?1",
            params![now_unix() - 600],
        )?;
        connection.execute(
            "INSERT INTO auth_codes (code_hash, body, created_at) VALUES (?1, ?2, ?3)",
            params![code_hash, serde_json::to_string(grant)?, now_unix()],
        )?;
        Ok(())
    }

    /// Use a code: marked used in the same statement, so a second use is recognised as a
    /// replay (used codes are swept with the others after ten minutes).
    /// Spend a code; its grant reads back as the type it was stored as.
    pub fn use_code<T: DeserializeOwned>(
        &self,
        code_hash: &str,
        max_age_secs: i64,
    ) -> StoreResult<CodeUse<T>> {
        let connection = self.lock();
        let body: Option<String> = connection
            .query_row(
                "UPDATE auth_codes SET used = 1 WHERE code_hash = ?1 AND used = 0 AND created_at >= ?2 RETURNING body",
                params![code_hash, now_unix() - max_age_secs],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(body) = body {
            return Ok(serde_json::from_str(&body)
                .map(CodeUse::Fresh)
                .unwrap_or(CodeUse::Unknown));
        }
        let used: Option<i64> = connection
            .query_row(
                "SELECT used FROM auth_codes WHERE code_hash = ?1 AND used = 1",
                params![code_hash],
                |r| r.get(0),
            )
            .optional()?;
        Ok(if used.is_some() {
            CodeUse::Replayed
        } else {
            CodeUse::Unknown
        })
    }
}
