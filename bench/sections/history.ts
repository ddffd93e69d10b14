/**
 * History paging over a large generated conversation: GET /messages pages of
 * 50 by offset and by keyset (before=), against a trivial GET /status that
 * shows the HTTP part of each figure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startStaticHttp } from '../lib/floor.js';
import { generateHistory } from '../lib/generate.js';
import { target } from '../lib/report.js';
import { median, percentile } from '../lib/stats.js';
import type { MessagesResponse } from '../../shared/contract.js';
import type { HttpClient } from '../../testkit/http-client.js';
import type { Testnet } from '../../testkit/testnet.js';
import type { Report } from '../lib/report.js';

const OWNER = 'hist-owner';
const PEER = 'hist-peer';
const PAGE = 50;

export async function runHistory(net: Testnet, report: Report, options: { quick: boolean }) {
  const cfg = options.quick ? { messages: 200_000, rounds: 3, perRound: 60 } : { messages: 1_000_000, rounds: 5, perRound: 200 };
  // The friend must be in the directory to be added through the API; then both stop.
  const [owner, peer] = await Promise.all([net.start({ username: OWNER }), net.start({ username: PEER })]);
  await owner.http.ok('POST', '/friends', { username: PEER });
  await Promise.all([owner.stop(), peer.stop()]);

  const t0 = performance.now();
  const deep = Math.max(PAGE + 1, Math.round(cfg.messages * 0.01));
  const anchors = generateHistory(path.join(owner.dataDir, 'parley.db'), PEER, cfg.messages, [deep, cfg.messages - PAGE]);
  const generateS = (performance.now() - t0) / 1000;

  const host = await net.start({ username: OWNER, dataDir: owner.dataDir });
  try {
    const q = `/messages?peer=${PEER}&limit=${PAGE}`;
    const routes = {
      status: '/status',
      offset_0: `${q}&offset=0`,
      offset_1000: `${q}&offset=1000`,
      offset_10000: `${q}&offset=10000`,
      offset_half: `${q}&offset=${Math.floor(cfg.messages / 2)}`,
      before_recent: `${q}&before=${anchors[cfg.messages - PAGE]}`,
      before_deep: `${q}&before=${anchors[deep]}`,
    };
    const first = await host.http.ok<MessagesResponse>('GET', routes.offset_10000);
    if (first.total !== cfg.messages || first.messages.length !== PAGE) throw new Error(`history not as generated: total ${first.total}`);
    const deepPage = await host.http.ok<MessagesResponse>('GET', routes.before_deep);
    if (deepPage.messages.length !== PAGE || !deepPage.has_more) throw new Error('before= page not as expected');

    // The floor: the same 50-message page served by a bare node:http process.
    const pageFile = path.join(net.root, 'page.json');
    fs.writeFileSync(pageFile, JSON.stringify(await host.http.ok('GET', routes.offset_0)));
    const bare = await startStaticHttp(pageFile);
    const clients: Record<string, HttpClient> = { bare_http: bare.http };
    const queries: Record<string, string> = { bare_http: '/', ...routes };

    const results = new Map<string, { p50: number[]; p99: number[] }>(Object.keys(queries).map((k) => [k, { p50: [], p99: [] }]));
    for (const [name, path] of Object.entries(queries)) for (let i = 0; i < 10; i++) await (clients[name] ?? host.http).ok('GET', path);
    for (let r = 0; r < cfg.rounds; r++) {
      for (const [name, path] of Object.entries(queries)) {
        const samples: number[] = [];
        // The deep offset page is slow by design (it walks the index): fewer samples.
        const n = name === 'offset_half' ? Math.ceil(cfg.perRound / 5) : cfg.perRound;
        for (let i = 0; i < n; i++) {
          const at = performance.now();
          const res = await (clients[name] ?? host.http).request('GET', path);
          samples.push(performance.now() - at);
          if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
        }
        results.get(name)?.p50.push(percentile(samples, 50));
        results.get(name)?.p99.push(percentile(samples, 99));
      }
    }
    const p50 = (name: string) => median(results.get(name)?.p50 ?? []);
    const note = `${cfg.messages.toLocaleString('en')} messages; median of ${cfg.rounds} rounds × ${cfg.perRound} requests`;
    const keyset = target('<', 1, '< 1 ms');
    const offset = target('<', 5, '< 5 ms');
    report.add('history', 'bare_http_p50', 'bare node:http GET, same page (floor)', p50('bare_http'), 'ms', undefined, note);
    report.add('history', 'status_p50', 'GET /status p50', p50('status'), 'ms', undefined, note);
    report.add('history', 'offset_0_p50', 'page offset 0 p50', p50('offset_0'), 'ms', offset);
    report.add('history', 'offset_1000_p50', 'page offset 1,000 p50', p50('offset_1000'), 'ms', offset);
    report.add('history', 'offset_10000_p50', 'page offset 10,000 p50', p50('offset_10000'), 'ms', offset);
    report.add('history', 'offset_half_p50', `page offset ${Math.floor(cfg.messages / 2).toLocaleString('en')} p50`, p50('offset_half'), 'ms', undefined, 'informational: no target past 10,000');
    report.add('history', 'before_recent_p50', 'keyset page, before= newest p50', p50('before_recent'), 'ms', keyset);
    report.add('history', 'before_deep_p50', `keyset page, before= #${deep.toLocaleString('en')} p50`, p50('before_deep'), 'ms', keyset);
    const floor = p50('bare_http');
    report.add('history', 'before_deep_ratio', 'keyset deep / floor', p50('before_deep') / floor, '×', undefined, 'informational');
    report.add('history', 'offset_10000_ratio', 'offset 10,000 / floor', p50('offset_10000') / floor, '×', undefined, 'informational');
    await bare.stop();
    report.detail('history', { config: cfg, generate_s: generateS, queries, rounds: Object.fromEntries(results) });
  } finally {
    await host.stop();
  }
}
