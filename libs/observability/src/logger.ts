import pino, { Logger } from 'pino';

export type AppLogger = Logger;

/**
 * Paths pino blanks out before a line is written. Secrets must never reach logs: bearer tokens,
 * upstream API-key headers, presigned URLs (their query string is a credential) and passwords.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secretHeaders',
  '*.secretHeaders',
  'presignedUrl',
  '*.presignedUrl',
  'downloadUrl',
  '*.downloadUrl',
];

export interface LoggerOptions {
  app: string;
  level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read lines back. */
  destination?: NodeJS.WritableStream;
}

/** Structured JSON lines, one per event, with the app name on every line. */
export function createLogger(options: LoggerOptions): AppLogger {
  return pino(
    {
      level: options.level,
      base: { app: options.app },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
