import { buildSchema, getIntrospectionQuery, parse, validate, specifiedRules, type DocumentNode } from 'graphql';
import { armorValidationRules, costLimitPlugin, documentWithPageSizes, GRAPHQL_LIMITS } from '../../src/graphql/limits';

const schema = buildSchema(`
  type Node { id: ID! name: String child: Node items(first: Int = 10, after: String): [Node!]! }
  type Query { node: Node nodes(first: Int): [Node!]! }
`);

function errorsOf(query: string): string[] {
  return validate(schema, parse(query), [...specifiedRules, ...armorValidationRules()]).map((e) => e.message);
}

describe('GraphQL limits (validation, before execution)', () => {
  it('depth: 8 levels pass, 9 are refused with a message naming the limit', () => {
    expect(errorsOf('{ node { child { child { child { child { child { child { id } } } } } } } }')).toEqual([]);
    const deep = errorsOf('{ node { child { child { child { child { child { child { child { id } } } } } } } } }');
    expect(deep).toEqual([expect.stringMatching(/Query depth limit of 8 exceeded, found 9/)]);
  });

  it('depth counts through fragments', () => {
    const q = `{ node { ...A } } fragment A on Node { child { child { child { ...B } } } }
      fragment B on Node { child { child { child { child { id } } } } }`;
    expect(errorsOf(q).join()).toMatch(/Query depth limit of 8 exceeded/);
  });

  it('aliases: 15 pass, 16 are refused', () => {
    const aliased = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: node { id }`).join(' ')} }`;
    expect(errorsOf(aliased(GRAPHQL_LIMITS.maxAliases))).toEqual([]);
    expect(errorsOf(aliased(16))).toEqual([expect.stringMatching(/Aliases limit of 15 exceeded, found 16/)]);
  });

  it('directives: 10 pass, 11 are refused', () => {
    const spread = (n: number): string => `{ node { ${Array.from({ length: n }, () => 'id @include(if: true)').join(' ')} } }`;
    expect(errorsOf(spread(10))).toEqual([]);
    expect(errorsOf(spread(11))).toEqual([expect.stringMatching(/Directives limit of 10 exceeded, found 11/)]);
  });

  it('the standard introspection query passes; cyclic introspection is refused', () => {
    const full = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    expect(errorsOf(full)).toEqual([]);
    expect(errorsOf('{ __schema { types { fields { type { fields { type { name } } } } } } }')).toEqual([
      expect.stringMatching(/Introspection limit exceeded/),
    ]);
    expect(errorsOf('{ __type(name: "Node") { fields { type { ofType { fields { name } } } } } }')).toEqual([
      expect.stringMatching(/Introspection limit exceeded/),
    ]);
    expect(errorsOf('{ a: __schema { queryType { name } } b: __schema { queryType { name } } }').join()).toMatch(/at most one __schema/);
    // Fragments spread in one another many times are walked once each (no exponential blow-up).
    const chain = Array.from(
      { length: 60 },
      (_, i) => `fragment F${i} on __Type { name ${i < 59 ? `...F${i + 1} ofType { ...F${i + 1} }` : ''} }`,
    );
    const started = Date.now();
    expect(errorsOf(`{ __type(name: "Node") { ...F0 } } ${chain.join(' ')}`).join()).toMatch(/Introspection depth limit/);
    expect(Date.now() - started).toBeLessThan(1000);
    const deepOfType = `{ __schema { types { ${'ofType { '.repeat(15)}name${' }'.repeat(15)} } } }`;
    expect(errorsOf(deepOfType).join()).toMatch(/Introspection depth limit of 15 exceeded/);
  });
});

describe('GraphQL cost (with the variables, before execution)', () => {
  const costOf = async (query: string, variables: Record<string, unknown> = {}): Promise<string | null> => {
    const plugin = costLimitPlugin(schema);
    const listener = await plugin.requestDidStart!({} as never);
    try {
      await listener!.didResolveOperation!({ document: parse(query), request: { variables } } as never);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('prices list fields by first, also when first is a variable or its default', async () => {
    // 200 nodes x (2 + 200 items x (2 + 1)) = 120,400 > 10,000
    const q = 'query($n: Int, $m: Int) { nodes(first: $n) { items(first: $m) { id } } }';
    expect(await costOf(q, { n: 200, m: 200 })).toMatch(/Query Cost limit of 10000 exceeded/);
    expect(await costOf(q, { n: 10, m: 10 })).toBeNull();
    expect(await costOf('{ nodes(first: 200) { items(first: 200) { id } } }')).toMatch(/Cost limit/);
    // items defaults to 10 in the schema: 200 x (2 + 10 x 3) = 6,400 passes; 400 x ... does not
    expect(await costOf('{ nodes(first: 200) { items { id } } }')).toBeNull();
    expect(await costOf('query($n: Int = 400) { nodes(first: $n) { items { id } } }')).toMatch(/Cost limit/);
  });

  it('an omitted or null first without a schema default is priced at the assumed page size (100), not 1', async () => {
    // nodes(first) has no default: 100 x (2 + 200 x 3) = 60,200
    expect(await costOf('{ nodes { items(first: 200) { id } } }')).toMatch(/Cost limit/);
    expect(await costOf('query($n: Int) { nodes(first: $n) { items(first: 200) { id } } }', { n: null })).toMatch(/Cost limit/);
    expect(await costOf('{ nodes(first: 1) { items(first: 200) { id } } }')).toBeNull();
  });

  it('caches the verdict per document and page-size values: the same document is priced anew for other values', async () => {
    const plugin = costLimitPlugin(schema);
    const doc = parse('query($n: Int = 400, $m: Int) { nodes(first: $n) { items(first: $m) { id } } }');
    const verdict = async (variables: Record<string, unknown>): Promise<string | null> => {
      const listener = await plugin.requestDidStart!({} as never);
      return listener!.didResolveOperation!({ document: doc, request: { variables } } as never).then(
        () => null,
        (e: Error) => e.message,
      );
    };
    for (let round = 0; round < 2; round++) {
      expect(await verdict({ n: 10, m: 10 })).toBeNull();
      expect(await verdict({ n: 200, m: 200 })).toMatch(/Cost limit/);
      // Absent: the document's default (400 x (2 + 10 x 3)); null: the assumed 100 x (2 + 10 x 3) passes.
      expect(await verdict({ m: 10 })).toMatch(/Cost limit/);
      expect(await verdict({ n: null, m: 10 })).toBeNull();
      // Variables that are not page sizes do not change the verdict.
      expect(await verdict({ n: 10, m: 10, other: 'x'.repeat(50) })).toBeNull();
    }
  });

  it('substitutes page sizes into a copy of the document', () => {
    const doc: DocumentNode = parse('query($n: Int) { nodes(first: $n) { items { id } } }');
    const out = documentWithPageSizes(schema, doc, { n: 7 });
    const printed = JSON.stringify(out);
    expect(printed).toContain('"value":"7"');
    expect(printed).toContain('"value":"10"');
  });

  it('refuses lists longer than 1000 elements anywhere in the variables', async () => {
    expect(await costOf('{ node { id } }', { ids: Array.from({ length: 1001 }, (_, i) => i) })).toMatch(
      /List length limit of 1000 exceeded/,
    );
    expect(await costOf('{ node { id } }', { deep: { ids: Array.from({ length: 1000 }, (_, i) => i) } })).toBeNull();
  });
});
