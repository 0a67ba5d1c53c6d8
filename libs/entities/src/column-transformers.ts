import { ValueTransformer } from 'typeorm';

/**
 * pg returns BIGINT as a string to avoid precision loss. Byte and tile counts here stay far below
 * 2^53 (9 PB), so numbers are safe and far easier to use.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
