"""sqlite_utils' reads of the schema are kept only until the schema changes."""

from gnapp.store.database import open_database


def test_tables_and_columns_are_read_again_once_the_schema_changed(new_db, tmp_path):
    db = new_db.db
    assert "notes" not in db.table_names()
    assert "note" not in db["villages"].columns_dict
    with new_db.transaction():
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("ALTER TABLE villages ADD COLUMN note TEXT")
        assert "notes" in db.table_names()  # inside the transaction that made it
        assert "note" in db["villages"].columns_dict
    db.execute("CREATE VIEW note_view AS SELECT * FROM notes")
    assert "note_view" in db.view_names()
    other = open_database(new_db.path)
    try:
        other.db.execute("ALTER TABLE notes ADD COLUMN author TEXT")
    finally:
        other.close()
    assert list(db["notes"].columns_dict) == ["id", "text", "author"]  # changed elsewhere
    names = db.table_names()
    names.append("changed by the caller")
    assert "changed by the caller" not in db.table_names()
