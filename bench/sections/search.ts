/**
 * Full-text search over a large history: building the index for a history
 * that predates it (what an upgrading user's host runs once), and
 * GET /search latency for queries of every kind of selectivity.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { chatText, VOCABULARY } from '../lib/chat-text.js';
import { generateChats, generateFriends } from '../lib/generate.js';
import { median, percentile } from '../lib/stats.js';
import { INDEX_EVERY_MESSAGE } from '../../native-host/src/store/migrations.js';
import { registerSearchFunctions } from '../../native-host/src/store/search-text.js';
import type { SearchResponse } from '../../shared/contract.js';
import type { Testnet } from '../../testkit/testnet.js';
import type { Report } from '../lib/report.js';

const OWNER = 'search-owner';
const CHATS = 20;
const LIMIT = 30;

export async function runSearch(net: Testnet, report: Report, options: { quick: boolean }) {
  const cfg = options.quick ? { messages: 200_000, rounds: 3, perRound: 40 } : { messages: 1_000_000, rounds: 5, perRound: 100 };
  const owner = await net.start({ username: OWNER });
  await owner.stop();
  const dbFile = path.join(owner.dataDir, 'parley.db');
  const peers = generateFriends(dbFile, 'chat', CHATS);

  // The history is written without the index's triggers (fast), then the
  // index is built over it by the statement the migrations run for a
  // history that predates it, timed alone; the triggers come back with it.
  const db = new Database(dbFile);
  const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'message_search%'`).all() as Array<{ name: string; sql: string }>;
  for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
  db.close();
  const t0 = performance.now();
  generateChats(dbFile, peers, cfg.messages, { textOf: chatText });
  const generateS = (performance.now() - t0) / 1000;

  const indexDb = new Database(dbFile);
  registerSearchFunctions(indexDb);
  const t1 = performance.now();
  indexDb.transaction(() => {
    indexDb.exec(INDEX_EVERY_MESSAGE);
    for (const { sql } of triggers) indexDb.exec(sql);
  })();
  const indexS = (performance.now() - t1) / 1000;
  indexDb.close();
  const host = await net.start({ username: OWNER, dataDir: owner.dataDir });
  try {
    const rare = VOCABULARY[3000] ?? '';
    const queries: Record<string, [string, string]> = {
      common: ['the', 'most common word'],
      mid: ['tomorrow', 'a chat word'],
      rare: [rare, `a rare word (${rare})`],
      two_words: ['see tomorrow', 'two words, both required'],
      prefix_2: ['mi', 'two letters, as typed'],
      prefix_4: ['tomo', 'four letters of a word'],
      phrase: ['"see you"', 'a quoted phrase'],
      none: ['qwertyuiop', 'no match'],
      cjk: ['北京', 'two Chinese characters'],
      emoji: ['🎉', 'an emoji'],
      one_chat: ['the', 'most common word, one chat'],
    };
    const url = (name: string) => `/search?q=${encodeURIComponent(queries[name]?.[0] ?? '')}&limit=${LIMIT}${name === 'one_chat' ? `&peer=${peers[3]}` : ''}`;
    // The 10th page of the commonest word: keyset paging deep in the results.
    let anchor = '';
    for (let page = 0; page < 9; page++) {
      const res = await host.http.ok<SearchResponse>('GET', `${url('common')}${anchor ? `&before=${anchor}` : ''}`);
      anchor = res.messages.at(-1)?.msg_id ?? '';
    }
    const paths: Record<string, string> = Object.fromEntries(Object.keys(queries).map((name) => [name, url(name)]));
    paths.page_10 = `${url('common')}&before=${anchor}`;
    const hits: Record<string, number> = {};
    for (const [name, p] of Object.entries(paths)) {
      const res = await host.http.ok<SearchResponse>('GET', p);
      hits[name] = res.messages.length;
      for (let i = 0; i < 5; i++) await host.http.ok('GET', p);
    }
    if (hits.common !== LIMIT || hits.cjk === 0 || hits.none !== 0) throw new Error(`search results not as generated: ${JSON.stringify(hits)}`);

    const rounds = new Map<string, { p50: number[]; p99: number[] }>(Object.keys(paths).map((k) => [k, { p50: [], p99: [] }]));
    const all: number[] = [];
    for (let r = 0; r < cfg.rounds; r++) {
      for (const [name, p] of Object.entries(paths)) {
        const samples: number[] = [];
        for (let i = 0; i < cfg.perRound; i++) {
          const at = performance.now();
          const res = await host.http.request('GET', p);
          samples.push(performance.now() - at);
          if (res.status !== 200) throw new Error(`GET ${p} answered ${res.status}`);
        }
        all.push(...samples);
        rounds.get(name)?.p50.push(percentile(samples, 50));
        rounds.get(name)?.p99.push(percentile(samples, 99));
      }
    }
    const note = `${cfg.messages.toLocaleString('en')} messages in ${CHATS} chats, Zipf word frequencies; limit ${LIMIT}; median of ${cfg.rounds} rounds × ${cfg.perRound} requests`;
    report.add('search', 'index_build_s', `index built over ${cfg.messages.toLocaleString('en')} messages`, indexS, 's', undefined, 'the migrations\' statement for a history that predates the index; once per profile');
    report.add('search', 'all_p50', 'GET /search p50, all queries', percentile(all, 50), 'ms', undefined, note);
    report.add('search', 'all_p99', 'GET /search p99, all queries', percentile(all, 99), 'ms', undefined, note);
    for (const name of Object.keys(paths)) {
      const label = name === 'page_10' ? 'most common word, 10th page (before=)' : queries[name]?.[1];
      report.add('search', `${name}_p50`, `${label} p50`, median(rounds.get(name)?.p50 ?? []), 'ms', undefined, `${hits[name]} results`);
      report.add('search', `${name}_p99`, `${label} p99`, median(rounds.get(name)?.p99 ?? []), 'ms');
    }
    report.detail('search', { config: cfg, generate_s: generateS, index_s: indexS, paths, hits, rounds: Object.fromEntries(rounds) });
  } finally {
    await host.stop();
  }
}
