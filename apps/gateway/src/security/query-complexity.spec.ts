import { buildSchema, parse } from 'graphql';
import { assertComplexityWithin, complexityReadsVariables } from './query-complexity';

const schema = buildSchema(`
  input EditInput { name: String!, tags: [String!] }
  type Item { id: ID!, name: String, children: [Item!]! }
  type Query { items(first: Int): [Item!]! }
  type Mutation { edit(input: EditInput!): Item }
`);
// A field that prices itself by its arguments, as @Field({ complexity }) declares it.
const itemsField = schema.getQueryType()?.getFields()['items'];
if (itemsField === undefined) throw new Error('the test schema has no items field');
itemsField.extensions = {
  complexity: ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) =>
    (args.first ?? 1) * childComplexity,
};

describe('assertComplexityWithin', () => {
  it('reads variables only through directives and fields that price themselves', () => {
    const push = parse('mutation ($input: EditInput!) { edit(input: $input) { id name } }');
    const paged = parse('query ($first: Int) { items(first: $first) { id } }');
    const skipped = parse('query ($hide: Boolean!) { items { id name @skip(if: $hide) } }');

    expect(complexityReadsVariables(schema, push)).toBe(false);
    expect(complexityReadsVariables(schema, paged)).toBe(true);
    expect(complexityReadsVariables(schema, skipped)).toBe(true);
  });

  it('still prices every request of a variable-dependent document by its own variables', () => {
    const paged = parse('query ($first: Int) { items(first: $first) { id name } }');

    expect(() => assertComplexityWithin(schema, paged, { first: 2 }, undefined, 10)).not.toThrow();
    expect(() => assertComplexityWithin(schema, paged, { first: 50 }, undefined, 10)).toThrow(
      'query complexity 100 is over the limit of 10',
    );
    expect(() => assertComplexityWithin(schema, paged, { first: 3 }, undefined, 10)).not.toThrow();
  });

  it('keeps refusing a variable-free document over the limit once its complexity is cached', () => {
    const deep = parse(
      'mutation ($input: EditInput!) { edit(input: $input) { id children { id children { id name } } } }',
    );
    const input = { input: { name: 'road', tags: ['a'] } };

    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(() => assertComplexityWithin(schema, deep, input, undefined, 5)).toThrow(
        'query complexity 7 is over the limit of 5',
      );
    }
    expect(() => assertComplexityWithin(schema, deep, input, undefined, 7)).not.toThrow();
  });

  it('reports invalid variables until a request with valid ones is priced', () => {
    const push = parse('mutation ($input: EditInput!) { edit(input: $input) { id } }');

    expect(() => assertComplexityWithin(schema, push, { input: { tags: [] } }, undefined, 10)).toThrow(
      /name/,
    );
    expect(() => assertComplexityWithin(schema, push, { input: { name: 'a' } }, undefined, 10)).not.toThrow();
  });
});
