/**
 * The directory under abuse, on PostgreSQL (PARLEY_TEST_PG_URL, the same
 * cluster `npm run test:pg` uses; skipped without it): the proof of work's
 * cost on this machine, the latency of every RPC as the anon role, and what
 * one anonymous client can do to a directory before the abuse migration
 * and after it.
 */
import { randomUUID } from 'node:crypto';
import { capabilityHash, newCapability, newRecoveryCode, normalizeRecoveryCode, recoveryHash } from '../../native-host/src/directory/capability.js';
import { introSubject, solveWork } from '../../native-host/src/directory/proof-of-work.js';
import { signKeyRecord, signPrekey, signPresence } from '../../native-host/src/directory/records.js';
import { signRotation } from '../../native-host/src/directory/rotation.js';
import { DEFAULT_DIRECTORY_SETTINGS } from '../../native-host/src/directory/settings.js';
import { generateIdentity, toBase64 } from '../../native-host/src/crypto/identity.js';
import { AnonSql } from '../lib/anon-sql.js';
import { median, percentile } from '../lib/stats.js';
import type { Testnet } from '../../testkit/testnet.js';
import type { Report } from '../lib/report.js';

const REGISTER_BITS = DEFAULT_DIRECTORY_SETTINGS.powRegisterBits;
const INTRO_BITS = DEFAULT_DIRECTORY_SETTINGS.powIntroBits;

function user(username: string) {
  const keys = generateIdentity();
  const record = signKeyRecord({ username, publicKey: toBase64(keys.publicKey), signingKey: toBase64(keys.signingPublicKey) }, keys.signingPrivateKey);
  return { username, keys, record, secret: randomUUID() + randomUUID() };
}

const keyArgs = (u: ReturnType<typeof user>) => [u.username, u.record.publicKey, u.record.signingKey, u.record.signature];

const envelope = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

async function claim(sql: AnonSql, u: ReturnType<typeof user>, bits: number) {
  const work = await solveWork('register', u.username, bits);
  const code = normalizeRecoveryCode(newRecoveryCode());
  if (!code) throw new Error('a new recovery code does not normalize');
  const hash = recoveryHash(code);
  return sql.timed('parley_claim', [...keyArgs(u), u.secret, hash, work.minute, work.nonce]);
}

export async function runDirectory(_net: Testnet, report: Report, options: { quick: boolean }) {
  const base = process.env.PARLEY_TEST_PG_URL;
  if (!base) {
    report.skip('directory', 'PARLEY_TEST_PG_URL not set (start one with scripts/start-postgres.sh)');
    return;
  }
  const cfg = options.quick ? { solves: 4, calls: 30 } : { solves: 16, calls: 200 };
  await proofOfWork(report, cfg);
  await rpcLatency(base, report, cfg);
  await abuse(base, report, cfg);
}

/**
 * The solver's rate (SHA-256 per second of one core's CPU time) and what a
 * sign-up and an introduction cost at the default difficulties.
 */
async function proofOfWork(report: Report, cfg: { solves: number }) {
  const solves: { cpuMs: number; tries: number }[] = [];
  for (let i = 0; i < cfg.solves; i++) {
    const cpu = process.cpuUsage();
    const { tries } = await solveWork('register', `bench${i}`, REGISTER_BITS);
    const used = process.cpuUsage(cpu);
    solves.push({ cpuMs: (used.user + used.system) / 1000, tries });
  }
  const rate = solves.reduce((a, s) => a + s.tries, 0) / (solves.reduce((a, s) => a + s.cpuMs, 0) / 1000);
  report.add('directory', 'pow_rate', 'proof of work: SHA-256 per CPU second', rate, '/s', undefined, `the host's solver, over ${cfg.solves} sign-up proofs`);
  report.add('directory', 'pow_register_expected', `sign-up proof (${REGISTER_BITS} bits), expected CPU`, (2 ** REGISTER_BITS / rate) * 1000, 'ms', undefined, '2^bits / rate');
  report.add('directory', 'pow_register_median', `sign-up proof (${REGISTER_BITS} bits), median CPU`, median(solves.map((s) => s.cpuMs)), 'ms', undefined, `median of ${cfg.solves} solves (geometric: wide spread)`);
  report.add('directory', 'pow_intro_expected', `introduction proof (${INTRO_BITS} bits), expected CPU`, (2 ** INTRO_BITS / rate) * 1000, 'ms', undefined, '2^bits / rate');
  report.detail('directory', { pow_solves: solves, pow_rate: rate });
}

