import { Field, ID, InputType } from '@nestjs/graphql';
import { ChangeOperation } from '@map-offline/crdt';
import { JsonObjectScalar } from '../common/json-object.scalar';
import './sync-enums';

@InputType({ description: 'One offline edit of one feature.' })
export class SyncChangeInput {
  @Field(() => ID, { description: 'The UUID the device gave the feature when it created it.' })
  featureId!: string;

  @Field(() => ChangeOperation)
  op!: ChangeOperation;

  @Field(() => JsonObjectScalar, {
    nullable: true,
    description: 'A GeoJSON geometry (RFC 7946). UPDATE: absent = unchanged, null = cleared.',
  })
  geometry?: Record<string, unknown> | null;

  @Field(() => JsonObjectScalar, { nullable: true, description: 'Properties to set: key -> JSON value.' })
  set?: Record<string, unknown>;

  @Field(() => [String], { nullable: true, description: 'Property keys to remove.' })
  unset?: string[];

  @Field(() => JsonObjectScalar, {
    description: "The device's vector clock for the feature after this edit: device id -> counter.",
  })
  clock!: Record<string, unknown>;

  @Field({ description: 'Hybrid timestamp of the edit: "<12 hex ms>:<4 hex counter>:<device id>".' })
  hlc!: string;

  @Field(() => JsonObjectScalar, {
    nullable: true,
    description: 'The version vector of the feature the device last synced (its common ancestor).',
  })
  baseClock?: Record<string, unknown>;
}

@InputType()
export class PushChangesInput {
  @Field(() => ID)
  layerId!: string;

  @Field({ description: 'The device id used in the clocks; ids starting "server:" are refused.' })
  deviceId!: string;

  @Field(() => ID, { description: 'A UUID the device chooses: pushing it again returns the same job.' })
  batchId!: string;

  @Field(() => [SyncChangeInput])
  changes!: SyncChangeInput[];
}
