/**
 * Files: an attachment's transfer between two hosts on loopback (send →
 * verified and available at the receiver) against two floors measured in
 * the same run, a plain TCP socket between two processes (memory to memory)
 * and a plain copy over TCP (disk to disk, synced); the RSS of both hosts
 * sampled through the transfer; chat latency while it runs against idle;
 * and the two ceilings of the machine the transfer stands on: libsodium's
 * ChaCha20-Poly1305 and BLAKE2b in one process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import type { Attachment, MessagesResponse, SendResult } from '../../shared/contract.js';
import { builtPath } from '../../testkit/repo.js';
import type { TestHost } from '../../testkit/test-host.js';
import type { Testnet } from '../../testkit/testnet.js';
import { target, type Report } from '../lib/report.js';
import { median, percentile, sleep } from '../lib/stats.js';

const TCP_COPY = builtPath('bench/floor/tcp-copy.ts');
const MB = 1024 * 1024;
const SAMPLE_MS = 100;
const CHUNK = 64_000;

/** One transfer round's figures. */
interface FileRound {
  floor_memory_mbps: number;
  floor_disk_mbps: number;
  upload_mbps: number;
  parley_mbps: number;
  seconds: number;
  all_bytes_seconds: number;
  cpu_per_100mb: { sender: number; receiver: number };
  rss_before: { sender: number; receiver: number };
  rss_after: { sender: number; receiver: number };
  rss_max: { sender: number; receiver: number };
  rss_samples: { sender: number[]; receiver: number[] };
}

/** What tcp-copy prints: its port first, then what it copied. */
type CopyLine = { port: number } & { bytes: number; seconds: number };

/**
 * Writes `size` random bytes to `file`, in pieces.
 */
function writeRandomFile(file: string, size: number) {
  const fd = fs.openSync(file, 'w');
  for (let left = size; left > 0; left -= 4 * MB) fs.writeSync(fd, randomBytes(Math.min(left, 4 * MB)));
  fs.closeSync(fd);
}

/**
 * Makes the file's content new (so no host has it already), keeping its size.
 */
function stamp(file: string, round: number) {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from(`round ${round} ${Date.now()} ${Math.random()}`.padEnd(64)), 0, 64, 0);
  fs.closeSync(fd);
}

/**
 * Runs one floor copy; resolves with MB/s.
 */
async function floorCopy(mode: 'memory' | 'disk', file: string, size: number, out: string): Promise<number> {
  const receiver = spawn(process.execPath, [TCP_COPY, 'receive', mode, out], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readLines(receiver);
  const { port } = JSON.parse(await lines.next()) as CopyLine;
  const sender = spawn(process.execPath, [TCP_COPY, 'send', mode, String(port), mode === 'disk' ? file : String(size)], { stdio: 'inherit' });
  const result = JSON.parse(await lines.next()) as CopyLine;
  await Promise.all([exited(sender), exited(receiver)]);
  fs.rmSync(out, { force: true });
  if (result.bytes !== size) throw new Error(`floor ${mode} copied ${result.bytes} of ${size} bytes`);
  return size / MB / result.seconds;
}

function readLines(child: ChildProcess) {
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const wake = waiting.shift();
      if (wake) wake(line);
      else queue.push(line);
    }
  });
  return {
    next: () =>
      new Promise<string>((resolve) => {
        const line = queue.shift();
        if (line === undefined) waiting.push(resolve);
        else resolve(line);
      }),
  };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/**
 * Streams a file to POST /attachments; resolves with the attachment and MB/s.
 */
function upload(host: TestHost, file: string): Promise<{ attachment: Attachment; mbps: number }> {
  const size = fs.statSync(file).size;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.info.api_port,
        method: 'POST',
        path: '/attachments?name=bench.bin',
        headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': size },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          if (res.statusCode !== 201) return reject(new Error(`upload: ${res.statusCode} ${text}`));
          resolve({ attachment: JSON.parse(text) as Attachment, mbps: size / MB / ((performance.now() - started) / 1000) });
        });
      },
    );
    req.on('error', reject);
    fs.createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(req);
  });
}

/**
 * The attachment of `msgId` as `host` shows it.
 */
