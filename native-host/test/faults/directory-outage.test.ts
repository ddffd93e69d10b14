import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgrestLite, type PostgrestLite } from '../support/postgrest-lite.js';
import { applyMigration, pgEngine, type SqlEngine } from '../support/sql-engine.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet, type HostOptions } from '../../../testkit/testnet.js';
import { burst } from './support/burst.js';
import { allDelivered, announced, friends, takeDirectoryAway } from './support/pair.js';
import { fullHistory, report, tally } from './support/tally.js';
import { defined } from '../../../shared/defined.js';

/**
 * The directory goes away in the middle of a burst to an offline friend and
 * comes back later: every send is still accepted (queued), none is lost, and
 * all are delivered once after recovery. `outage()` takes the directory away
 * and returns how to bring it back.
 */
async function outageDuringBurst(net: Testnet, scenario: string, hostOptions: HostOptions, outage: () => Promise<() => Promise<void>>) {
  const [alice, first] = await friends(net, { username: 'alice', ...hostOptions }, { username: 'bob', ...hostOptions });
  await first.stop();
  await eventually(async () => (await alice.api.status()).peer_count === 0, 20_000, 'session down');

  let restore: (() => Promise<void>) | undefined;
  let sawUnreachable = false;
  // Every sender waits here until the host has noticed the outage, so the
  // outage spans a real part of the burst however fast the sends are.
  let gate = Promise.resolve();
  try {
    const out = await burst(alice, 'bob', scenario, 150, {
      concurrency: 4,
      onAccepted: async (n) => {
        if (n === 30) {
          gate = (async () => {
            restore = await outage();
            await eventually(async () => !(await alice.api.status()).directory.reachable, 30_000, 'directory unreachable in /status');
            sawUnreachable = true;
          })();
        }
        if (n === 110 && restore) {
          const back = restore;
          restore = undefined;
          gate = gate.then(back);
        }
        await gate;
      },
    });
    await restore?.();
    restore = undefined;
    expect(sawUnreachable).toBe(true);
    expect(out.unanswered).toEqual([]);
    const queued = [...out.accepted.values()].filter((a) => a.result.status === 'queued').length;
    await eventually(async () => (await alice.api.status()).directory.reachable, 30_000, 'directory reachable again');

    const bob = await net.restart(first, hostOptions);
    const bobEvents = await bob.events();
    await eventually(
      async () => {
        const got = new Set((await fullHistory(bob, 'alice')).map((m) => m.msg_id));
        return [...out.accepted.keys()].every((id) => got.has(id));
      },
      90_000,
      'every accepted message at bob',
    );
    await allDelivered(alice, 'bob', out.accepted.size, 60_000);
    const t = tally(out.accepted, await fullHistory(bob, 'alice'), announced([bobEvents]));
    report(scenario, t, { queued_during_outage: queued });
    expect(queued).toBeGreaterThan(0);
    expect(t).toMatchObject({ sent: 150, delivered: 150, duplicated: 0, lost: 0, corrupted: 0, unacknowledged: 0 });
    bobEvents.close();
  } finally {
    await restore?.();
  }
}

describe('directory outage during a burst (local file)', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('sends queue, nothing is lost, all delivered after recovery', async () => {
    await outageDuringBurst(net, 'directory-outage-local', {}, async () => {
      const putBack = takeDirectoryAway(net.directoryPath);
      return async () => putBack();
    });
  });
});

// CI: scripts/start-postgres.sh runs a cluster; this test stops and restarts it.
const baseUrl = process.env.PARLEY_TEST_PG_URL;
const postgresCtl = fileURLToPath(new URL('../../../scripts/postgres-ctl.sh', import.meta.url));

describe.skipIf(!baseUrl)('directory outage during a burst (PostgreSQL stopped)', () => {
  const net = new Testnet();
  const database = `parley_outage_${randomBytes(6).toString('hex')}`;
  let admin: pg.Pool | undefined;
  let engine: SqlEngine | undefined;
  let server: PostgrestLite | undefined;

  afterAll(async () => {
    await net.close();
    await server?.close();
    await engine?.close();
    await admin?.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
    await admin?.end();
  });

  it('sends queue, nothing is lost, all delivered after the server returns', async () => {
    admin = new pg.Pool({ connectionString: baseUrl, max: 1 });
    admin.on('error', () => undefined);
    await admin.query(`create database ${database}`);
    const url = new URL(defined(baseUrl));
    url.pathname = `/${database}`;
    engine = pgEngine(new pg.Pool({ connectionString: url.toString(), max: 4 }));
    await applyMigration(engine);
    server = await startPostgrestLite(engine);
    // Both hosts are on this machine and advertise loopback: let them dial it.
    const supabase = { args: ['--directory', 'supabase', '--supabase-url', server.url, '--supabase-key', 'test-anon-key', '--dial-local', 'on'] };
    await outageDuringBurst(net, 'directory-outage-postgres', supabase, async () => {
      execFileSync(postgresCtl, ['stop'], { stdio: 'ignore' });
      return async () => {
        execFileSync(postgresCtl, ['start'], { stdio: 'ignore' });
      };
    });
  });
});
