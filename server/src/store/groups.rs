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
