import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';
import { pgliteEngine } from '../support/sql-engine.js';
import { runDirectoryContract } from './directory-contract.js';
import { startSqlDirectory, type SqlDirectoryFixture } from './sql-directory-fixture.js';
import { runSqlSecurityChecks } from './sql-security-checks.js';
import { runSqlUpgradeChecks } from './sql-upgrade-checks.js';

let fixture: SqlDirectoryFixture;

beforeAll(async () => {
  fixture = await startSqlDirectory(pgliteEngine(await PGlite.create()));
});

afterAll(async () => {
  await fixture?.close();
});

runDirectoryContract('supabase on PGlite', (limits) => fixture.makeDirectory(limits));
runSqlSecurityChecks('PGlite', () => fixture);
runSqlUpgradeChecks('PGlite', async () => {
  const engine = pgliteEngine(await PGlite.create());
  return { engine, dispose: () => engine.close() };
});
