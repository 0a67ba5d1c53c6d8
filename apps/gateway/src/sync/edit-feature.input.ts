import { Field, ID, InputType } from '@nestjs/graphql';
import { ChangeOperation } from '@map-offline/crdt';
import { JsonObjectScalar } from '../common/json-object.scalar';
import './sync-enums';

@InputType({ description: 'An office edit of one feature, made on the server side (a `server:` writer).' })
export class EditFeatureInput {
  @Field(() => ID)
  layerId!: string;

  @Field(() => ID, { description: 'CREATE: a new UUID; UPDATE and DELETE: an existing feature.' })
  featureId!: string;

  @Field(() => ChangeOperation)
  op!: ChangeOperation;

  @Field(() => JsonObjectScalar, {
    nullable: true,
    description: 'A GeoJSON geometry (RFC 7946). UPDATE: absent = unchanged, null = cleared.',
  })
  geometry?: Record<string, unknown> | null;

  @Field(() => JsonObjectScalar, { nullable: true })
  set?: Record<string, unknown>;

  @Field(() => [String], { nullable: true })
  unset?: string[];
}
