import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgEngine } from '../support/sql-engine.js';
import { runDirectoryContract } from './directory-contract.js';
import { startSqlDirectory, type SqlDirectoryFixture } from './sql-directory-fixture.js';
import { runSqlSecurityChecks } from './sql-security-checks.js';
import { runSqlUpgradeChecks } from './sql-upgrade-checks.js';
import { defined } from '../../../shared/defined.js';

// Real PostgreSQL (CI: scripts/start-postgres.sh, then `npm run test:pg`).
// The URL's database is only used to create and drop a fresh one per run.
const baseUrl = process.env.PARLEY_TEST_PG_URL;

describe.skipIf(!baseUrl)('directory on PostgreSQL', () => {
  const database = `parley_test_${randomBytes(6).toString('hex')}`;
  let admin: pg.Pool;
  let fixture: SqlDirectoryFixture;

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: baseUrl, max: 1 });
    await admin.query(`create database ${database}`);
    const url = new URL(defined(baseUrl));
    url.pathname = `/${database}`;
    fixture = await startSqlDirectory(pgEngine(new pg.Pool({ connectionString: url.toString(), max: 8 })));
  });

  afterAll(async () => {
    await fixture?.close();
    await admin?.query(`drop database if exists ${database} with (force)`);
    await admin?.end();
  });

  runDirectoryContract('supabase on PostgreSQL', (limits) => fixture.makeDirectory(limits));
  runSqlSecurityChecks('PostgreSQL', () => fixture);
  runSqlUpgradeChecks('PostgreSQL', async () => {
    const name = `${database}_upgrade`;
    await admin.query(`create database ${name}`);
    const url = new URL(defined(baseUrl));
    url.pathname = `/${name}`;
    const engine = pgEngine(new pg.Pool({ connectionString: url.toString(), max: 4 }));
    return {
      engine,
      dispose: async () => {
        await engine.close();
        await admin.query(`drop database if exists ${name} with (force)`);
      },
    };
  });
});