async function attachmentOf(host: TestHost, peer: string, msgId: string): Promise<Attachment | undefined> {
  const page = await host.http.ok<MessagesResponse>('GET', `/messages?peer=${peer}&limit=1&around=${msgId}`);
  return page.messages.find((m) => m.msg_id === msgId)?.attachments[0];
}

/**
 * MB/s of one libsodium operation over CHUNK-sized buffers for about a second.
 */
function rate(op: (chunk: Uint8Array) => void) {
  const chunk = randomBytes(CHUNK);
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 1000) {
    op(chunk);
    n += 1;
  }
  return (n * CHUNK) / MB / ((performance.now() - started) / 1000);
}

export async function runFiles(net: Testnet, report: Report, options: { quick: boolean }) {
  const cfg = options.quick ? { size: 100 * MB, rounds: 1, idleChat: 30 } : { size: 500 * MB, rounds: 3, idleChat: 100 };
  const limits = ['--limit', `maxAttachmentBytes=${cfg.size}`, '--limit', `attachmentQuotaBytes=${4 * cfg.size}`];
  const { alice, bob } = await net.friendPair('bench-files-a', 'bench-files-b', { args: limits });
  const file = path.join(net.root, 'transfer.bin');
  writeRandomFile(file, cfg.size);
  const events = await bob.events({ keep: false });
  const chat = async (text: string) => {
    const arrival = events.arrival(text, 60_000);
    const t0 = performance.now();
    const res = await alice.http.request('POST', '/messages', { to: 'bench-files-b', text });
    if (res.status !== 201) throw new Error(`chat send: ${res.status}`);
    return (await arrival) - t0;
  };
  try {
    const idle: number[] = [];
    for (let i = 0; i < cfg.idleChat; i++) idle.push(await chat(`idle ${i}`));

    const rounds: FileRound[] = [];
    const during: number[] = [];
    for (let r = 0; r < cfg.rounds; r++) {
      stamp(file, r);
      const memory = await floorCopy('memory', file, cfg.size, path.join(net.root, 'floor.out'));
      const disk = await floorCopy('disk', file, cfg.size, path.join(net.root, 'floor.out'));
      const up = await upload(alice, file);
      await sleep(500);
      const rssBefore = { sender: alice.rssMb(), receiver: bob.rssMb() };
      const rss = { sender: [] as number[], receiver: [] as number[] };
      const cpuBefore = { sender: alice.cpuSeconds(), receiver: bob.cpuSeconds() };
      const started = performance.now();
      const sent = await alice.http.ok<SendResult>('POST', '/messages', { to: 'bench-files-b', text: `file ${r}`, attachments: [up.attachment.attachment_id] });
      let done = false;
      const sampler = (async () => {
        while (!done) {
          rss.sender.push(alice.rssMb());
          rss.receiver.push(bob.rssMb());
          await sleep(SAMPLE_MS);
        }
      })();
      // Chat goes on beside the transfer, one message at a time.
      const chatter = (async () => {
        for (let i = 0; !done; i++) {
          during.push(await chat(`during ${r} ${i}`));
          await sleep(50);
        }
      })();
      let state: Attachment | undefined;
      let allBytesAt = NaN;
      for (;;) {
        state = await attachmentOf(bob, 'bench-files-a', sent.msg_id);
        if (state?.received_bytes === cfg.size && Number.isNaN(allBytesAt)) allBytesAt = performance.now();
        if (state && state.state !== 'receiving') break;
        await sleep(SAMPLE_MS / 2);
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = { sender: alice.cpuSeconds() - cpuBefore.sender, receiver: bob.cpuSeconds() - cpuBefore.receiver };
      done = true;
      await Promise.all([sampler, chatter]);
      if (state.state !== 'available' || state.hash !== up.attachment.hash) throw new Error(`transfer ended ${state.state}: ${state.error}`);
      const rssAfter = { sender: alice.rssMb(), receiver: bob.rssMb() };
      rounds.push({
        floor_memory_mbps: memory,
        floor_disk_mbps: disk,
        upload_mbps: up.mbps,
        parley_mbps: cfg.size / MB / seconds,
        seconds,
        all_bytes_seconds: (allBytesAt - started) / 1000,
        // CPU per 100 MB, chat beside it included: what the transfer costs whatever else the machine runs.
        cpu_per_100mb: { sender: (cpu.sender * 100 * MB) / cfg.size, receiver: (cpu.receiver * 100 * MB) / cfg.size },
        rss_before: rssBefore,
        rss_after: rssAfter,
        rss_max: { sender: Math.max(...rss.sender), receiver: Math.max(...rss.receiver) },
        rss_samples: rss,
      });
      // Free the room for the next round, on both sides.
      await alice.http.request('DELETE', `/messages/${sent.msg_id}`);
      await bob.http.request('DELETE', `/messages/${sent.msg_id}`);
    }

    await sodium.ready;
    const key = sodium.crypto_aead_chacha20poly1305_ietf_keygen();
    const nonce = new Uint8Array(12);
    const cipher = rate((chunk) => sodium.crypto_aead_chacha20poly1305_ietf_encrypt(chunk, null, null, nonce, key));
    const state = sodium.crypto_generichash_init(null, 32);
    const hash = rate((chunk) => sodium.crypto_generichash_update(state, chunk));
    sodium.crypto_generichash_final(state, 32);

    const m = (pick: (x: FileRound) => number) => median(rounds.map(pick));
    const n = `${cfg.size / MB} MB, median of ${cfg.rounds} round${cfg.rounds > 1 ? 's' : ''}`;
    report.add('files', 'floor_memory', 'floor: TCP socket, memory to memory', m((x) => x.floor_memory_mbps), 'MB/s', undefined, n);
    report.add('files', 'floor_disk', 'floor: plain file copy over TCP, disk to disk', m((x) => x.floor_disk_mbps), 'MB/s', undefined, n);
    report.add('files', 'parley', 'Parley: send → verified at the receiver', m((x) => x.parley_mbps), 'MB/s', undefined, n);
    report.add('files', 'parley_bytes', 'Parley: send → every byte on disk at the receiver', m((x) => cfg.size / MB / x.all_bytes_seconds), 'MB/s', undefined, `polled every ${SAMPLE_MS / 2} ms`);
    report.add('files', 'cpu_sender', 'CPU of the sending host per 100 MB', m((x) => x.cpu_per_100mb.sender), 's', undefined, 'user + system');
    report.add('files', 'cpu_receiver', 'CPU of the receiving host per 100 MB', m((x) => x.cpu_per_100mb.receiver), 's', undefined, 'user + system');
    report.add('files', 'ratio_disk', 'Parley / disk floor', m((x) => x.parley_mbps / x.floor_disk_mbps), '×', undefined, 'informational');
    report.add('files', 'ratio_memory', 'Parley / memory floor', m((x) => x.parley_mbps / x.floor_memory_mbps), '×', undefined, 'informational');
    report.add('files', 'upload', 'upload (POST /attachments, hashed and synced)', m((x) => x.upload_mbps), 'MB/s', undefined, n);
    report.add('files', 'cipher', 'ceiling: libsodium ChaCha20-Poly1305, one process', cipher, 'MB/s', undefined, `${CHUNK}-byte chunks`);
    report.add('files', 'hash', 'ceiling: libsodium BLAKE2b, one process', hash, 'MB/s', undefined, `${CHUNK}-byte chunks`);
    for (const side of ['sender', 'receiver'] as const) {
      report.add('files', `rss_${side}_before`, `RSS ${side}, before`, m((x) => x.rss_before[side]), 'MB');
      report.add('files', `rss_${side}_max`, `RSS ${side}, max during`, m((x) => x.rss_max[side]), 'MB', undefined, `sampled every ${SAMPLE_MS} ms`);
      report.add('files', `rss_${side}_growth`, `RSS ${side}, max during − before`, m((x) => x.rss_max[side] - x.rss_before[side]), 'MB', target('<=', 64, '≤ 64 MB (flat)'));
    }
    report.add('files', 'chat_idle_p50', 'chat p50, idle', percentile(idle, 50), 'ms', undefined, `${idle.length} messages`);
    report.add('files', 'chat_during_p50', 'chat p50, during the transfer', percentile(during, 50), 'ms', undefined, `${during.length} messages, same direction`);
    report.add('files', 'chat_during_p99', 'chat p99, during the transfer', percentile(during, 99), 'ms');
    report.detail('files', { config: cfg, rounds, chat: { idle, during } });
  } finally {
    events.close();
    fs.rmSync(file, { force: true });
    await Promise.all([alice.stop(), bob.stop()]);
  }
}
