import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Whether the gateway and what it depends on can serve requests.' })
export class HealthStatus {
  @Field({ description: '"ok" when every dependency answers, otherwise "degraded".' })
  status!: string;

  @Field({ description: 'Package version of the running gateway.' })
  version!: string;

  @Field(() => [DependencyHealth])
  dependencies!: DependencyHealth[];
}

@ObjectType()
export class DependencyHealth {
  @Field()
  name!: string;

  @Field({ description: '"ok" or the reason the dependency is unavailable.' })
  status!: string;
}
