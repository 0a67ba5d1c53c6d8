import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@map-offline/config';
import type { OfflinePackageEntity } from '@map-offline/entities';
import { cyberTrackerApplink, qrCodePng, type ApplinkApp } from '@map-offline/formats';
import { APP_CONFIG } from '@map-offline/runtime';
import { ObjectStorage, type PresignedRequest } from '@map-offline/storage';

/**
 * seconds a presigned download URL stays valid: long enough to start a large download (S3 checks the
 * expiry when a request starts, so a started download finishes), short enough that a leaked URL is stale
 */
export const DOWNLOAD_URL_EXPIRY_SECONDS = 15 * 60;
/** seconds the URL the stable link redirects to stays valid: it is used at once */
export const REDIRECT_URL_EXPIRY_SECONDS = 5 * 60;

/** Bytes of randomness in a link token (256 bits, base64url). */
const LINK_TOKEN_BYTES = 32;

/**
 * The ways to reach a package's file: a presigned URL (short-lived, HTTP Range works against storage),
 * the stable link `GET /packages/{id}/download?token=...` for applinks and printed QR codes, and the
 * applinks themselves.
 *
 * Why a per-package token in the stable link: CyberTracker and SMART fetch webUpdateUrl with a plain GET,
 * so a printed QR code can carry no Authorization header; a presigned URL expires (at most 7 days on S3);
 * a JWT in the URL would either expire or be unrevocable and would carry the user's scopes for the whole
 * organisation. The token grants one thing, downloading this package; it lives exactly as long as the
 * package, and rotatePackageLink replaces it to revoke printed codes. Knowing the package id alone gives
 * nothing (404). Bearer tokens with package:read work on the same route for API clients.
 */
@Injectable()
export class PackageLinks {
  constructor(
    private readonly storage: ObjectStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  static newToken(): string {
    return randomBytes(LINK_TOKEN_BYTES).toString('base64url');
  }

  /** Constant-time comparison, so response times do not reveal how much of a guess was right. */
  static tokenMatches(pkg: OfflinePackageEntity, token: string): boolean {
    const expected = Buffer.from(pkg.downloadToken);
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  stableDownloadUrl(pkg: OfflinePackageEntity): string {
    const base = this.config.gateway.publicBaseUrl.replace(/\/+$/, '');
    return `${base}/packages/${pkg.id}/download?token=${pkg.downloadToken}`;
  }

  /** Null unless the package is ready. */
  async presignedDownload(
    pkg: OfflinePackageEntity,
    expiresInSeconds: number,
  ): Promise<PresignedRequest | null> {
    if (pkg.state !== 'ready' || pkg.objectKey === null) return null;
    return this.storage.presignGet(pkg.objectKey, {
      expiresInSeconds,
      // File names are made of letters, digits, '.', '_' and '-' (packageFileSlug), so no quoting issues.
      responseContentDisposition: `attachment; filename="${pkg.fileName}"`,
    });
  }

  /** CyberTracker and SMART install zips (section 1 of the package format), so only zips have applinks. */
  applink(pkg: OfflinePackageEntity, app: ApplinkApp): string | null {
    if (pkg.format !== 'cybertracker-zip') return null;
    return cyberTrackerApplink(this.stableDownloadUrl(pkg), app);
  }

  async qrCodePngBase64(pkg: OfflinePackageEntity, app: ApplinkApp): Promise<string | null> {
    const link = this.applink(pkg, app);
    return link === null ? null : (await qrCodePng(link)).toString('base64');
  }
}
