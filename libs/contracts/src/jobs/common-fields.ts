import { z } from 'zod';

export const uuidField = z.uuid({ error: 'must be a UUID' });

/** The tenant every job works for; handlers scope every read and write by it. */
export const organisationIdField = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits, ".", "_", ":" and "-"');

export const zoomField = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be at least 0')
  .max(24, 'must be at most 24');
