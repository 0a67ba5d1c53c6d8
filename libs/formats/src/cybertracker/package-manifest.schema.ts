import { z } from 'zod';
import { languageTag } from './common-fields.schema';
import { isLexicallyOrderedVersion } from './package-version';

/** `package.json` at the archive root: identifies the package so an update replaces the installed copy. */
export const packageManifestSchema = z.strictObject({
  /** Stable id the runtime de-duplicates by, e.g. `org.my.package.id`. */
  id: z
    .string()
    .regex(/^\S+$/, { error: 'must be a non-empty id without spaces, such as org.my.package.id' }),
  name: z.string().min(1).optional(),
  version: z
    .string()
    .refine(isLexicallyOrderedVersion, {
      error: 'must compare correctly as a string: use YYYY.MM.DD[.NNN] or normalisePackageVersion()',
    })
    .optional(),
  language: languageTag.optional(),
});

export type PackageManifest = z.output<typeof packageManifestSchema>;
