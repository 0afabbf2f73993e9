//! The two backends' schemas stay the same, and every migration reverts cleanly.

use crate::harness::TestApp;

/// Tables and columns after migrating, as the database itself reports them.
fn schema_of(t: &TestApp) -> Vec<(String, Vec<String>)> {
    let mut conn = t.app.conn().unwrap();
    tandem::store::describe_schema(&mut conn).unwrap()
}

#[test]
fn migrations_revert_and_reapply_to_the_same_schema() {
    let t = TestApp::new();
    let before = schema_of(&t);
    assert!(before.iter().any(|(table, _)| table == "tickets"));
    let mut conn = t.app.conn().unwrap();
    tandem::store::revert_all(&mut conn).unwrap();
    assert!(
        tandem::store::describe_schema(&mut conn)
            .unwrap()
            .is_empty(),
        "down.sql drops everything"
    );
    tandem::store::migrate(&mut conn).unwrap();
    assert_eq!(tandem::store::describe_schema(&mut conn).unwrap(), before);
}

/// On the PostgreSQL leg, compares with a SQLite database migrated beside it.
#[test]
fn sqlite_and_postgres_have_the_same_tables_and_columns() {
    let t = TestApp::new();
    if !t.db.is_postgres() {
        eprintln!("skipped here: runs on the PostgreSQL leg (TANDEM_TEST_DATABASE_URL)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = tandem::store::connect(
        &format!("sqlite://{}", dir.path().join("s.db").display()),
        1,
    )
    .unwrap();
    let mut conn = sqlite.get().unwrap();
    tandem::store::migrate(&mut conn).unwrap();
    let mut lite = tandem::store::describe_schema(&mut conn).unwrap();
    let mut pg = schema_of(&t);
    lite.sort();
    pg.sort();
    assert_eq!(lite, pg);
}
