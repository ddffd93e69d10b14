import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attachment } from '../../../shared/contract.js';
import type { EventClient } from '../../../testkit/event-client.js';
import { contentHash, fileBytes, storeFiles } from '../support/attachments.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import type { TestHost } from '../../../testkit/test-host.js';
import { defined } from '../../../shared/defined.js';

const SIZE = 50 * 1024 * 1024;
/** A 12 MB/s link each way: the 50 MB file takes seconds, so the cut and the kill land where they should. */
const RATE = 12 * 1024 * 1024;
const CHAT_EVERY_MS = 100;

/**
 * Chat messages sent one after another while `running()`: the time from
 * each POST to its arrival on the friend's event stream (not to the POST's
 * answer, which also waits for the ack to come back).
 */
async function chatWhile(from: TestHost, to: string, inbox: EventClient, tag: string, running: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; running(); i++) {
    const text = `${tag} ${i}`;
    const t0 = performance.now();
    const arrived = inbox.waitFor('new_message', (m) => m.text === text, 30_000).then(() => performance.now() - t0);
    await from.api.send(to, text);
    latencies.push(await arrived);
    await new Promise((r) => setTimeout(r, CHAT_EVERY_MS));
  }
  return latencies;
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : defined(sorted[Math.floor((sorted.length - 1) / 2)]);
}

/** Where each run of the receiver started and how many bytes it wrote, from its log (a killed run writes no line). */
function runsOf(stderr: string, id: string): Array<{ from: number; taken: number; outcome: string }> {
  return [...stderr.matchAll(/attachment transfer ended.*/g)]
    .map((m) => m[0])
    .filter((line) => line.includes(id))
    .map((line) => ({
      from: Number(/"from":(\d+)/.exec(line)?.[1] ?? NaN),
      taken: Number(/"taken":(\d+)/.exec(line)?.[1] ?? NaN),
      outcome: /"outcome":"(\w+)"/.exec(line)?.[1] ?? '?',
    }));
}

/**
 * A 50 MB file over a 12 MB/s link through a proxy: the connection is cut
 * at about half way and the receiver is killed with SIGKILL at about 70 %.
 * It must end with the right hash, one file of the declared size in the
 * store and nothing partial left, after asking again only for what it had
 * not synced; chat keeps flowing during the transfer.
 */
