import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { DeleteRule, FieldPolicy } from '@map-offline/crdt';
import { JsonObjectScalar } from '../common/json-object.scalar';
import './sync-enums';

@ObjectType({ description: 'A layer of editable features and the rules its offline edits merge by.' })
export class SyncLayer {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => FieldPolicy)
  conflictPolicy!: FieldPolicy;

  @Field(() => DeleteRule)
  deleteRule!: DeleteRule;

  @Field(() => JsonObjectScalar, {
    nullable: true,
    description:
      'JSON Schema subset every change must follow (type, enum, minimum, maximum, minLength, maxLength, required, additionalProperties).',
  })
  propertySchema!: Record<string, unknown> | null;

  @Field()
  createdAt!: Date;
}

@InputType()
export class CreateLayerInput {
  @Field({ description: '1 to 200 characters, unique in the organisation.' })
  name!: string;

  @Field(() => FieldPolicy)
  conflictPolicy!: FieldPolicy;

  @Field(() => DeleteRule)
  deleteRule!: DeleteRule;

  @Field(() => JsonObjectScalar, { nullable: true })
  propertySchema?: Record<string, unknown> | null;
}
