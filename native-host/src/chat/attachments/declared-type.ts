import { defined } from '../../../../shared/defined.js';

/** What an upload or an offer may declare as its type; anything else becomes this. */
export const UNKNOWN_TYPE = 'application/octet-stream';

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;

/**
 * A declared media type reduced to `type/subtype` (parameters dropped,
 * lower case), or UNKNOWN_TYPE. It is only ever a hint: what a file is
 * shown as is decided from its bytes (shared/image-type.ts).
 */
export function declaredType(input: string | undefined | null): string {
  const type = defined((input ?? '').split(';', 1)[0]).trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : UNKNOWN_TYPE;
}
