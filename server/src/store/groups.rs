//! Account groups (made through the API or by JWT group sync).

use super::*;

impl Store {
    pub fn groups(&self) -> StoreResult<Vec<GroupRecord>> {
        let connection = self.lock();
        let mut statement =
            connection.prepare("SELECT id, name, issued FROM groups ORDER BY name, id")?;
        let rows = statement.query_map([], |row| {
            let issued: String = row.get(2)?;
            Ok(GroupRecord {
                id: row.get(0)?,
                name: row.get(1)?,
                issued: issued_from_db(&issued),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn group(&self, id: &str) -> StoreResult<Option<GroupRecord>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT id, name, issued FROM groups WHERE id = ?1",
                params![id],
                |row| {
                    let issued: String = row.get(2)?;
                    Ok(GroupRecord {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        issued: issued_from_db(&issued),
                    })
                },
            )
            .optional()?)
    }

    /// Rename a group (one JWT sync made too); `false` without such a group.
    pub fn rename_group(&self, id: &str, name: &str) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE groups SET name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        Ok(changed == 1)
    }

    /// `false` without such a group.
    pub fn delete_group(&self, id: &str) -> StoreResult<bool> {
        let changed = self
            .lock()
            .execute("DELETE FROM groups WHERE id = ?1", params![id])?;
        Ok(changed == 1)
    }

    pub fn insert_group(&self, group: &GroupRecord) -> StoreResult<()> {
        self.insert_groups(std::slice::from_ref(group))
    }

    /// Groups in one transaction (one, or the benchmark's seed).
    pub fn insert_groups(&self, groups: &[GroupRecord]) -> StoreResult<()> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        for group in groups {
            transaction.execute(
                "INSERT INTO groups (id, name, issued) VALUES (?1, ?2, ?3)",
                params![group.id, group.name, issued_to_db(group.issued)],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }
}