describe('a large attachment survives a cut and a receiver crash', () => {
  const net = new Testnet();
  const proxies: TcpProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await net.close();
  });

  it('resumes from the last checkpoint and completes with the right hash', async () => {
    const [toAlice, toBob] = await Promise.all([TcpProxy.start(), TcpProxy.start()]);
    proxies.push(toAlice, toBob);
    for (const p of proxies) p.record = false;
    const quick = ['--limit', 'peerPingMs=1000', '--limit', 'peerIdleTimeoutMs=4000', '--limit', 'fileStallMs=3000'];
    const alice = await net.start({ username: 'alice', args: ['--advertise', `127.0.0.1:${toAlice.port}`, ...quick] });
    toAlice.targetPort = alice.info.peer_port;
    const bobArgs = ['--advertise', `127.0.0.1:${toBob.port}`, ...quick];
    let bob = await net.start({ username: 'bob', args: bobArgs });
    toBob.targetPort = bob.info.peer_port;
    await alice.api.addFriend('bob');
    await bob.api.addFriend('alice');
    await eventually(async () => (await alice.api.status()).peer_count === 1 && (await bob.api.status()).peer_count === 1, 20_000, 'session');
    for (const p of proxies) p.faults.rateBytesPerSec = RATE;
    let bobEvents = await bob.events();
    const aliceEvents = await alice.events();

    // Idle: chat alone on the same link.
    let idleUntil = Date.now() + 3000;
    const idle = await chatWhile(alice, 'bob', bobEvents, 'idle', () => Date.now() < idleUntil);

    const bytes = fileBytes(SIZE, 42);
    const hash = contentHash(bytes);
    const up = await alice.api.uploadAttachment('fifty.bin', bytes);
    expect(up.hash).toBe(hash);
    const stderrBefore = { bob: bob.stderr.length };
    const started = Date.now();
    const sent = await alice.api.send('bob', 'here is the big one', { attachments: [up.attachment_id] });

    // Progress as bob's host reports it (synced bytes), from its events.
    let received = 0;
    const progress = (client: EventClient) =>
      client.socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as { event: string; data: { msg_id: string; attachments: Attachment[] } };
        if (frame.event === 'message_updated' && frame.data.msg_id === sent.msg_id) received = Math.max(received, defined(frame.data.attachments[0]).received_bytes);
      });
    progress(bobEvents);

    // During the transfer, until the cut: chat both ways.
    let cut = false;
    const during = chatWhile(alice, 'bob', bobEvents, 'during', () => !cut);
    const duringBack = chatWhile(bob, 'alice', aliceEvents, 'back', () => !cut);
    await eventually(() => received >= SIZE * 0.5, 60_000, 'half of the file at bob');
    const atCut = received;
    cut = true;
    const [duringLatencies, backLatencies] = await Promise.all([during, duringBack]);
    toAlice.cutAll();
    toBob.cutAll();

    await eventually(() => received >= SIZE * 0.7, 60_000, '70 % of the file at bob');
    await bob.crash();
    const atKill = received;
    const bobLog1 = bob.stderr.slice(stderrBefore.bob);
    const partialAtKill = fs.statSync(path.join(bob.dataDir, 'attachments', 'partial', up.attachment_id)).size;
    expect(partialAtKill).toBeLessThanOrEqual(SIZE);

    bobEvents.close();
    bob = await net.restart(bob, { args: bobArgs });
    toBob.targetPort = bob.info.peer_port;
    bobEvents = await bob.events();
    progress(bobEvents);
    const done = await eventually(
      async () => (await bob.api.messages('alice', { limit: 500 })).messages.find((m) => m.msg_id === sent.msg_id)?.attachments.find((a) => a.state !== 'receiving'),
      120_000,
      'the file complete at bob',
    );
    const seconds = (Date.now() - started) / 1000;
    expect(done).toMatchObject({ state: 'available', received_bytes: SIZE, hash });

    // What is stored: one file, of the declared size, with the declared hash; nothing partial.
    expect(storeFiles(bob, 'files')).toEqual([hash]);
    expect(storeFiles(bob, 'partial')).toEqual([]);
    const stored = path.join(bob.dataDir, 'attachments', 'files', hash);
    expect(fs.statSync(stored).size).toBe(SIZE);
    expect(contentHash(fs.readFileSync(stored))).toBe(hash);
    await eventually(async () => (await alice.api.messages('bob', { limit: 500 })).messages.find((m) => m.msg_id === sent.msg_id)?.attachments[0]?.state === 'available', 20_000, 'the sender told');

    // The runs: until the cut (it syncs and records all it wrote), after the cut until the kill
    // (no log line: killed), after the restart from the last checkpoint the killed run had synced.
    const before = runsOf(bobLog1, up.attachment_id);
    const after = runsOf(bob.stderr, up.attachment_id);
    expect(before.map((r) => r.outcome)).toEqual(["stopped"]);
    expect(after.map((r) => r.outcome)).toEqual(['complete']);
    const resumedAfterCut = defined(before[0]).from + defined(before[0]).taken;
    const resumedAfterKill = defined(after[0]).from;
    // Written twice: only what the killed run wrote after its last checkpoint.
    const rewritten = partialAtKill - resumedAfterKill;
    expect(resumedAfterKill).toBeGreaterThan(resumedAfterCut);
    expect(rewritten).toBeGreaterThanOrEqual(0);
    expect(rewritten).toBeLessThanOrEqual(4 * 1024 * 1024 + 1024 * 1024);
    expect(resumedAfterKill + defined(after[0]).taken).toBe(SIZE);
    const onWire = toAlice.carried.up + toAlice.carried.down + toBob.carried.up + toBob.carried.down;
    console.log(
      `faults[attachment-resume]: size=${SIZE} seconds=${seconds.toFixed(1)} cut_at=${((atCut / SIZE) * 100).toFixed(0)}% ` +
        `resumed_after_cut_at=${resumedAfterCut} killed_at=${((atKill / SIZE) * 100).toFixed(0)}% partial_at_kill=${partialAtKill} ` +
        `resumed_after_kill_at=${resumedAfterKill} rewritten_bytes=${rewritten} wire_bytes=${onWire} ` +
        `chat_p50_idle_ms=${p50(idle).toFixed(1)} chat_p50_during_ms=${p50(duringLatencies).toFixed(1)} ` +
        `chat_back_p50_during_ms=${p50(backLatencies).toFixed(1)} chat_samples=${idle.length}/${duringLatencies.length}/${backLatencies.length}`,
    );
    // Chat kept flowing while the file went.
    expect(duringLatencies.length).toBeGreaterThan(3);
    expect(backLatencies.length).toBeGreaterThan(3);
    idleUntil = 0;
    bobEvents.close();
    aliceEvents.close();
  });
});
