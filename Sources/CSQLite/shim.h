#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro cast of -1 to a function pointer: Swift cannot import it.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config and sqlite3_db_config are variadic: give Swift fixed signatures.
static inline int csqlite_db_config_enable_fkey(sqlite3 *db, int on) {
    int result = 0;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, on, &result);
}
