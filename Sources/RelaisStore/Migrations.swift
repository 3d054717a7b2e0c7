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
        Migration(version: 8, name: "co-construction: accounts, tokens, submissions, versions, evaluations, comments, audit columns", sql: """
            -- Personal data lives in email, name and password_hash only: erasure sets them to NULL
            -- and keeps the row, so that published work and audit rows still point somewhere.
            CREATE TABLE accounts (
                id INTEGER PRIMARY KEY,
                email TEXT UNIQUE COLLATE NOCASE,
                name TEXT,
                password_hash TEXT,
                role TEXT NOT NULL CHECK (role IN ('contributor', 'evaluator', 'curator', 'importer', 'admin')),
                source TEXT,
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                erased_at TEXT
            );
            -- Bearer tokens are stored as the SHA-256 of the token only.
            CREATE TABLE tokens (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                hash TEXT NOT NULL UNIQUE,
                label TEXT,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                last_used_at TEXT,
                revoked_at TEXT
            );
            CREATE INDEX tokens_by_account ON tokens (account_id);

            ALTER TABLE resources ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
            -- The evaluation summary of search hits, kept beside the quality prior it feeds.
            ALTER TABLE resources ADD COLUMN evaluation_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE resources ADD COLUMN evaluation_mean REAL;
            -- Earlier versions of resources changed through moderation (immutable once written).
            CREATE TABLE resource_versions (
                resource_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                record TEXT NOT NULL,
                created_at TEXT NOT NULL,
                submission_id INTEGER,
                PRIMARY KEY (resource_id, version)
            ) WITHOUT ROWID;
            CREATE TRIGGER resource_versions_immutable BEFORE UPDATE ON resource_versions BEGIN
                SELECT RAISE(ABORT, 'a resource version never changes');
            END;
            -- Who wrote a resource (its submitter, and the authors of accepted improvements):
            -- nobody evaluates their own work.
            CREATE TABLE resource_authors (
                resource_id TEXT NOT NULL,
                account_id INTEGER NOT NULL REFERENCES accounts(id),
                PRIMARY KEY (resource_id, account_id)
            ) WITHOUT ROWID;

            CREATE TABLE submissions (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('new_resource', 'improvement', 'feedback')),
                state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'in_review', 'changes_requested',
                                                     'approved', 'published', 'rejected', 'withdrawn')),
                author_id INTEGER REFERENCES accounts(id),
                assignee_id INTEGER REFERENCES accounts(id),
                resource_id TEXT,
                resource_version INTEGER,
                source TEXT NOT NULL,
                title TEXT NOT NULL,
                payload TEXT NOT NULL,
                decision_reason TEXT,
                decision_text TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                submitted_at TEXT,
                decided_at TEXT,
                published_at TEXT
            );
            CREATE INDEX submissions_queue ON submissions (state, submitted_at, id);
            CREATE INDEX submissions_by_author ON submissions (author_id, updated_at);
            CREATE INDEX submissions_by_resource ON submissions (resource_id, kind, state);
            CREATE TABLE submission_comments (
                id INTEGER PRIMARY KEY,
                submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
                author_id INTEGER REFERENCES accounts(id),
                text TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE INDEX submission_comments_by_submission ON submission_comments (submission_id);

            CREATE TABLE evaluations (
                id INTEGER PRIMARY KEY,
                resource_id TEXT NOT NULL,
                resource_version INTEGER NOT NULL,
                evaluator_id INTEGER NOT NULL REFERENCES accounts(id),
                grid_version INTEGER NOT NULL,
                answers TEXT NOT NULL,
                expert INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('visible', 'held', 'hidden')),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (resource_id, resource_version, evaluator_id)
            );
            CREATE INDEX evaluations_by_status ON evaluations (status, created_at);

            CREATE TABLE comments (
                id INTEGER PRIMARY KEY,
                resource_id TEXT NOT NULL,
                author_id INTEGER REFERENCES accounts(id),
                text TEXT NOT NULL,
                created_at TEXT NOT NULL,
                hidden_at TEXT,
                hidden_by INTEGER REFERENCES accounts(id),
                hidden_reason TEXT
            );
            CREATE INDEX comments_by_resource ON comments (resource_id, created_at);
            CREATE TABLE comment_flags (
                comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
                account_id INTEGER NOT NULL REFERENCES accounts(id),
                reason TEXT,
                created_at TEXT NOT NULL,
                PRIMARY KEY (comment_id, account_id)
            ) WITHOUT ROWID;

            -- Trusted sources publish on import; the others land in the moderation queue.
            CREATE TABLE sources (
                name TEXT PRIMARY KEY,
                trusted INTEGER NOT NULL DEFAULT 1
            ) WITHOUT ROWID;

            -- The audit row of a transition names the version and the states it went between.
            ALTER TABLE audit ADD COLUMN version INTEGER;
            ALTER TABLE audit ADD COLUMN from_state TEXT;
            ALTER TABLE audit ADD COLUMN to_state TEXT;
            ALTER TABLE audit ADD COLUMN reason TEXT;
            CREATE INDEX audit_by_object ON audit (object, id);
            CREATE INDEX audit_by_actor ON audit (actor, id);
            """),
        Migration(version: 9, name: "imports of untrusted sources wait in the moderation queue", sql: """
            -- A queued import keeps the record as read and where it came from, to publish it
            -- exactly as a trusted import would have.
            ALTER TABLE submissions ADD COLUMN original TEXT;
            ALTER TABLE submissions ADD COLUMN provenance TEXT;
            ALTER TABLE submissions ADD COLUMN content_hash TEXT;
            """),
        Migration(version: 10, name: "import jobs over HTTP that survive a restart", sql: """
            CREATE TABLE import_jobs (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL,
                account_id INTEGER REFERENCES accounts(id),
                state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
                dry_run INTEGER NOT NULL DEFAULT 0,
                mode TEXT NOT NULL DEFAULT 'incremental' CHECK (mode IN ('incremental', 'full')),
                kind TEXT NOT NULL,
                spool TEXT NOT NULL,
                upload_bytes INTEGER NOT NULL,
                files_total INTEGER,
                files_done INTEGER NOT NULL DEFAULT 0,
                records_done INTEGER NOT NULL DEFAULT 0,
                report TEXT,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                started_at TEXT,
                finished_at TEXT
            );
            CREATE INDEX import_jobs_by_state ON import_jobs (state, id);
            CREATE INDEX import_jobs_by_source ON import_jobs (source, id);
            -- One row per file of a job, written in the file's own transaction: a file is done
            -- exactly when its records are, which is what a restarted job resumes from.
            CREATE TABLE import_job_files (
                job_id INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
                entry_index INTEGER NOT NULL,
                name TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('imported', 'rejected', 'skipped')),
                counts TEXT NOT NULL,
                records TEXT,
                report TEXT,
                PRIMARY KEY (job_id, entry_index)
            ) WITHOUT ROWID;
            -- The resources a full export named, to withdraw those it no longer does.
            CREATE TABLE import_job_seen (
                job_id INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
                resource_id TEXT NOT NULL,
                PRIMARY KEY (job_id, resource_id)
            ) WITHOUT ROWID;
            """),
        Migration(version: 11, name: "import jobs: bytes done and to do, for an estimate of the records to come", sql: """
            ALTER TABLE import_jobs ADD COLUMN bytes_total INTEGER;
            ALTER TABLE import_jobs ADD COLUMN bytes_done INTEGER NOT NULL DEFAULT 0;
            """),
        Migration(version: 12, name: "search: a log of changed resource rows, for incremental facet refresh", sql: """
            -- Every write of a resource row (terms are rewritten with it): readers patch their
            -- in-memory facet index with the rows changed since they built it instead of
            -- scanning every resource after each write. Pruned by the writer.
            CREATE TABLE resource_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, row INTEGER NOT NULL);
            CREATE TRIGGER resource_changes_insert AFTER INSERT ON resources BEGIN
                INSERT INTO resource_changes (row) VALUES (new.rowid);
            END;
            CREATE TRIGGER resource_changes_update AFTER UPDATE ON resources BEGIN
                INSERT INTO resource_changes (row) VALUES (new.rowid);
            END;
            CREATE TRIGGER resource_changes_delete AFTER DELETE ON resources BEGIN
                INSERT INTO resource_changes (row) VALUES (old.rowid);
            END;
            """),
        Migration(version: 13, name: "terms keyed by the resource's row, not its text id", sql: """
            -- The text id is a hash: a batch of new resources wrote its terms into pages all over
            -- this table and its index (twice the pages of the records themselves, at 100k). Keyed
            -- by the row (the search index's key too, so as stable), new terms are appended.
            CREATE TABLE resource_terms_by_row (
                resource_row INTEGER NOT NULL,
                dimension TEXT NOT NULL,
                term TEXT NOT NULL,
                PRIMARY KEY (resource_row, dimension, term)
            ) WITHOUT ROWID;
            INSERT INTO resource_terms_by_row (resource_row, dimension, term)
                SELECT r.rowid, t.dimension, t.term FROM resource_terms t JOIN resources r ON r.id = t.resource_id
                ORDER BY 1, 2, 3; -- appended in key order: a third faster than in the old id order
            DROP TABLE resource_terms;
            ALTER TABLE resource_terms_by_row RENAME TO resource_terms;
            CREATE INDEX resource_terms_by_term ON resource_terms (dimension, term);
            """),
        Migration(version: 14, name: "new resource rows log their change from the store, not from a trigger", sql: """
            -- Any trigger on the insert made SQLite keep a statement journal of it: a copy of every
            -- page the row touched (about 8 pages of 16 kB per record, spilled to a temporary file),
            -- as much work as writing the row. Rows are inserted by `Store.write` only, which logs
            -- the change itself; updates and deletions keep their triggers.
            DROP TRIGGER IF EXISTS resource_changes_insert;
            """),
        Migration(version: 15, name: "resources per term, instead of an index of terms by term", sql: """
            -- The index by term served only the OAI-PMH set list, and cost every record 8 more
            -- B-tree inserts and every file's transaction a rewrite of most of its leaves (an
            -- import of 100,000 records 10,091 → 10,950 records/s; 36 MB at 100k records, 364 MB
            -- at a million). The set list reads this table of counts instead, kept by the store
            -- (one upsert per term and transaction); a full scan of the terms took 0.55 s at 100k.
            CREATE TABLE IF NOT EXISTS resource_term_counts (
                dimension TEXT NOT NULL,
                term TEXT NOT NULL,
                resources INTEGER NOT NULL,
                PRIMARY KEY (dimension, term)
            ) WITHOUT ROWID;
            DELETE FROM resource_term_counts;
            INSERT INTO resource_term_counts (dimension, term, resources)
                SELECT dimension, term, count(*) FROM resource_terms GROUP BY dimension, term;
            DROP INDEX IF EXISTS resource_terms_by_term;
            """),
    ]

    /// Applies the migrations the database has not seen, in one transaction: all or none (a
    /// new database took one commit, and its sync, per migration: 20 ms of every first import).
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
        let pending = all.filter { $0.version > current }
        guard !pending.isEmpty else { return }
        try db.transaction {
            for migration in pending {
                try db.execute(migration.sql)
                try db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
                    .run([migration.version, migration.name, Clock.now()])
            }
        }
    }
}
