import { Public } from '@map-offline/auth';
import { Controller, Get, Put, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseRangeHeader } from '../byte-range';
import { ObjectStorage } from '../object-storage.port';
import { httpStatusForStorageError } from '../storage-error.http-status';
import { isStorageError } from '../storage.error';
import { FilesystemUrlSigner, STORAGE_OBJECTS_ROUTE, type SignedGrant } from './filesystem-url.signer';

/** What Express adds to the Node request that this controller reads. */
interface HttpRequest extends IncomingMessage {
  originalUrl?: string;
  /** Present when the app was created with `rawBody: true` and a body parser consumed the stream. */
  rawBody?: Buffer;
}

const ROUTE_MARKER = `/${STORAGE_OBJECTS_ROUTE}/`;

class RequestRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: code, message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

function keyFromPath(pathname: string): string {
  const index = pathname.indexOf(ROUTE_MARKER);
  if (index === -1) throw new RequestRefused(404, 'NOT_FOUND', 'not a storage object path');
  try {
    return pathname
      .slice(index + ROUTE_MARKER.length)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
  } catch {
    throw new RequestRefused(400, 'INVALID_KEY', 'the key in the path is not valid percent-encoding');
  }
}

/**
 * Serves the filesystem driver's presigned URLs: GET (with single Range requests answered 206) and PUT,
 * which stores the body only if its length and SHA-256 equal what was signed. S3 serves these itself,
 * so StorageModule mounts this controller only for the filesystem driver.
 */
// @Public: the gateway's global ScopesGuard refuses routes without a declaration, and these requests carry
// no bearer token; the HMAC signature in the URL is their authorisation, checked in every handler.
@Public()
@Controller(STORAGE_OBJECTS_ROUTE)
export class StorageObjectsController {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly signer: FilesystemUrlSigner,
  ) {}

  @Get('*key')
  async download(@Req() request: HttpRequest, @Res() response: ServerResponse): Promise<void> {
    try {
      const { key, grant } = this.authorise(request, 'GET');
      const head = await this.storage.head(key);
      if (head === null) throw new RequestRefused(404, 'NOT_FOUND', `object ${key} does not exist`);
      const wanted = parseRangeHeader(request.headers.range, head.size);
      if (wanted.kind === 'unsatisfiable') {
        response.setHeader('Content-Range', `bytes */${head.size}`);
        throw new RequestRefused(
          416,
          'RANGE_NOT_SATISFIABLE',
          `range ${request.headers.range} is outside ${head.size} bytes`,
        );
      }
      const object = await this.storage.getStream(
        key,
        wanted.kind === 'range' ? { range: wanted.range } : {},
      );
      const headers: Record<string, string | number> = {
        'Content-Type': object.contentType,
        'Content-Length': object.contentLength,
        'Accept-Ranges': 'bytes',
        ETag: object.etag,
      };
      if (grant.contentDisposition !== undefined) headers['Content-Disposition'] = grant.contentDisposition;
      if (object.range !== undefined) {
        headers['Content-Range'] = `bytes ${object.range.start}-${object.range.end}/${object.totalSize}`;
      }
      response.writeHead(object.range === undefined ? 200 : 206, headers);
      if (request.method === 'HEAD') {
        object.body.destroy();
        response.end();
        return;
      }
      await pipeline(object.body, response);
    } catch (error) {
      this.fail(response, error);
    }
  }

  @Put('*key')
  async upload(@Req() request: HttpRequest, @Res() response: ServerResponse): Promise<void> {
    try {
      const { key, grant } = this.authorise(request, 'PUT');
      const { size, sha256, contentType } = grant;
      if (size === undefined || sha256 === undefined || contentType === undefined) {
        throw new RequestRefused(
          403,
          'SIGNATURE_MISMATCH',
          'the URL does not carry a signed size, sha256 and content type',
        );
      }
      const declaredLength = request.headers['content-length'];
      if (declaredLength === undefined) {
        throw new RequestRefused(411, 'LENGTH_REQUIRED', `Content-Length is required and must be ${size}`);
      }
      if (Number(declaredLength) !== size) {
        throw new RequestRefused(
          400,
          'SIZE_MISMATCH',
          `Content-Length ${declaredLength} does not match the signed size ${size}`,
        );
      }
      const sentType = request.headers['content-type'];
      if (sentType !== undefined && sentType !== contentType) {
        throw new RequestRefused(
          400,
          'CONTENT_TYPE_MISMATCH',
          `Content-Type ${sentType} does not match the signed ${contentType}`,
        );
      }
      // The driver hashes while writing a temporary file and publishes it only if size and SHA-256 match.
      await this.storage.put(key, this.bodyOf(request), { contentType, sha256, size });
      response.writeHead(200, { ETag: `"${sha256}"`, 'Content-Length': 0 });
      response.end();
    } catch (error) {
      this.fail(response, error);
    }
  }

  private authorise(request: HttpRequest, method: 'GET' | 'PUT'): { key: string; grant: SignedGrant } {
    const url = new URL(request.originalUrl ?? request.url ?? '/', 'http://storage.invalid');
    const key = keyFromPath(url.pathname);
    const verification = this.signer.verify(method, key, url.searchParams);
    if (!verification.valid) {
      const code =
        verification.reason === 'expired'
          ? 'EXPIRED'
          : verification.reason === 'signature'
            ? 'SIGNATURE_MISMATCH'
            : 'MALFORMED';
      throw new RequestRefused(403, code, verification.message);
    }
    return { key, grant: verification.grant };
  }

  /** The request stream, or the buffer a body parser left behind when the app keeps raw bodies. */
  private bodyOf(request: HttpRequest): Readable {
    if (!request.readableDidRead && !request.readableEnded) return request;
    if (Buffer.isBuffer(request.rawBody)) return Readable.from([request.rawBody]);
    throw new RequestRefused(
      500,
      'BODY_CONSUMED',
      'a body parser consumed the upload; create the app with `rawBody: true` or keep parsers off this route',
    );
  }

  private fail(response: ServerResponse, error: unknown): void {
    if (error instanceof RequestRefused) {
      sendError(response, error.status, error.code, error.message);
      return;
    }
    if (isStorageError(error)) {
      sendError(response, httpStatusForStorageError(error.code), error.code, error.message);
      return;
    }
    sendError(response, 500, 'INTERNAL', 'storage request failed');
  }
}
