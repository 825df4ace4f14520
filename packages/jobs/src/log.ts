import pino from 'pino';

/** The process logger. Secrets never reach it: credentials are redacted by path as a second guard. */
export function createLogger(level: string, name = 'tradehits') {
  return pino({
    name,
    level,
    redact: [
      'password',
      '*.password',
      'secret',
      '*.secret',
      'apiKey',
      '*.apiKey',
      'token',
      '*.token',
      'credentials',
    ],
  });
}
