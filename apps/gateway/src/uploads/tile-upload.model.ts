import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum TileUploadStatus {
  /** The bytes are stored already; the tile was indexed for the region and nothing is to be uploaded. */
  ALREADY_STORED = 'ALREADY_STORED',
  /** PUT the bytes to the presigned URL, then confirm. */
  UPLOAD = 'UPLOAD',
}
registerEnumType(TileUploadStatus, { name: 'TileUploadStatus' });

export enum TileConfirmationStatus {
  /** Verified (size and SHA-256 of the bytes read back) and indexed for the region. */
  INDEXED = 'INDEXED',
  /** No object at the tile's key: never uploaded, refused by storage, or removed meanwhile. */
  NOT_UPLOADED = 'NOT_UPLOADED',
  /** The stored object's length differs from the declared size. */
  SIZE_MISMATCH = 'SIZE_MISMATCH',
  /** The stored bytes do not hash to the declared SHA-256. */
  CHECKSUM_MISMATCH = 'CHECKSUM_MISMATCH',
  /** The bytes are not a tile of the declared content type (checked by their first bytes). */
  FORMAT_MISMATCH = 'FORMAT_MISMATCH',
}
registerEnumType(TileConfirmationStatus, { name: 'TileConfirmationStatus' });

@ObjectType()
export class HttpHeader {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: 'A presigned PUT bound to one key, size and SHA-256. The URL is a secret.' })
export class PresignedUpload {
  @Field()
  url!: string;

  @Field()
  method!: string;

  @Field(() => [HttpHeader], { description: 'Send every one exactly as given, or the upload is refused.' })
  headers!: HttpHeader[];

  @Field()
  expiresAt!: Date;
}

@ObjectType()
export class TileUploadTicket {
  @Field(() => Int, { description: 'Position of the tile in the request.' })
  index!: number;

  @Field(() => Int)
  z!: number;

  @Field(() => Int)
  x!: number;

  @Field(() => Int)
  y!: number;

  @Field()
  sha256!: string;

  @Field(() => TileUploadStatus)
  status!: TileUploadStatus;

  @Field(() => PresignedUpload, { nullable: true, description: 'Set when status is UPLOAD.' })
  upload!: PresignedUpload | null;
}

@ObjectType()
export class TileUploadRequest {
  @Field(() => ID)
  regionId!: string;

  @Field(() => Int)
  alreadyStored!: number;

  @Field(() => Int)
  toUpload!: number;

  @Field(() => [TileUploadTicket], { description: 'One per requested tile, in request order.' })
  tiles!: TileUploadTicket[];
}

@ObjectType()
export class TileUploadConfirmation {
  @Field(() => Int, { description: 'Position of the tile in the request.' })
  index!: number;

  @Field(() => Int)
  z!: number;

  @Field(() => Int)
  x!: number;

  @Field(() => Int)
  y!: number;

  @Field()
  sha256!: string;

  @Field(() => TileConfirmationStatus)
  status!: TileConfirmationStatus;

  @Field({ description: 'The rejected object was deleted from storage.' })
  objectDeleted!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the tile was rejected.' })
  message!: string | null;
}

@ObjectType()
export class TileUploadConfirmationResult {
  @Field(() => ID)
  regionId!: string;

  @Field(() => Int)
  indexed!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => [TileUploadConfirmation], { description: 'One per confirmed tile, in request order.' })
  tiles!: TileUploadConfirmation[];
}
