import RelaisSQLite

/// Schema changes, in order. A migration never changes once released: add a new one.
struct Migration {
    let version: Int
    let name: String
    let sql: String
}

enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "resources, terms, search index, import batches, audit", sql: """
            CREATE TABLE import_batches (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                arguments TEXT NOT NULL,
                summary TEXT
            );

            CREATE TABLE resources (
                id TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                source_identifier TEXT NOT NULL,
                format TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'deleted')),
                title TEXT NOT NULL,
                keywords TEXT NOT NULL DEFAULT '',
                description TEXT NOT NULL DEFAULT '',
                body TEXT NOT NULL DEFAULT '',
                record TEXT NOT NULL,
                original TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                file TEXT NOT NULL,
                record_index INTEGER NOT NULL,
                line INTEGER,
                batch_id INTEGER REFERENCES import_batches(id),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (source, source_identifier)
            );

            -- One row per classification value, for facets and filters.
            CREATE TABLE resource_terms (
                resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
                dimension TEXT NOT NULL,
                term TEXT NOT NULL,
                PRIMARY KEY (resource_id, dimension, term)
            ) WITHOUT ROWID;
            CREATE INDEX resource_terms_by_term ON resource_terms (dimension, term);

            CREATE VIRTUAL TABLE resources_fts USING fts5(
                title, keywords, description, body,
                content = 'resources', content_rowid = 'rowid',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER resources_fts_insert AFTER INSERT ON resources BEGIN
                INSERT INTO resources_fts (rowid, title, keywords, description, body)
                VALUES (new.rowid, new.title, new.keywords, new.description, new.body);
            END;
            CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources BEGIN
                INSERT INTO resources_fts (resources_fts, rowid, title, keywords, description, body)
                VALUES ('delete', old.rowid, old.title, old.keywords, old.description, old.body);
            END;
            CREATE TRIGGER resources_fts_update AFTER UPDATE OF title, keywords, description, body ON resources BEGIN
                INSERT INTO resources_fts (resources_fts, rowid, title, keywords, description, body)
                VALUES ('delete', old.rowid, old.title, old.keywords, old.description, old.body);
                INSERT INTO resources_fts (rowid, title, keywords, description, body)
                VALUES (new.rowid, new.title, new.keywords, new.description, new.body);
            END;

            CREATE TABLE audit (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                object TEXT,
                detail TEXT
            );
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
                SELECT RAISE(ABORT, 'audit is append-only');
            END;
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
                SELECT RAISE(ABORT, 'audit is append-only');
            END;
            """),
        Migration(version: 2, name: "French search index (relais_fr), vocabulary view, settings", sql: """
            DROP TRIGGER resources_fts_insert;
            DROP TRIGGER resources_fts_delete;
            DROP TRIGGER resources_fts_update;
            DROP TABLE resources_fts;

            CREATE VIRTUAL TABLE resources_fts USING fts5(
                title, keywords, description, body,
                content = 'resources', content_rowid = 'rowid',
                tokenize = 'relais_fr', prefix = '2 3'
            );
            CREATE TRIGGER resources_fts_insert AFTER INSERT ON resources BEGIN
                INSERT INTO resources_fts (rowid, title, keywords, description, body)
                VALUES (new.rowid, new.title, new.keywords, new.description, new.body);
            END;
            CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources BEGIN
                INSERT INTO resources_fts (resources_fts, rowid, title, keywords, description, body)
                VALUES ('delete', old.rowid, old.title, old.keywords, old.description, old.body);
            END;
            CREATE TRIGGER resources_fts_update AFTER UPDATE OF title, keywords, description, body ON resources BEGIN
                INSERT INTO resources_fts (resources_fts, rowid, title, keywords, description, body)
                VALUES ('delete', old.rowid, old.title, old.keywords, old.description, old.body);
                INSERT INTO resources_fts (rowid, title, keywords, description, body)
                VALUES (new.rowid, new.title, new.keywords, new.description, new.body);
            END;
            INSERT INTO resources_fts (resources_fts) VALUES ('rebuild');

            -- Indexed terms with their document counts: typo correction and "did you mean".
            CREATE VIRTUAL TABLE resources_vocab USING fts5vocab(resources_fts, 'row');

            CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """),
        Migration(version: 3, name: "search: quality prior, sort date, duration, lexicon of surface words", sql: """
            ALTER TABLE resources ADD COLUMN quality REAL;
            ALTER TABLE resources ADD COLUMN sort_date TEXT;
            ALTER TABLE resources ADD COLUMN duration REAL;
            CREATE INDEX resources_browse ON resources (status, quality DESC, sort_date DESC, id);

            -- Surface words of titles and keywords with how many resources use them:
            -- autocomplete, typo correction and "did you mean" speak in words, not stems.
            CREATE TABLE lexicon (
                folded TEXT PRIMARY KEY,
                word TEXT NOT NULL,
                documents INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        Migration(version: 4, name: "search index fed per transaction by the store, not per row", sql: """
            DROP TRIGGER resources_fts_insert;
            """),
        Migration(version: 5, name: "search index ranks by weighted bm25", sql: """
            -- ORDER BY rank then follows the same weights as the scores we report: title x10,
            -- keywords x5, description x2, body x1.
            INSERT INTO resources_fts (resources_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 2.0, 1.0)');
            """),
        Migration(version: 6, name: "search: facet index loaded without reading the records", sql: """
            -- Covers what the search engine loads for every published resource: the columns
            -- added by migration 3 come after the record and the original XML, so a table scan
            -- reads every row's overflow pages (the whole file: 13 s at 1M resources).
            CREATE INDEX resources_facet_rows ON resources (status, duration, quality, sort_date);
            """),
        Migration(version: 7, name: "OAI-PMH: records in the order of their last change", sql: """
            -- Harvest pages walk (updated_at, id) from a resumption position, tombstones included:
            -- without this index each page sorts the whole table.
            CREATE INDEX resources_changes ON resources (updated_at, id);
            """),
    ]

    /// Applies the migrations the database has not seen, each in its own transaction.
    static func migrate(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
            """)
        let current = try db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migrations") ?? 0
        guard let newest = all.last?.version else { return }
        if current > Int64(newest) {
            throw StoreError(reason: "la base est au schéma \(current), plus récent que ce programme (\(newest)) : mettez Relais à jour")
        }
        for migration in all where migration.version > current {
            try db.transaction {
                try db.execute(migration.sql)
                try db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
                    .run([migration.version, migration.name, Clock.now()])
            }
        }
    }
}
