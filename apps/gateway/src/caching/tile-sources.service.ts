import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { AppConfig } from '@map-offline/config';
import { assertObjectId, DomainError, DomainErrorCode, invalidInput, notFound } from '@map-offline/contracts';
import { assertZoomRange } from '@map-offline/geo';
import { TileSourceEntity } from '@map-offline/entities';
import { APP_CONFIG } from '@map-offline/runtime';
import { compileTileSource, createAddressPolicy } from '@map-offline/upstream';
import { RegisterTileSourceInput } from './register-tile-source.input';
import { TileFormatValue, TileSchemeValue, TileSource } from './tile-source.model';

const MAX_SECRET_HEADERS = 20;
const MAX_SOURCES_LIST = 500;

@Injectable()
export class TileSourcesService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(organisationId: string, input: RegisterTileSourceInput): Promise<TileSource> {
    this.validate(input);
    const repository = this.dataSource.getRepository(TileSourceEntity);
    try {
      const saved = await repository.save(
        repository.create({
          organisationId,
          name: input.name,
          urlTemplate: input.urlTemplate,
          scheme: input.scheme,
          format: input.format,
          minZoom: input.minZoom,
          maxZoom: input.maxZoom,
          attribution: input.attribution,
          subdomains: input.subdomains,
          maxRequestsPerSecond: input.maxRequestsPerSecond,
          maxConcurrentRequests: input.maxConcurrentRequests,
          secretHeaders: Object.fromEntries(input.headers.map((header) => [header.name, header.value])),
          transcodeToWebp: input.transcodeToWebp,
        }),
      );
      return toTileSource(saved);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new DomainError(
          DomainErrorCode.CONFLICT,
          `a tile source named "${input.name}" already exists`,
          { field: 'name' },
        );
      }
      throw error;
    }
  }

  async find(organisationId: string, id: string): Promise<TileSourceEntity> {
    assertObjectId('tile source', id);
    const source = await this.dataSource.getRepository(TileSourceEntity).findOneBy({ organisationId, id });
    if (!source) throw notFound('tile source', id);
    return source;
  }

  async list(organisationId: string): Promise<TileSource[]> {
    const sources = await this.dataSource
      .getRepository(TileSourceEntity)
      .find({ where: { organisationId }, order: { name: 'ASC' }, take: MAX_SOURCES_LIST });
    return sources.map(toTileSource);
  }

  private validate(input: RegisterTileSourceInput): void {
    if (input.name.trim().length === 0 || input.name.length > 200)
      throw invalidInput('name', 'must be 1 to 200 characters');
    if (input.attribution.length > 1000) throw invalidInput('attribution', 'must be at most 1000 characters');
    assertZoomRange(input.minZoom, input.maxZoom, 'minZoom');
    if (input.headers.length > MAX_SECRET_HEADERS) {
      throw new DomainError(
        DomainErrorCode.LIMIT_EXCEEDED,
        `headers: at most ${MAX_SECRET_HEADERS} headers`,
        {
          field: 'headers',
          limit: MAX_SECRET_HEADERS,
        },
      );
    }
    const template = compileTileSource({
      id: 'new',
      urlTemplate: input.urlTemplate,
      scheme: input.scheme,
      format: input.format,
      subdomains: input.subdomains,
      maxRequestsPerSecond: input.maxRequestsPerSecond,
      maxConcurrentRequests: input.maxConcurrentRequests,
      headers: Object.fromEntries(input.headers.map((header) => [header.name, header.value])),
    });
    const allowed = this.config.caching.allowedSourceHosts;
    const addressAllowed = createAddressPolicy(this.config.caching.allowedInternalCidrs);
    for (const host of template.hosts) {
      // An entry may name a host ("tiles.example.org") or a host and port ("127.0.0.1:4200").
      const hostname = host.toLowerCase().replace(/:\d+$/, '');
      // IP literals (URL parsing has already turned 2130706433 or 0x7f.1 into dotted form) are checked
      // now; names are checked again at connect time by the seeder, after DNS.
      const literal = hostname.replace(/^\[|\]$/g, '');
      if (
        isIP(literal) &&
        !addressAllowed(literal, { hostname: literal, family: isIP(literal) === 6 ? 6 : 4 })
      ) {
        throw invalidInput(
          'urlTemplate',
          `address ${literal} is internal (loopback, link-local or private) and not allowed`,
        );
      }
      if (!allowed.includes('*') && !allowed.includes(host.toLowerCase()) && !allowed.includes(hostname)) {
        throw invalidInput(
          'urlTemplate',
          `host "${host}" is not on the tile source allow-list (TILE_SOURCE_ALLOWED_HOSTS: ${allowed.join(', ') || 'empty'})`,
        );
      }
    }
  }
}

export function toTileSource(entity: TileSourceEntity): TileSource {
  return {
    id: entity.id,
    name: entity.name,
    urlTemplate: entity.urlTemplate,
    scheme: entity.scheme as TileSchemeValue,
    format: entity.format as TileFormatValue,
    minZoom: entity.minZoom,
    maxZoom: entity.maxZoom,
    attribution: entity.attribution,
    subdomains: entity.subdomains,
    maxRequestsPerSecond: entity.maxRequestsPerSecond,
    maxConcurrentRequests: entity.maxConcurrentRequests,
    secretHeaderNames: Object.keys(entity.secretHeaders),
    transcodeToWebp: entity.transcodeToWebp,
    createdAt: entity.createdAt,
  };
}
