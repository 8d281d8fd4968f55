//! The embedded IdP's signing key.

use super::*;

impl Store {
    pub fn signing_key(&self) -> StoreResult<Option<(String, String)>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT kid, pkcs8_pem FROM signing_keys ORDER BY created_at LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn insert_signing_key(&self, kid: &str, pem: &str) -> StoreResult<()> {
        self.lock().execute(
            "INSERT INTO signing_keys (kid, pkcs8_pem, created_at) VALUES (?1, ?2, ?3)",
            params![kid, pem, now_rfc3339()],
        )?;
        Ok(())
    }
}
