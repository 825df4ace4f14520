import { describe, expect, it } from 'vitest';
import { errorMessage } from './errors';

describe('errorMessage', () => {
  it('is an error’s message, or anything else as text', () => {
    expect(errorMessage(new Error('venue timed out'))).toBe('venue timed out');
    expect(errorMessage('plain')).toBe('plain');
  });

  it('gives a wrapped query error’s driver message and SQLSTATE, never its SQL or parameters', () => {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "trades_pkey"'), {
      code: '23505',
    });
    const wrapped = new Error(
      'Failed query: insert into "users" values ($1, $2)\nparams: ann,$argon2id$secret',
      {
        cause: driver,
      },
    );
    const message = errorMessage(wrapped);
    expect(message).toBe(
      'database error 23505: duplicate key value violates unique constraint "trades_pkey"',
    );
    expect(message).not.toMatch(/insert|argon2|params/);
    expect(errorMessage(new Error('Failed query: select 1'))).toBe('the database refused a query');
  });
});
