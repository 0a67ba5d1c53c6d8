import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { Response } from 'express';
import {
  AuthError,
  AuthErrorCode,
  extractBearerToken,
  missingScopes,
  Public,
  TokenVerifier,
} from '@map-offline/auth';
import { assertObjectId, DomainError, DomainErrorCode, notFound } from '@map-offline/contracts';
import { OfflinePackageEntity, OfflinePackageRepository } from '@map-offline/entities';
import { PackageLinks, REDIRECT_URL_EXPIRY_SECONDS } from './package-links.service';

/**
 * The stable download link: checks access, then redirects (302) to a freshly presigned URL, so links in
 * applinks and printed QR codes outlive any presigned URL. Access is the package's link token (`?token=`,
 * what applinks carry) or a bearer token with package:read of the package's organisation. Declared
 * @Public() because the token in the query is an authorisation the global guard does not know; both
 * checks happen here. Every refusal of a token is "not found", so the route reveals nothing.
 */
@Controller('packages')
export class PackageDownloadController {
  constructor(
    private readonly packages: OfflinePackageRepository,
    private readonly links: PackageLinks,
    private readonly verifier: TokenVerifier,
  ) {}

  @Public()
  @Get(':id/download')
  async download(
    @Param('id') id: string,
    @Query('token') token: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    assertObjectId('offline package', id);
    const pkg =
      token !== undefined ? await this.byLinkToken(id, token) : await this.byBearer(id, authorization);
    if (pkg.state !== 'ready') {
      throw new DomainError(DomainErrorCode.CONFLICT, `offline package ${id} is ${pkg.state}, not ready`);
    }
    const presigned = await this.links.presignedDownload(pkg, REDIRECT_URL_EXPIRY_SECONDS);
    if (!presigned) throw notFound('offline package file', id);
    // The redirect target is valid for minutes: never cache it, and never pass the token on as a referrer.
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.redirect(302, presigned.url);
  }

  private async byLinkToken(id: string, token: string): Promise<OfflinePackageEntity> {
    const pkg = await this.packages.findForLink(id);
    if (!pkg || pkg.state === 'deleting' || !PackageLinks.tokenMatches(pkg, token)) {
      throw notFound('offline package', id);
    }
    return pkg;
  }

  private async byBearer(id: string, authorization: string | undefined): Promise<OfflinePackageEntity> {
    const principal = await this.verifier.verify(extractBearerToken(authorization));
    const missing = missingScopes(principal.scopes, ['package:read']);
    if (missing.length > 0)
      throw new AuthError(AuthErrorCode.INSUFFICIENT_SCOPE, 'missing scope(s): package:read', missing);
    const pkg = await this.packages.find(principal.organisationId, id);
    if (!pkg) throw notFound('offline package', id);
    return pkg;
  }
}
