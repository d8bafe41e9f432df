// Applies a Durable Object's SQL migrations in order, each in its own transaction, recording
// every applied version in schema_migrations. Running it again applies nothing. It never
// rewrites or skips a recorded version: a database newer than the code is refused.

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/** True when this object has never been migrated, read without creating anything. */
export function isVacant(sql: SqlStorage): boolean {
  const row = sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").one();
  return row.n === 0;
}

export function currentVersion(sql: SqlStorage): number {
  if (isVacant(sql)) return 0;
  const row = sql.exec("SELECT coalesce(max(version), 0) AS v FROM schema_migrations").one();
  return Number(row.v);
}

/** Applies migrations with version <= target (default: all) that are not recorded yet. */
export function migrate(
  storage: DurableObjectStorage,
  migrations: readonly Migration[],
  nowMs: number,
  target = Infinity,
): MigrationResult {
  const sql = storage.sql;
  const from = currentVersion(sql);
  const known = migrations.at(-1)?.version ?? 0;
  if (from > known) throw new Error(`schema version ${from} is newer than this code (${known})`);
  let to = from;
  for (const migration of migrations) {
    if (migration.version <= from || migration.version > target) continue;
    if (migration.version !== to + 1) throw new Error(`migration ${migration.version} does not follow ${to}`);
    storage.transactionSync(() => {
      sql.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)",
      );
      for (const statement of splitStatements(migration.sql)) sql.exec(statement);
      sql.exec("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)", migration.version, migration.name, nowMs);
    });
    to = migration.version;
  }
  return { from, to };
}

/** Splits a migration file into statements: our files hold no semicolons inside literals. */
export function splitStatements(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
