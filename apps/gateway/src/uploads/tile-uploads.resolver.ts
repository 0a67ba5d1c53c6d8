import { Args, ID, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { withStorageAvailability } from './storage-unavailable';
import { TileUploadConfirmationService } from './tile-upload-confirmation.service';
import { TileUploadInput } from './tile-upload.input';
import { TILE_UPLOAD_LIMITS } from './tile-upload.limits';
import { TileUploadConfirmationResult, TileUploadRequest } from './tile-upload.model';
import { TileUploadRequestService } from './tile-upload-request.service';

/** Client-side tile uploads into a cache region: presigned PUTs, then a verified confirmation. */
@Resolver()
export class TileUploadsResolver {
  constructor(
    private readonly requests: TileUploadRequestService,
    private readonly confirmations: TileUploadConfirmationService,
  ) {}

  @RequireScopes('cache:write')
  @Mutation(() => TileUploadRequest, {
    description:
      'For up to 1,000 tiles of a region: index those whose bytes are stored already, and return a presigned ' +
      'PUT for each other one, bound to its key, size and SHA-256. Upload, then call confirmTileUploads.',
  })
  requestTileUploads(
    @CurrentPrincipal() principal: Principal,
    @Args('regionId', { type: () => ID }) regionId: string,
    @Args('tiles', { type: () => [TileUploadInput] }) tiles: TileUploadInput[],
    @Args('expiresInSeconds', {
      type: () => Int,
      defaultValue: TILE_UPLOAD_LIMITS.defaultExpirySeconds,
      description: `Lifetime of the URLs, ${TILE_UPLOAD_LIMITS.minExpirySeconds} to ${TILE_UPLOAD_LIMITS.maxExpirySeconds} seconds.`,
    })
    expiresInSeconds: number,
  ): Promise<TileUploadRequest> {
    return withStorageAvailability(() =>
      this.requests.request(principal.organisationId, regionId, tiles, expiresInSeconds),
    );
  }

  @RequireScopes('cache:write')
  @Mutation(() => TileUploadConfirmationResult, {
    description:
      'Read back each uploaded tile, check its size, SHA-256 and format, and index the ones that match. ' +
      'A rejected object whose bytes are not what its key names is deleted.',
  })
  confirmTileUploads(
    @CurrentPrincipal() principal: Principal,
    @Args('regionId', { type: () => ID }) regionId: string,
    @Args('tiles', { type: () => [TileUploadInput] }) tiles: TileUploadInput[],
  ): Promise<TileUploadConfirmationResult> {
    return withStorageAvailability(() =>
      this.confirmations.confirm(principal.organisationId, regionId, tiles),
    );
  }
}
