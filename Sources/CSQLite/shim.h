#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro cast of -1 to a function pointer: Swift cannot import it.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config and sqlite3_db_config are variadic: give Swift fixed signatures.
static inline int csqlite_db_config_enable_fkey(sqlite3 *db, int on) {
    int result = 0;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, on, &result);
}

// No allocation statistics: with them every SQLite allocation takes one process-wide mutex,
// which the server's reader threads then contend for. Only before sqlite3_initialize (later
// it returns SQLITE_MISUSE and changes nothing).
static inline int csqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

// The FTS5 API pointer is obtained through "SELECT fts5(?1)" with a pointer binding.
static inline fts5_api *csqlite_fts5_api(sqlite3 *db) {
    fts5_api *api = 0;
    sqlite3_stmt *statement = 0;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0) == SQLITE_OK) {
        sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", 0);
        sqlite3_step(statement);
    }
    sqlite3_finalize(statement);
    return api;
}

// The type name of pointers bound for the relais_bm25 ranking function: SQLite keeps the
// pointer to this string while the value lives, so it must be a static string.
static inline const char *csqlite_row_lengths_type(void) { return "relais_row_lengths"; }

// sync_file_range(2) is declared by <fcntl.h> only under _GNU_SOURCE, which Swift's Glibc module
// is not built with. Used to start writing a database's files out ahead of its syncs; 0 (no-op)
// elsewhere than Linux.
#ifdef __linux__
int sync_file_range(int fd, long long offset, long long nbytes, unsigned int flags);
static inline int csqlite_start_writeback(int fd) { return sync_file_range(fd, 0, 0, 2 /* SYNC_FILE_RANGE_WRITE */); }
#else
static inline int csqlite_start_writeback(int fd) { (void)fd; return 0; }
#endif
