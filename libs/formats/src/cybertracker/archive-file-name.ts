import { posix } from 'node:path';
import { z } from 'zod';

/** Written by the package writer itself; callers may not supply files with these names. */
export const RESERVED_FILE_NAMES = ['package.json', 'layers.json'] as const;

/**
 * A file name at the archive root (section 1: no enclosing directory): no `/` or `\`, not `.` or `..`,
 * no control characters, and an extension so the runtime can recognise the layer type.
 */
export const archiveFileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\]/.test(name), { error: 'must be a file at the archive root (no / or \\)' })
  .refine((name) => name !== '.' && name !== '..' && !hasControlCharacter(name), {
    error: 'must be a plain file name',
  })
  .refine((name) => posix.extname(name).length > 1, { error: 'must have a file extension' });

/** `Country.shp` -> `Country`: the runtime finds companion files by this basename. */
export function fileBaseName(fileName: string): string {
  return fileName.slice(0, fileName.length - posix.extname(fileName).length);
}

export function fileExtension(fileName: string): string {
  return posix.extname(fileName).toLowerCase();
}

function hasControlCharacter(name: string): boolean {
  for (const character of name) {
    const code = character.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
