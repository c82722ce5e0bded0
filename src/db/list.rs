//! [`ListQuery`]: every paginated list of the product, built one filter per line.
//!
//! A list is a fixed `SELECT ... FROM ...`, the filters the caller sent, a stable order and a
//! window (limit and offset). Only the filters present reach the SQL, each with its value
//! bound as a parameter — never spliced into the text — so each combination of filters is
//! always the same SQL text: the connection's statement cache keeps one prepared statement
//! (and PostgreSQL one plan) per combination, instead of a `$1 IS NULL OR ...` statement that
//! can only be planned for the general case. The total rides along with the page, so a page
//! costs one round trip: as a window count by default, or — for a list that names
//! [`count_from`](ListQuery::count_from) — as a count over its base table alone.
//!
//! A window count makes PostgreSQL build every matching row, joins and all, before it keeps
//! the page: fine for a few thousand rows, 100 ms for a page of 20 of 44,000 orders. Counted
//! apart, the page walks an index in the list's order and stops after `limit` rows, and the
//! count reads the base table's index only (about 3 ms for those 44,000).
//!
//! A text search is the exception to "one prepared statement per combination": it is planned
//! for its needle each time (see [`ListQuery::contains`]).

use sqlx::postgres::{PgArguments, PgConnection, PgRow};
use sqlx::{Arguments, AssertSqlSafe, Encode, Executor, FromRow, Postgres, Row, Type};

use crate::db::TenantDb;

/// Which slice of a list: `limit` rows after `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: i64,
    pub offset: i64,
}

/// A list query in the making: see the module docs.
pub struct ListQuery {
    select: &'static str,
    order_by: &'static str,
    /// Where the total is counted when not as a window count: see [`ListQuery::count_from`].
    count_from: Option<&'static str>,
    conditions: String,
    args: PgArguments,
    /// The first value that could not be encoded; reported when the query runs.
    bad_value: Option<sqlx::error::BoxDynError>,
    /// Whether the statement is planned for its values each time instead of kept prepared.
    plan_per_value: bool,
}

impl ListQuery {
    /// `select` is everything up to the WHERE clause (`SELECT cols FROM clients`); `order_by`
    /// must end in a unique column so pages never overlap (`lower(name), id`).
    pub fn new(select: &'static str, order_by: &'static str) -> ListQuery {
        ListQuery {
            select,
            order_by,
            count_from: None,
            conditions: String::new(),
            args: PgArguments::default(),
            bad_value: None,
            plan_per_value: false,
        }
    }

    /// Counts the total over `from` (`"orders o"`) with the list's filters, in a subquery
    /// beside the page, rather than as a window count over the whole select. For a list
    /// whose filters name only columns of `from` and whose joins never drop nor repeat a row
    /// (left joins, or inner joins on a non-null foreign key): then the count is the same,
    /// and neither the count nor the page builds rows that are not shown.
    pub fn count_from(&mut self, from: &'static str) -> &mut Self {
        self.count_from = Some(from);
        self
    }

