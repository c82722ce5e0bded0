//! refinery's async driver over an sqlx connection, so the project has one PostgreSQL driver.
//!
//! The connection is already inside a transaction whose search_path is the target schema
//! (the runner in `tenancy::migrations` sets that up and holds the schema's advisory lock):
//! everything refinery does for one schema — create its history table, read it, apply the
//! pending migrations, record them — commits or rolls back as one.

use refinery_core::Migration;
use refinery_core::traits::r#async::{AsyncMigrate, AsyncQuery, AsyncTransaction};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An sqlx connection seen by refinery (a newtype: the traits and the type are both foreign).
pub struct MigrationConn<'a>(pub &'a mut PgConnection);

impl AsyncTransaction for MigrationConn<'_> {
    type Error = sqlx::Error;

    async fn execute<'a, T: Iterator<Item = &'a str> + Send + 'a>(
        &'a mut self,
        queries: T,
    ) -> Result<usize, sqlx::Error> {
        // One round trip for the whole batch (all pending migrations and their history rows
        // when grouped): provisioning time stays flat as migrations accumulate. A newline
        // before each `;` ends a trailing `--` comment in a migration file.
        let queries: Vec<&str> = queries.collect();
        let count = queries.len();
        let batch = queries.join("\n;\n");
        sqlx::raw_sql(AssertSqlSafe(batch)).execute(&mut *self.0).await?;
        Ok(count)
    }
}

impl AsyncQuery<Vec<Migration>> for MigrationConn<'_> {
    async fn query<'a>(&'a mut self, query: &'a str) -> Result<Vec<Migration>, sqlx::Error> {
        let rows = sqlx::query(AssertSqlSafe(query.to_owned())).fetch_all(&mut *self.0).await?;
        rows.iter()
            .map(|row| {
                let version: i32 = row.try_get(0)?;
                let name: String = row.try_get(1)?;
                let applied_on: String = row.try_get(2)?;
                let checksum: String = row.try_get(3)?;
                let applied_on =
                    OffsetDateTime::parse(&applied_on, &Rfc3339).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
                let checksum = checksum.parse::<u64>().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
                Ok(Migration::applied(version, name, applied_on, checksum))
            })
            .collect()
    }
}

impl AsyncMigrate for MigrationConn<'_> {}
