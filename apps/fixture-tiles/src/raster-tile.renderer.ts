import sharp from 'sharp';
import { TileCoord, tilesPerSide } from '@map-offline/geo';
import { GeojsonVtTile } from './geojson-vt.loader';
import { TilePalette } from './tile-style';
import { VECTOR_BUFFER, VECTOR_EXTENT, WorldVectorSource } from './world-vector.source';

export const TILE_SIZE_PIXELS = 256;
// Border stroke width in tile units (VECTOR_EXTENT / TILE_SIZE_PIXELS = 16 units per pixel): 0.8 pixel.
const BORDER_WIDTH_UNITS = 13;

type Ring = Array<[number, number]>;

/** PNG tiles: an SVG of the clipped polygons in tile units, rasterised by sharp (librsvg + libpng). */
export class RasterTileRenderer {
  constructor(private readonly source: WorldVectorSource) {}

  /** A tile of one colour; every sea (or land) tile of a palette is this same buffer. */
  async renderUniform(palette: TilePalette, fill: 'sea' | 'land'): Promise<Buffer> {
    return rasterise(svgDocument(palette[fill], ''));
  }

  async renderMixed(tile: TileCoord, palette: TilePalette): Promise<Buffer> {
    const countries = this.source.countriesTile(tile);
    return rasterise(svgDocument(palette.sea, countries ? countryShapes(countries, tile, palette) : ''));
  }
}

function svgDocument(background: string, shapes: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE_SIZE_PIXELS}" height="${TILE_SIZE_PIXELS}" ` +
    `viewBox="0 0 ${VECTOR_EXTENT} ${VECTOR_EXTENT}">` +
    `<rect x="-${VECTOR_BUFFER}" y="-${VECTOR_BUFFER}" width="${VECTOR_EXTENT + 2 * VECTOR_BUFFER}" ` +
    `height="${VECTOR_EXTENT + 2 * VECTOR_BUFFER}" fill="${background}"/>${shapes}</svg>`
  );
}

async function rasterise(svg: string): Promise<Buffer> {
  // The background rect makes every pixel opaque, so the alpha channel is dropped (smaller, and the
  // same bytes as any other tile of that colour).
  return sharp(Buffer.from(svg)).removeAlpha().png({ compressionLevel: 6 }).toBuffer();
}

function countryShapes(countries: GeojsonVtTile, tile: TileCoord, palette: TilePalette): string {
  let fill = '';
  let stroke = '';
  const edges = new ArtificialEdges(tile);
  for (const feature of countries.features) {
    // 3 = polygon in the vector tile spec (geojson-vt's typings declare an enum that does not exist at run time)
    if ((feature.type as number) !== 3) continue;
    // geojson-vt's typings say points; for polygons (type 3) the geometry is a list of closed rings.
    const rings = feature.geometry as unknown as Ring[];
    for (const ring of rings) {
      fill += ringPath(ring);
      stroke += visibleOutline(ring, edges);
    }
  }
  return (
    `<path d="${fill}" fill="${palette.land}"/>` +
    `<path d="${stroke}" fill="none" stroke="${palette.border}" stroke-width="${BORDER_WIDTH_UNITS}" ` +
    `stroke-linejoin="round" stroke-linecap="round"/>`
  );
}

function ringPath(ring: Ring): string {
  let path = `M${ring[0][0]} ${ring[0][1]}`;
  for (let index = 1; index < ring.length; index += 1) path += ` ${ring[index][0]} ${ring[index][1]}`;
  return `${path}Z`;
}

/** The outline without the edges that are not coasts or borders, so they are not stroked. */
function visibleOutline(ring: Ring, edges: ArtificialEdges): string {
  let path = '';
  let penDown = false;
  for (let index = 1; index < ring.length; index += 1) {
    const [startX, startY] = ring[index - 1];
    const [endX, endY] = ring[index];
    if (edges.isArtificial(startX, startY, endX, endY)) {
      penDown = false;
      continue;
    }
    path += penDown ? ` ${endX} ${endY}` : `M${startX} ${startY} ${endX} ${endY}`;
    penDown = true;
  }
  return path;
}

/**
 * Straight edges that exist only because geometry was cut: geojson-vt's clip at the tile buffer, and the
 * world's edges (Antarctica is closed along the south edge and the antimeridian), in tile units.
 */
class ArtificialEdges {
  private readonly verticalLines: number[];
  private readonly horizontalLines: number[];

  constructor(tile: TileCoord) {
    const side = tilesPerSide(tile.z);
    this.verticalLines = [-tile.x * VECTOR_EXTENT, (side - tile.x) * VECTOR_EXTENT];
    this.horizontalLines = [-tile.y * VECTOR_EXTENT, (side - tile.y) * VECTOR_EXTENT];
  }

  isArtificial(startX: number, startY: number, endX: number, endY: number): boolean {
    if (startX === endX && (isOutsideBuffer(startX) || this.verticalLines.includes(startX))) return true;
    if (startY === endY && (isOutsideBuffer(startY) || this.horizontalLines.includes(startY))) return true;
    return false;
  }
}

function isOutsideBuffer(coordinate: number): boolean {
  return coordinate <= -VECTOR_BUFFER || coordinate >= VECTOR_EXTENT + VECTOR_BUFFER;
}