    /// Adds `condition` when `value` is present, with the value as its parameter.
    /// `condition` ends where the parameter goes: `"kind = "`, `"starts_at >= "`.
    pub fn filter<T>(&mut self, condition: &'static str, value: Option<T>) -> &mut Self
    where
        T: for<'q> Encode<'q, Postgres> + Type<Postgres>,
    {
        if let Some(value) = value {
            self.push(&[condition], value);
        }
        self
    }

    /// Adds "`text` contains `needle`", case-insensitively, when a non-blank needle is given.
    /// `text` is a lower-cased SQL expression, ideally the one a trigram index covers; `%`,
    /// `_` and `\` in the needle match themselves.
    ///
    /// A list with a search is planned for its needle each time rather than kept as a
    /// prepared statement: how many rows hold a word varies by orders of magnitude (a common
    /// surname is in a tenth of a studio's orders, a name in a handful), and after five runs
    /// PostgreSQL keeps one generic plan that fits neither — with the count beside the page,
    /// 11 ms instead of 4 for a surname in 4,500 of 50,000 orders. It costs a round trip
    /// and a plan (a fraction of a millisecond) per search.
    pub fn contains(&mut self, text: &'static str, needle: Option<&str>) -> &mut Self {
        if let Some(needle) = needle.map(str::trim).filter(|n| !n.is_empty()) {
            self.push(&[text, " LIKE "], format!("%{}%", escape_like(&needle.to_lowercase())));
            self.plan_per_value = true;
        }
        self
    }

    fn push<T>(&mut self, condition: &[&'static str], value: T)
    where
        T: for<'q> Encode<'q, Postgres> + Type<Postgres>,
    {
        if let Err(e) = self.args.add(value) {
            self.bad_value.get_or_insert(e);
        }
        self.conditions.push_str(if self.conditions.is_empty() { " WHERE " } else { " AND " });
        condition.iter().for_each(|part| self.conditions.push_str(part));
        self.conditions.push('$');
        self.conditions.push_str(&self.args.len().to_string());
    }

    /// The list SQL: the rows of one window with the total beside each.
    fn list_sql(&self) -> String {
        let n = self.args.len();
        let total = match self.count_from {
            Some(_) => format!("({})", self.count_sql()),
            None => "count(*) OVER ()".to_owned(),
        };
        format!(
            "SELECT listed.*, {total} AS list_total FROM ({}{}) AS listed ORDER BY {} LIMIT ${} OFFSET ${}",
            self.select,
            self.conditions,
            self.order_by,
            n + 1,
            n + 2
        )
    }

    fn count_sql(&self) -> String {
        match self.count_from {
            Some(from) => format!("SELECT count(*) FROM {from}{}", self.conditions),
            None => format!("SELECT count(*) FROM ({}{}) AS listed", self.select, self.conditions),
        }
    }

    /// One window of rows in the list's order, and how many rows match in all.
    pub async fn fetch<T, C>(self, db: &mut C, window: Window) -> sqlx::Result<(i64, Vec<T>)>
    where
        T: for<'r> FromRow<'r, PgRow>,
        C: ListSource,
        for<'e> &'e mut C: Executor<'e, Database = Postgres>,
    {
        if let Some(e) = self.bad_value {
            return Err(sqlx::Error::Encode(e));
        }
        let mut args = self.args.clone();
        args.add(window.limit).map_err(sqlx::Error::Encode)?;
        args.add(window.offset).map_err(sqlx::Error::Encode)?;
        // Safe to assert: the text is made only of the caller's `&'static str` fragments,
        // parameter numbers and a validated schema name; every value is bound.
        let keep_prepared = !self.plan_per_value;
        let rows = sqlx::query_with(AssertSqlSafe(db.render(self.list_sql())), args)
            .persistent(keep_prepared)
            .fetch_all(&mut *db)
            .await?;
        let total = match rows.first() {
            Some(row) => row.try_get::<i64, _>("list_total")?,
            // Past the last page the window count has no row to ride on: count on its own.
            None if window.offset > 0 => {
                sqlx::query_scalar_with(AssertSqlSafe(db.render(self.count_sql())), self.args)
                    .persistent(keep_prepared)
                    .fetch_one(&mut *db)
                    .await?
            }
            None => 0,
        };
        let items = rows.iter().map(T::from_row).collect::<sqlx::Result<Vec<T>>>()?;
        Ok((total, items))
    }
}

/// Where a list runs, which decides its statement's final text: a studio's handle writes
/// its schema where the fragments say [`STUDIO`](crate::db::tenant_db::STUDIO) (or nothing,
/// on a connection already on the studio); any other connection takes the text as it is.
pub trait ListSource {
    fn render(&self, sql: String) -> String;
}

impl ListSource for TenantDb {
    fn render(&self, sql: String) -> String {
        self.sql(&sql)
    }
}

impl ListSource for PgConnection {
    fn render(&self, sql: String) -> String {
        sql
    }
}

/// Escapes `%`, `_` and `\` so user input matches literally inside a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_present_filters_reach_the_sql_and_each_combination_has_one_text() {
        let build = |kind: Option<&str>, search: Option<&str>| {
            let mut list = ListQuery::new("SELECT * FROM clients", "lower(name), id");
            list.filter("kind = ", kind).contains("lower(name)", search);
            list.list_sql()
        };
        assert_eq!(
            build(None, None),
            "SELECT listed.*, count(*) OVER () AS list_total FROM (SELECT * FROM clients) AS listed \
             ORDER BY lower(name), id LIMIT $1 OFFSET $2"
        );
        assert_eq!(build(Some("school"), Some("ana")), build(Some("individual"), Some("luis")));
        assert!(build(Some("school"), Some("ana")).contains("WHERE kind = $1 AND lower(name) LIKE $2"));
        assert!(build(None, Some("ana")).contains("WHERE lower(name) LIKE $1) AS listed"));
        assert_eq!(build(None, Some("   ")), build(None, None), "a blank search is no filter");
    }

    #[test]
    fn only_a_list_with_a_search_is_planned_for_its_values() {
        let mut list = ListQuery::new("SELECT * FROM clients", "lower(name), id");
        list.filter("kind = ", Some("school")).contains("lower(name)", Some("  "));
        assert!(!list.plan_per_value, "filters and a blank search keep the prepared statement");
        list.contains("lower(name)", Some("quispe"));
        assert!(list.plan_per_value);
    }

    #[test]
    fn a_list_counted_from_its_base_table_counts_there_with_the_same_filters() {
        let mut list = ListQuery::new("SELECT o.*, c.name FROM orders o JOIN clients c ON c.id = o.client_id", "id");
        list.count_from("orders o").filter("o.status = ", Some("pending")).contains("o.search_text", Some("ana"));
        assert_eq!(
            list.list_sql(),
            "SELECT listed.*, (SELECT count(*) FROM orders o WHERE o.status = $1 AND o.search_text LIKE $2) \
             AS list_total FROM (SELECT o.*, c.name FROM orders o JOIN clients c ON c.id = o.client_id \
             WHERE o.status = $1 AND o.search_text LIKE $2) AS listed ORDER BY id LIMIT $3 OFFSET $4"
        );
        assert_eq!(list.count_sql(), "SELECT count(*) FROM orders o WHERE o.status = $1 AND o.search_text LIKE $2");
    }

    #[test]
    fn like_wildcards_in_input_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
