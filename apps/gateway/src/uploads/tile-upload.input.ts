import { Field, InputType, Int } from '@nestjs/graphql';

@InputType({ description: 'One tile a client holds: where it goes and what its bytes are.' })
export class TileUploadInput {
  @Field(() => Int)
  z!: number;

  @Field(() => Int)
  x!: number;

  @Field(() => Int, { description: 'XYZ row (north at 0).' })
  y!: number;

  @Field({ description: 'SHA-256 of the tile bytes, 64 lower-case hexadecimal characters.' })
  sha256!: string;

  @Field(() => Int, { description: 'Bytes; at most 4 MiB.' })
  size!: number;

  @Field({ description: "The tile's media type; must be the source's format, e.g. image/png." })
  contentType!: string;
}
