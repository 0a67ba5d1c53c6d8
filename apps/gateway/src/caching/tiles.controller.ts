import { Controller, Get, Headers, Param, ParseIntPipe, Res } from '@nestjs/common';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Principal, RequireScopes } from '@map-offline/auth';
import { notFound } from '@map-offline/contracts';
import { assertTile } from '@map-offline/geo';
import { TileBlobEntity, TileEntity } from '@map-offline/entities';
import { blobKeyForSha256, ObjectStorage } from '@map-offline/storage';
import { TileSourcesService } from './tile-sources.service';

/** Serves cached tiles (XYZ) for online use and checks; the ETag is the tile's SHA-256. */
@Controller('tiles')
export class TilesController {
  constructor(
    private readonly sources: TileSourcesService,
    private readonly storage: ObjectStorage,
    private readonly dataSource: DataSource,
  ) {}

  @RequireScopes('cache:read')
  @Get(':sourceId/:z/:x/:y')
  async tile(
    @CurrentPrincipal() principal: Principal,
    @Param('sourceId') sourceId: string,
    @Param('z', ParseIntPipe) z: number,
    @Param('x', ParseIntPipe) x: number,
    @Param('y', ParseIntPipe) y: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    assertTile({ z, x, y }, 'tile');
    const source = await this.sources.find(principal.organisationId, sourceId);
    const tile = await this.dataSource.getRepository(TileEntity).findOneBy({ sourceId: source.id, z, x, y });
    if (!tile || tile.status === 'failed') throw notFound('cached tile', `${z}/${x}/${y}`);
    if (tile.status === 'empty' || !tile.blobSha256) {
      response.status(204).end();
      return;
    }
    const sha256 = tile.blobSha256.trim();
    const etag = `"${sha256}"`;
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', 'private, max-age=3600');
    if (ifNoneMatch === etag) {
      response.status(304).end();
      return;
    }
    const blob = await this.dataSource.getRepository(TileBlobEntity).findOneBy({ sha256 });
    const object = await this.storage.getStream(blobKeyForSha256(sha256));
    response.setHeader('Content-Type', blob?.contentType ?? object.contentType);
    response.setHeader('Content-Length', String(object.contentLength));
    object.body.pipe(response);
  }
}