/**
 * Median and p95 of every public function as anon (begin, role and headers,
 * the call, commit: what PostgREST runs, without HTTP).
 */
async function rpcLatency(base: string, report: Report, cfg: { calls: number }) {
  const sql = await AnonSql.create(base);
  try {
    await sql.owner(`update parley_private.settings set pow_register_bits = 4, pow_intro_bits = 4, rate_register_per_hour = 1000000,
      rate_intro_per_hour = 1000000, rate_drop_per_minute = 1000000, rate_recover_per_hour = 1000000, intro_max_pending = 1000000`);
    const bob = user('bob');
    const friends = Array.from({ length: 50 }, (_, i) => user(`friend${i}`));
    for (const u of [bob, ...friends]) await claim(sql, u, 4);
    const seeing = newCapability();
    const drop = newCapability();
    await sql.call('parley_grant', ['bob', bob.secret, JSON.stringify([{ kind: 'presence', hash: capabilityHash(seeing) }, { kind: 'drop', hash: capabilityHash(drop) }])]);
    const names = friends.map((f) => f.username);
    const samples: Record<string, number[]> = {};
    const measure = async (label: string, call: () => Promise<{ ms: number; refused: string|null }>) => {
      samples[label] = [];
      for (let i = 0; i < cfg.calls; i++) {
        const { ms, refused } = await call();
        if (refused) throw new Error(`${label}: ${refused}`);
        samples[label].push(ms);
      }
    };
    let n = 0;
    await measure('parley_policy', () => sql.timed('parley_policy', []));
    await measure('parley_register (repeat)', () => sql.timed('parley_register', [...keyArgs(bob), bob.secret]));
    await measure('parley_claim (4-bit proof)', async () => claim(sql, user(`new${n++}`), 4));
    await measure('parley_heartbeat_presence', () =>
      sql.timed('parley_heartbeat_presence', ['bob', bob.secret, JSON.stringify(signPresence('bob', { addresses: ['198.18.0.2:9100'], dhtKey: null, issuedAt: new Date().toISOString() }, bob.keys.signingPrivateKey))]),
    );
    await measure('parley_lookup_with_capabilities (1)', () => sql.timed('parley_lookup_with_capabilities', [['bob'], [seeing]]));
    await measure('parley_lookup_with_capabilities (50)', () => sql.timed('parley_lookup_with_capabilities', [names, names.map(() => seeing)]));
    await measure('parley_lookup (old, 50)', () => sql.timed('parley_lookup', [names]));
    let prekeyId = 1;
    await measure('parley_publish_prekey', () => {
      const p = signPrekey('bob', { id: prekeyId++, publicKey: toBase64(generateIdentity().publicKey), createdAt: new Date().toISOString() }, bob.keys.signingPrivateKey);
      return sql.timed('parley_publish_prekey', ['bob', bob.secret, p.id, p.publicKey, p.createdAt, p.signature]);
    });
    const granted: string[] = [];
    await measure('parley_grant (2)', () => {
      const pair = [newCapability(), newCapability()].map(capabilityHash);
      granted.push(...pair);
      return sql.timed('parley_grant', ['bob', bob.secret, JSON.stringify(pair.map((hash) => ({ kind: 'drop', hash })))]);
    });
    await measure('parley_revoke (2)', () => sql.timed('parley_revoke', ['bob', bob.secret, granted.splice(0, 2)]));
    await measure('parley_mailbox_drop (1 KiB)', () => sql.timed('parley_mailbox_drop', ['bob', envelope(1024), drop]));
    await measure('parley_mailbox_take (10)', () => sql.timed('parley_mailbox_take', ['bob', bob.secret, 10]));
    const ids = ((await sql.client.query(`select id::text from parley_private.mailbox where recipient = 'bob'`)).rows.map((r) => r.id) as string[]);
    await measure('parley_mailbox_ack (10)', () => sql.timed('parley_mailbox_ack', ['bob', bob.secret, ids.splice(0, 10)]));
    await measure('parley_intro_put (1 KiB, 4-bit proof)', async () => {
      const sealed = Buffer.from(randomUUID().repeat(30)).toString('base64').slice(0, 1364);
      const work = await solveWork('intro', introSubject('bob', sealed), 4);
      return sql.timed('parley_intro_put', ['bob', sealed, work.minute, work.nonce]);
    });
    let current = bob;
    await measure('parley_rotate_keys', () => {
      const next = { ...user('bob'), secret: bob.secret };
      const rotation = signRotation('bob', { oldPublicKey: current.record.publicKey, oldSigningKey: current.record.signingKey, newPublicKey: next.record.publicKey, newSigningKey: next.record.signingKey, issuedAt: new Date().toISOString() }, current.keys.signingPrivateKey);
      current = next;
      return sql.timed('parley_rotate_keys', ['bob', bob.secret, next.record.publicKey, next.record.signingKey, next.record.signature, JSON.stringify(rotation)]);
    });
    await measure('parley_end_legacy', () => sql.timed('parley_end_legacy', ['bob', bob.secret]));
    await measure('parley_recover (wrong code)', () =>
      sql.timed('parley_recover', ['bob', 'ABCDEFGHJKMNPQRSTVWXYZ0123456789', ...keyArgs(bob).slice(1), bob.secret, recoveryHash('ABCDEFGHJKMNPQRSTVWXYZ0123456789')]),
    );
    for (const [label, values] of Object.entries(samples)) {
      const id = label.replace(/[^a-z0-9]+/g, '_').replace(/_+$/, '');
      report.add('directory', `rpc_${id}_p50`, `${label} p50`, median(values), 'ms', undefined, `PostgreSQL ${await serverVersion(sql)}, as anon, ${values.length} calls`);
      report.add('directory', `rpc_${id}_p95`, `${label} p95`, percentile(values, 95), 'ms');
    }
    report.detail('directory', { rpc_ms: samples });
  } finally {
    await sql.drop();
  }
}

