import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, statusForSqlState, type PostgrestErrorBody } from './postgrest-errors.js';
import type { Row, SqlEngine, SqlSession } from './sql-engine.js';
import { defined } from '../../../shared/defined.js';

/**
 * A minimal PostgREST stand-in for tests: just `POST /rest/v1/rpc/<fn>`,
 * enough for supabase-js `rpc()`. Like PostgREST it calls the function with
 * named arguments decoded by `json_to_record` against the function's own
 * signature, inside a transaction switched to the request role (anon), so
 * the migration's grants are what decides access; read-only for a function
 * that is not VOLATILE; with the request's headers (lower-cased) as JSON in
 * the `request.headers` setting. Functions are looked up in schema `public`
 * only.
 */
export interface PostgrestLite {
  /** Base URL for `createClient(url, key)`. */
  url: string;
  close(): Promise<void>;
}

export interface PostgrestLiteOptions {
  /** Database role requests run as; PostgREST uses the JWT's role, anon for the anon key. */
  role?: string;
  /** Largest request body accepted. */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const RPC_PATH = /^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

interface FunctionInfo {
  retset: boolean;
  volatile: boolean;
  rettype: string;
  typtype: string;
  args: { name: string; type: string }[];
  ndefaults: number;
}

interface Reply {
  status: number;
  body?: unknown;
}

const FUNCTION_INFO_SQL = `
  select p.proretset as retset, p.provolatile = 'v' as volatile, t.typname as rettype, t.typtype::text as typtype,
    p.pronargdefaults as ndefaults,
    coalesce((
      select pg_catalog.json_agg(pg_catalog.json_build_object(
        'name', a.name, 'type', pg_catalog.format_type(a.type, null)) order by a.ord)
      -- Multi-array unnest is FROM-clause syntax and cannot be schema-qualified.
      from unnest(
        coalesce(p.proallargtypes, p.proargtypes::oid[]),
        p.proargnames,
        coalesce(p.proargmodes, pg_catalog.array_fill('i'::"char", array[p.pronargs]))
      ) with ordinality as a(type, name, mode, ord)
      where a.mode in ('i', 'b', 'v')
    ), '[]'::json) as args
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  join pg_catalog.pg_type t on t.oid = p.prorettype
  where n.nspname = 'public' and p.proname = $1`;

export async function startPostgrestLite(engine: SqlEngine, options: PostgrestLiteOptions = {}): Promise<PostgrestLite> {
  const role = options.role ?? 'anon';
  if (!IDENTIFIER.test(role)) throw new Error(`bad role name ${role}`);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const server = http.createServer((req, res) => {
    void handle(req, engine, role, maxBody).then(
      (reply) => send(res, reply),
      (err: unknown) => send(res, { status: 500, body: pgrstError('PGRST000', String(err)) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: http.IncomingMessage, engine: SqlEngine, role: string, maxBody: number): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const match = RPC_PATH.exec(url.pathname);
  const raw = await readBody(req, maxBody);
  if (raw === null) return { status: 413, body: pgrstError('PGRST000', 'Request body too large') };
  if (!match) return { status: 404, body: pgrstError('PGRST125', `Invalid path ${url.pathname}`) };
  if (req.method !== 'POST') return { status: 405, body: pgrstError('PGRST117', `Unsupported HTTP method ${req.method}`) };
  const fn = defined(match[1]);

  let args: unknown;
  try {
    args = raw.length === 0 ? {} : JSON.parse(raw);
  } catch {
    return { status: 400, body: pgrstError('PGRST102', 'Empty or invalid json') };
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return { status: 400, body: pgrstError('PGRST102', 'Arguments must be a JSON object') };
  }
  const given = Object.keys(args);
  return engine.withSession(async (session) => {
    const info = await findFunction(session, fn, given);
    if (info === null) {
      return {
        status: 404,
        body: pgrstError('PGRST202', `Could not find the function public.${fn}(${given.join(', ')}) in the schema cache`),
      };
    }
    return callFunction(session, fn, info, given, JSON.stringify(args), role, JSON.stringify(req.headers));
  });
}

/** The overload whose named inputs cover exactly the given keys (missing ones must have defaults). */
async function findFunction(session: SqlSession, fn: string, given: string[]): Promise<FunctionInfo | null> {
  const candidates = (await session.query(FUNCTION_INFO_SQL, [fn])) as unknown as FunctionInfo[];
  for (const info of candidates) {
    const names = info.args.map((a) => a.name);
    if (!given.every((key) => names.includes(key))) continue;
    const required = names.slice(0, names.length - info.ndefaults);
    if (required.every((name) => given.includes(name))) return info;
  }
  return null;
}

async function callFunction(
  session: SqlSession,
  fn: string,
  info: FunctionInfo,
  given: string[],
  json: string,
  role: string,
  headers: string,
): Promise<Reply> {
  const used = info.args.filter((a) => given.includes(a.name));
  const call = `public."${fn}"(${used.map((a) => `"${a.name}" := _args."${a.name}"`).join(', ')})`;
  const record = used.length === 0 ? '(select 1) as _args' : `pg_catalog.json_to_record($1::json) as _args(${used.map((a) => `"${a.name}" ${a.type}`).join(', ')})`;
  const params = used.length === 0 ? [] : [json];
  const returnsRows = info.retset || info.typtype === 'c' || info.rettype === 'record';
  const sql =
    info.rettype === 'void'
      ? `select ${call} from ${record}`
      : returnsRows
        ? `select coalesce(pg_catalog.json_agg(_r), '[]'::json) as body from ${record} cross join lateral ${call} as _r`
        : `select pg_catalog.to_json(${call}) as body from ${record}`;

  await session.query(info.volatile ? 'begin' : 'begin read only');
  try {
    await session.query(`set local role "${role}"`);
    await session.query(`select pg_catalog.set_config('request.headers', $1, true)`, [headers]);
    const rows: Row[] = await session.query(sql, params);
    await session.query('commit');
    if (info.rettype === 'void') return { status: 204 };
    const body = rows[0]?.body ?? null;
    if (returnsRows && !info.retset) return { status: 200, body: Array.isArray(body) ? (body[0] ?? null) : body };
    return { status: 200, body };
  } catch (err) {
    await session.query('rollback');
    const body = errorBody(err);
    return { status: statusForSqlState(body.code, role === 'anon'), body };
  }
}

function pgrstError(code: string, message: string): PostgrestErrorBody {
  return { code, message, details: null, hint: null };
}

function readBody(req: http.IncomingMessage, maxBody: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
