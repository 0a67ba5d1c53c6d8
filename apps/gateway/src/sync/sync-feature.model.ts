import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ChangeOperation, ConflictKind } from '@map-offline/crdt';
import { JsonObjectScalar } from '../common/json-object.scalar';
import { JsonValueScalar } from './json-value.scalar';
import { ConflictStatusValue, SyncOutcome } from './sync-enums';

@ObjectType({ description: 'One write of one field: its value and the clocks of the change that made it.' })
export class FieldVersion {
  @Field({ description: '`geometry`, `deleted` or `properties.<key>`.' })
  field!: string;

  @Field(() => JsonValueScalar, { nullable: true })
  value!: unknown;

  @Field({ description: 'True when the change removed the property.' })
  removed!: boolean;

  @Field(() => JsonObjectScalar)
  clock!: Record<string, number>;

  @Field()
  hlc!: string;

  @Field()
  deviceId!: string;
}

@ObjectType({ description: 'A feature as merged: values in force, clocks and tombstone.' })
export class SyncFeature {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  layerId!: string;

  @Field({ description: 'The tombstone: deleted features are still sent to pulls.' })
  deleted!: boolean;

  @Field(() => JsonObjectScalar, { nullable: true })
  geometry!: Record<string, unknown> | null;

  @Field(() => JsonObjectScalar)
  properties!: Record<string, unknown>;

  @Field(() => JsonObjectScalar, { description: 'Pointwise max of every applied change clock.' })
  versionVector!: Record<string, number>;

  @Field(() => [FieldVersion], { description: 'The write in force of every field, with its clock.' })
  fields!: FieldVersion[];

  @Field(() => [String], { description: 'Fields with an open conflict.' })
  conflictFields!: string[];

  @Field(() => JsonObjectScalar, {
    description: 'The full field-level CRDT state (libs/crdt FeatureState), for devices that merge locally.',
  })
  state!: Record<string, unknown>;

  @Field({ description: 'Server sequence of the last change to this feature (a pull cursor).' })
  sequence!: string;
}

@ObjectType()
export class SyncFeaturePage {
  @Field(() => [SyncFeature], { description: 'Oldest change first.' })
  features!: SyncFeature[];

  @Field({ description: 'Pass as `since` to continue; unchanged when nothing was returned.' })
  nextCursor!: string;

  @Field()
  hasMore!: boolean;
}

@ObjectType({ description: 'One logged change of a feature.' })
export class SyncFeatureChange {
  @Field()
  sequence!: string;

  @Field(() => ID)
  layerId!: string;

  @Field(() => ID)
  featureId!: string;

  @Field(() => ID)
  batchId!: string;

  @Field()
  deviceId!: string;

  @Field(() => ChangeOperation)
  op!: ChangeOperation;

  @Field(() => JsonObjectScalar)
  clock!: Record<string, number>;

  @Field()
  hlc!: string;

  @Field(() => SyncOutcome)
  outcome!: SyncOutcome;

  @Field(() => JsonObjectScalar, { nullable: true })
  geometry!: Record<string, unknown> | null;

  @Field(() => JsonObjectScalar, { nullable: true })
  set!: Record<string, unknown> | null;

  @Field(() => [String])
  unset!: string[];

  @Field(() => [String], { description: "Fields whose value in force became this change's value." })
  mergedFields!: string[];

  @Field(() => [String], { description: 'Fields this change wrote that lost (kept here in the history).' })
  discardedFields!: string[];

  @Field(() => [ID])
  conflictIds!: string[];

  @Field()
  recordedAt!: Date;
}

@ObjectType({ description: 'A field in conflict, with every version to choose from.' })
export class SyncConflict {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  layerId!: string;

  @Field(() => ID)
  featureId!: string;

  @Field()
  field!: string;

  @Field(() => ConflictKind)
  kind!: ConflictKind;

  @Field(() => ConflictStatusValue)
  status!: ConflictStatusValue;

  @Field(() => FieldVersion, {
    nullable: true,
    description:
      'The common ancestor: the field as it was before the versions diverged (null: it did not exist).',
  })
  base!: FieldVersion | null;

  @Field(() => [FieldVersion], {
    description: 'The versions the server had when the conflicting change arrived.',
  })
  server!: FieldVersion[];

  @Field(() => FieldVersion, { nullable: true, description: 'The version of the change that opened it.' })
  device!: FieldVersion | null;

  @Field(() => [FieldVersion], { description: 'Every concurrent version (the same on every server).' })
  candidates!: FieldVersion[];

  @Field(() => [JsonObjectScalar], {
    nullable: true,
    description: "MANUAL: clocks of the changes that did not see this field's version.",
  })
  concurrentWith!: Record<string, number>[] | null;

  @Field()
  openedSequence!: string;

  @Field(() => String, { nullable: true })
  closedSequence!: string | null;

  @Field(() => JsonObjectScalar, { nullable: true })
  resolution!: Record<string, unknown> | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;
}
