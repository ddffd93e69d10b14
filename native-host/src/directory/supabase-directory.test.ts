import { describe, expect, it } from 'vitest';
import { mapError } from './supabase-directory.js';

describe('Supabase error mapping', () => {
  it('maps the migration errors to typed directory errors', () => {
    expect(mapError({ code: 'P0001', message: 'username_taken', details: 'alice' }, 400)).toMatchObject({
      code: 'USERNAME_TAKEN',
    });
    expect(mapError({ code: 'P0001', message: 'directory_limit', details: 'Envelope too large' }, 400)).toMatchObject({
      code: 'DIRECTORY_LIMIT',
      message: 'Envelope too large',
    });
    expect(mapError({ code: 'P0001', message: 'directory_rejected', details: 'Unknown user' }, 400)).toMatchObject({
      code: 'DIRECTORY_REJECTED',
    });
    expect(mapError({ code: '22P02', message: 'invalid input syntax for type integer' }, 400)).toMatchObject({
      code: 'DIRECTORY_REJECTED',
    });
  });

  it('treats no answer, server errors and a misconfigured endpoint as unreachable', () => {
    for (const [code, status] of [['', 0], ['PGRST000', 503], ['XX000', 500], ['42501', 401], ['PGRST202', 404]] as const) {
      expect(mapError({ code, message: 'x' }, status)).toMatchObject({ code: 'DIRECTORY_UNREACHABLE' });
    }
  });
});
