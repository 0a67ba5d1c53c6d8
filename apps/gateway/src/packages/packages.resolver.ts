import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { invalidInput } from '@map-offline/contracts';
import {
  OfflinePackageRepository,
  type OfflinePackageFormat,
  type OfflinePackageState,
} from '@map-offline/entities';
import { JobHandle } from '../jobs/job-handle.model';
import { toJobHandle } from '../jobs/job-handle.mapper';
import { BuildPackageInput, EstimatePackageInput } from './build-package.input';
import {
  ApplinkAppValue,
  OfflinePackage,
  PackageEstimate,
  PackageFormatValue,
  PackageStateValue,
} from './offline-package.model';
import { toOfflinePackage } from './offline-package.mapper';
import { PackageEstimatorService } from './package-estimator.service';
import { DOWNLOAD_URL_EXPIRY_SECONDS, PackageLinks } from './package-links.service';
import { PackagesService } from './packages.service';

const MAX_PAGE = 200;

@Resolver(() => OfflinePackage)
export class PackagesResolver {
  constructor(
    private readonly service: PackagesService,
    private readonly estimator: PackageEstimatorService,
    private readonly links: PackageLinks,
    private readonly records: OfflinePackageRepository,
  ) {}

  @RequireScopes('package:write')
  @Mutation(() => JobHandle, {
    description:
      'Record an offline package and queue its build; the job handle names the package (subjectId). ' +
      'With an area instead of regions the area is cached first (needs cache:write too).',
  })
  async buildPackage(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: BuildPackageInput,
  ): Promise<JobHandle> {
    return toJobHandle(await this.service.build(principal, input), null);
  }

  @RequireScopes('package:read')
  @Query(() => PackageEstimate, { description: 'Tiles and bytes a package would have; nothing is recorded.' })
  estimatePackage(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: EstimatePackageInput,
  ): Promise<PackageEstimate> {
    return this.estimator.estimate(principal.organisationId, input);
  }

  @RequireScopes('package:read')
  @Query(() => OfflinePackage, { name: 'package' })
  async offlinePackage(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OfflinePackage> {
    return toOfflinePackage(await this.service.find(principal.organisationId, id));
  }

  @RequireScopes('package:read')
  @Query(() => [OfflinePackage], { description: 'Newest first.' })
  async packages(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
    @Args('state', { type: () => PackageStateValue, nullable: true }) state?: PackageStateValue,
    @Args('format', { type: () => PackageFormatValue, nullable: true }) format?: PackageFormatValue,
  ): Promise<OfflinePackage[]> {
    if (first < 1 || first > MAX_PAGE) throw invalidInput('first', `must be between 1 and ${MAX_PAGE}`);
    if (offset < 0) throw invalidInput('offset', 'must be at least 0');
    const found = await this.records.list(principal.organisationId, {
      first,
      offset,
      ...(state ? { state: state as string as OfflinePackageState } : {}),
      ...(format ? { format: format as string as OfflinePackageFormat } : {}),
    });
    return found.map(toOfflinePackage);
  }

  @RequireScopes('package:write')
  @Mutation(() => OfflinePackage, {
    description: 'Delete a package: its file, then the tile pins (tiles no region uses are released).',
  })
  async deletePackage(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OfflinePackage> {
    return toOfflinePackage(await this.service.delete(principal.organisationId, id));
  }

  @RequireScopes('package:write')
  @Mutation(() => OfflinePackage, {
    description: 'Replace the token in the stable link: printed QR codes and shared applinks stop working.',
  })
  async rotatePackageLink(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OfflinePackage> {
    return toOfflinePackage(await this.service.rotateLink(principal.organisationId, id));
  }

  @ResolveField(() => String, {
    nullable: true,
    description: `A presigned GET of the file (valid ${DOWNLOAD_URL_EXPIRY_SECONDS} s; HTTP Range works); null until READY.`,
  })
  async downloadUrl(@Parent() pkg: OfflinePackage): Promise<string | null> {
    return (await this.links.presignedDownload(pkg.record, DOWNLOAD_URL_EXPIRY_SECONDS))?.url ?? null;
  }

  @ResolveField(() => String, {
    description:
      'GET /packages/{id}/download?token=...: checks the token and redirects to a fresh presigned URL, so it ' +
      'keeps working in printed QR codes. Treat it like a password for this one package.',
  })
  stableDownloadUrl(@Parent() pkg: OfflinePackage): string {
    return this.links.stableDownloadUrl(pkg.record);
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'https://cybertrackerwiki.org/applink(-smart)/?x=<base64 of {"webUpdateUrl": stableDownloadUrl}>; zips only.',
  })
  applink(
    @Parent() pkg: OfflinePackage,
    @Args('app', { type: () => ApplinkAppValue, defaultValue: ApplinkAppValue.CYBERTRACKER })
    app: ApplinkAppValue,
  ): string | null {
    return this.links.applink(pkg.record, app);
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'The applink as a QR code: PNG, base64; zips only.',
  })
  qrCodePng(
    @Parent() pkg: OfflinePackage,
    @Args('app', { type: () => ApplinkAppValue, defaultValue: ApplinkAppValue.CYBERTRACKER })
    app: ApplinkAppValue,
  ): Promise<string | null> {
    return this.links.qrCodePngBase64(pkg.record, app);
  }
}
