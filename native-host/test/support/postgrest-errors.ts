/** PostgREST's error body. */
export interface PostgrestErrorBody {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
}

// PostgREST's SQLSTATE -> HTTP status table (docs.postgrest.org, "Errors"),
// most specific first.
const STATUS_BY_CODE: [RegExp, number][] = [
  [/^08/, 503],
  [/^09/, 500],
  [/^0L/, 403],
  [/^0P/, 403],
  [/^23503$/, 409],
  [/^23505$/, 409],
  [/^25006$/, 405],
  [/^25/, 500],
  [/^28/, 403],
  [/^2D/, 500],
  [/^38/, 500],
  [/^39/, 500],
  [/^3B/, 500],
  [/^40/, 500],
  [/^53400$/, 500],
  [/^53/, 503],
  [/^54/, 500],
  [/^55/, 500],
  [/^57/, 500],
  [/^58/, 500],
  [/^F0/, 500],
  [/^HV/, 500],
  [/^P0001$/, 400],
  [/^P0/, 500],
  [/^XX/, 500],
  [/^42883$/, 404],
  [/^42P01$/, 404],
];

/** HTTP status PostgREST answers for a SQLSTATE; `anonymous` picks 401 over 403 for 42501. */
export function statusForSqlState(code: string, anonymous: boolean): number {
  if (code === '42501') return anonymous ? 401 : 403;
  const custom = /^PT(\d{3})$/.exec(code);
  if (custom) return Number(custom[1]);
  for (const [pattern, status] of STATUS_BY_CODE) if (pattern.test(code)) return status;
  return 400;
}

/** PostgREST's error body for a database error (pg and PGlite errors share these fields). */
export function errorBody(err: unknown): PostgrestErrorBody {
  const e = err as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : 'XX000',
    message: typeof e.message === 'string' ? e.message : String(err),
    details: typeof e.detail === 'string' ? e.detail : null,
    hint: typeof e.hint === 'string' ? e.hint : null,
  };
}