async function serverVersion(sql: AnonSql) {
  return String((await sql.client.query('show server_version')).rows[0].server_version).split(' ')[0];
}

/**
 * One anonymous client at one address, against the directory before the
 * abuse migration (the first two migrations) and after it, with the
 * defaults: how many names it gets, how much mail it leaves a stranger,
 * what it learns of a stranger's whereabouts.
 */
async function abuse(base: string, report: Report, _cfg: { calls: number }) {
  const SIGNUPS = 300;
  const FILL = 1100;
  const detail: Record<string, unknown> = {};

  // Before: the first two migrations.
  const before = await AnonSql.create(base, 2);
  try {
    const victim = user('victim');
    await before.call('parley_register', [...keyArgs(victim), victim.secret]);
    await before.call('parley_heartbeat', ['victim', victim.secret, ['198.18.7.7:9100']]);
    let t = performance.now();
    let names = 0;
    for (let i = 0; i < SIGNUPS; i++) {
      const u = user(`b${i}`);
      if (!(await before.timed('parley_register', [...keyArgs(u), u.secret])).refused) names++;
    }
    const signupS = (performance.now() - t) / 1000;
    t = performance.now();
    let stored = 0;
    let bytes = 0;
    const big = envelope(DEFAULT_DIRECTORY_SETTINGS.maxEnvelopeBytes);
    for (let i = 0; i < FILL; i++) {
      if (!(await before.timed('parley_mailbox_put', ['victim', big])).refused) {
        stored++;
        bytes += DEFAULT_DIRECTORY_SETTINGS.maxEnvelopeBytes;
      }
    }
    const fillS = (performance.now() - t) / 1000;
    const [seen] = (await before.client.query(`select * from public.parley_lookup(array['victim'])`)).rows;
    detail.before = { names, signup_s: signupS, stored, bytes, fill_s: fillS, lookup: seen };
    report.add('abuse', 'before_signups', `before: sign-ups accepted of ${SIGNUPS} from one address`, names, '', undefined, `in ${signupS.toFixed(1)} s, no cost`);
    report.add('abuse', 'before_mail_to_stranger', 'before: mail one anonymous client left a stranger', bytes / 2 ** 20, 'MiB', undefined, `${stored} envelopes in ${fillS.toFixed(1)} s: the mailbox was full`);
    report.add('abuse', 'before_stranger_presence', 'before: a stranger’s address, last_ip, last_seen visible', [seen.addresses?.length > 0, !!seen.last_ip, !!seen.last_seen].filter(Boolean).length, 'of 3');
  } finally {
    await before.drop();
  }

  // After: all migrations, default settings.
  const after = await AnonSql.create(base);
  try {
    await after.owner(`update parley_private.settings set pow_register_bits = 4`);
    const victim = user('victim');
    await claim(after, victim, 4);
    await after.owner(`update parley_private.settings set pow_register_bits = ${REGISTER_BITS}`);
    await after.call('parley_heartbeat_presence', ['victim', victim.secret, JSON.stringify(signPresence('victim', { addresses: ['198.18.7.7:9100'], dhtKey: null, issuedAt: new Date().toISOString() }, victim.keys.signingPrivateKey))]);
    const cpu = process.cpuUsage();
    let t = performance.now();
    let names = 0;
    const refusals: Record<string, number> = {};
    for (let i = 0; i < SIGNUPS; i++) {
      const u = user(`a${i}`);
      // Once the limit is reached, a client gains nothing by paying: the refusal comes before the proof is checked.
      const work = names < DEFAULT_DIRECTORY_SETTINGS.rateRegisterPerHour ? await solveWork('register', u.username, REGISTER_BITS) : { minute: 0, nonce: '0' };
      const r = await after.timed('parley_claim', [...keyArgs(u), u.secret, 'a'.repeat(64), work.minute, work.nonce]);
      const why = r.refused?.split(':')[0];
      if (why) refusals[why] = (refusals[why] ?? 0) + 1;
      else names++;
    }
    const used = process.cpuUsage(cpu);
    const signupS = (performance.now() - t) / 1000;
    t = performance.now();
    let dropped = 0;
    for (let i = 0; i < 200; i++) if (!(await after.timed('parley_mailbox_drop', ['victim', envelope(1024), newCapability()])).refused) dropped++;
    for (let i = 0; i < 200; i++) if (!(await after.timed('parley_mailbox_put', ['victim', envelope(1024)])).refused) dropped++;
    let intros = 0;
    let introBytes = 0;
    const introCpu = process.cpuUsage();
    for (let i = 0; i < 40; i++) {
      const sealed = Buffer.alloc(DEFAULT_DIRECTORY_SETTINGS.introMaxBytes, i).toString('base64');
      const bytesOf = DEFAULT_DIRECTORY_SETTINGS.introMaxBytes;
      const work = await solveWork('intro', introSubject('victim', sealed), INTRO_BITS);
      if (!(await after.timed('parley_intro_put', ['victim', sealed, work.minute, work.nonce])).refused) {
        intros++;
        introBytes += bytesOf;
      }
    }
    const introUsed = process.cpuUsage(introCpu);
    const [entry] = (await after.client.query(`select * from public.parley_lookup_with_capabilities(array['victim'], array[null]::text[])`)).rows;
    const [old] = (await after.client.query(`select * from public.parley_lookup(array['victim'])`)).rows;
    detail.after = { names, refusals, signup_s: signupS, signup_cpu_s: (used.user + used.system) / 1e6, dropped, intros, intro_bytes: introBytes, intro_cpu_s: (introUsed.user + introUsed.system) / 1e6, lookup: entry, old_lookup: old };
    report.add('abuse', 'after_signups', `after: sign-ups accepted of ${SIGNUPS} from one address`, names, '', undefined, `per hour; each paid ~${((used.user + used.system) / 1e6 / Math.max(1, names)).toFixed(2)} s CPU (the rest refused RATE_LIMITED)`);
    report.add('abuse', 'after_mail_to_stranger', 'after: mail one anonymous client left a stranger', dropped, 'envelopes', undefined, '400 tries without the stranger’s capability');
    report.add('abuse', 'after_intro_to_stranger', 'after: introductions it left a stranger', introBytes / 1024, 'KiB', undefined, `${intros} of 40 tried (queue cap), ${((introUsed.user + introUsed.system) / 1e6).toFixed(1)} s CPU of proofs`);
    const visible = [entry.presence !== null, entry.last_seen !== null, old.last_ip !== null, (old.addresses ?? []).length > 0].filter(Boolean).length;
    report.add('abuse', 'after_stranger_presence', 'after: a stranger’s presence, last_seen, last_ip, addresses visible', visible, 'of 4');
  } finally {
    await after.drop();
  }
  report.detail('abuse', detail);
}
