import { Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { listOperationAccess, undeclaredOperations } from './operation-access';
import { Public } from './public.decorator';
import { RequireScopes } from './require-scopes.decorator';

@Resolver()
@RequireScopes('cache:read')
class RegionResolver {
  @Query(() => String)
  regions(): string {
    return '';
  }

  @Mutation(() => String, { name: 'createRegion' })
  @RequireScopes('cache:write')
  create(): string {
    return '';
  }

  @Query(() => String)
  @Public()
  regionCount(): string {
    return '';
  }

  @ResolveField(() => String)
  label(@Parent() parent: { name: string }): string {
    return parent.name;
  }
}

@Resolver()
class LooseResolver {
  @Query(() => String)
  forgotten(): string {
    return '';
  }

  @Subscription(() => String)
  @RequireScopes('sync:read')
  changes(): string {
    return '';
  }

  helper(): string {
    return '';
  }
}

describe('listOperationAccess', () => {
  const operations = listOperationAccess([RegionResolver, LooseResolver]);

  it('lists top-level handlers only, with the schema field name', () => {
    expect(operations.map((operation) => `${operation.operationType}.${operation.fieldName}`).sort()).toEqual(
      [
        'Mutation.createRegion',
        'Query.forgotten',
        'Query.regionCount',
        'Query.regions',
        'Subscription.changes',
      ].sort(),
    );
  });

  it('reports the declaration the guard applies: the method, else the class', () => {
    const byField = new Map(operations.map((operation) => [operation.fieldName, operation.access]));
    expect(byField.get('regions')).toEqual({ kind: 'scopes', scopes: ['cache:read'] });
    expect(byField.get('createRegion')).toEqual({ kind: 'scopes', scopes: ['cache:write'] });
    expect(byField.get('regionCount')).toEqual({ kind: 'public' });
    expect(byField.get('changes')).toEqual({ kind: 'scopes', scopes: ['sync:read'] });
    expect(byField.get('forgotten')).toBeUndefined();
  });

  it('finds the undeclared handler', () => {
    expect(undeclaredOperations(operations)).toEqual([
      {
        operationType: 'Query',
        fieldName: 'forgotten',
        resolverClass: 'LooseResolver',
        methodName: 'forgotten',
        access: undefined,
      },
    ]);
  });
});

describe('RequireScopes', () => {
  it('refuses an unknown scope when the class is declared', () => {
    const scopes: string[] = ['cache:read', 'cache:delete'];
    // Simulates a caller without the Scope type (plain JavaScript or a cast).
    expect(() => RequireScopes(...(scopes as Parameters<typeof RequireScopes>))).toThrow(/cache:delete/);
  });
});
