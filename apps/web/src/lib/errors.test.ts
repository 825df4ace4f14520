import { describe, expect, it } from 'vitest';
import { errorMessage, formErrorMessage, issuesToFieldErrors, serverFieldErrors } from './errors';

// The shape a TRPCClientError carries when the server's formatter flattens a zod error.
const zodFailure = Object.assign(new Error('[{"code":"too_small"...}]'), {
  data: {
    code: 'BAD_REQUEST',
    httpStatus: 400,
    zodError: {
      formErrors: [],
      fieldErrors: { username: ['Username needs at least 3 characters', 'second'], password: [] },
    },
  },
});

describe('serverFieldErrors', () => {
  it('keeps the first message of each field that has one', () => {
    expect(serverFieldErrors(zodFailure)).toEqual({ username: 'Username needs at least 3 characters' });
  });

  it('is empty for errors that are not about fields', () => {
    expect(serverFieldErrors(new Error('Wrong username or password.'))).toEqual({});
    expect(serverFieldErrors(Object.assign(new Error('x'), { data: { zodError: null } }))).toEqual({});
    expect(serverFieldErrors(null)).toEqual({});
    expect(serverFieldErrors(undefined)).toEqual({});
  });
});

describe('errorMessage', () => {
  it('points at the fields instead of echoing zod JSON', () => {
    expect(errorMessage(zodFailure)).toBe('Please correct the highlighted fields.');
  });

  it('prefers a form-level zod message', () => {
    const err = Object.assign(new Error('x'), {
      data: { zodError: { formErrors: ['Choose one'], fieldErrors: {} } },
    });
    expect(errorMessage(err)).toBe('Choose one');
  });

  it("uses the server's message for other errors", () => {
    expect(errorMessage(new Error('Wrong username or password.'))).toBe('Wrong username or password.');
  });

  it('explains a network failure in words', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
  });

  it('never returns a blank sentence for an error', () => {
    expect(errorMessage(new Error(''))).toBe('Something went wrong.');
    expect(errorMessage(undefined)).toBe('');
  });
});

describe('formErrorMessage', () => {
  it('leaves field complaints to the fields', () => {
    expect(formErrorMessage(zodFailure)).toBeUndefined();
  });

  it('says anything else in a sentence, and nothing when there is no error', () => {
    expect(formErrorMessage(new Error('Wrong username or password.'))).toBe('Wrong username or password.');
    expect(formErrorMessage(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
    expect(formErrorMessage(null)).toBeUndefined();
  });
});

describe('issuesToFieldErrors', () => {
  it('keys by the top-level field and keeps the first issue', () => {
    expect(
      issuesToFieldErrors([
        { path: ['tradeAmount'], message: 'a' },
        { path: ['tradeAmount'], message: 'b' },
        { path: ['params', 'stopLossPct'], message: 'c' },
        { path: [], message: 'whole' },
      ]),
    ).toEqual({ tradeAmount: 'a', params: 'c', _form: 'whole' });
  });
});
