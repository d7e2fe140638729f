import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  validate,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { GraphQLContext } from './context';

/**
 * Request limits, all checked before any resolver runs (OWASP API4:2023, unrestricted resource
 * consumption). Each rejection is a BAD_USER_INPUT whose message names the limit.
 */
export const GRAPHQL_LIMITS = {
  /** Selection depth (fragments flattened); introspection has its own rule below. */
  maxDepth: 8,
  /** Aliased fields per operation: aliases multiply work (and were a brute-force vector). */
  maxAliases: 15,
  maxDirectives: 10,
  /** Lexical tokens per document (the standard introspection query has about 190). */
  maxTokens: 2000,
  /** Cost: 1 per scalar, 2 per object, multiplied by `first`/`last` of each list field. */
  maxCost: 10_000,
  /** The page size assumed for a list field whose `first` is omitted and has no schema default. */
  assumedPageSize: 100,
  /** Elements of any list in the variables. */
  maxListLength: 1000,
  /** Depth of an introspection selection (the full standard introspection query is 15). */
  maxIntrospectionDepth: 15,
} as const;

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** Introspection fields that fan out to more types: nesting them is the classic cyclic-introspection attack. */
const FAN_OUT_FIELDS = new Set(['fields', 'inputFields', 'interfaces', 'possibleTypes']);

/**
 * Bounds introspection: armor's depth and cost rules skip `__schema`, so a query like
 * `__schema { types { fields { type { fields { type { fields ... } } } } } }` would otherwise grow
 * with the schema to the power of its depth. Allowed: depth up to maxIntrospectionDepth, at most
 * one fan-out field (fields, inputFields, interfaces, possibleTypes) along any path, and at most
 * one `__schema` per operation. The standard introspection query (and Apollo Sandbox's) passes.
 */
const introspectionLimitRule: ValidationRule = (context: ValidationContext) => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(d.name.value, d);
    }
  }
  type Reach = { depth: number; fanOut: number };
  // Per fragment, its reach relative to where it is spread: memoised, so fragments spread
  // many times in one another cost one walk each instead of exponentially many.
  const fragmentReach = new Map<string, Reach>();
  const walk = (set: SelectionSetNode, depth: number, fanOut: number, seen: ReadonlySet<string>): Reach => {
    let max = { depth, fanOut };
    for (const s of set.selections) {
      let r = { depth, fanOut };
      if (s.kind === Kind.FIELD) {
        const f = fanOut + (FAN_OUT_FIELDS.has(s.name.value) ? 1 : 0);
        r = s.selectionSet ? walk(s.selectionSet, depth + 1, f, seen) : { depth: depth + 1, fanOut: f };
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        r = walk(s.selectionSet, depth, fanOut, seen);
      } else {
        const name = s.name.value;
        const frag = fragments.get(name);
        if (frag && !seen.has(name)) {
          let rel = fragmentReach.get(name);
          if (!rel) {
            rel = walk(frag.selectionSet, 0, 0, new Set([...seen, name]));
            fragmentReach.set(name, rel);
          }
          r = { depth: depth + rel.depth, fanOut: fanOut + rel.fanOut };
        }
      }
      max = { depth: Math.max(max.depth, r.depth), fanOut: Math.max(max.fanOut, r.fanOut) };
    }
    return max;
  };
  let schemaFields = 0;
  return {
    OperationDefinition: { enter: () => void (schemaFields = 0) },
    Field(node: FieldNode) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') {
        return undefined;
      }
      if (node.name.value === '__schema' && ++schemaFields > 1) {
        context.reportError(limitError('Introspection limit exceeded: at most one __schema per operation.'));
        return false;
      }
      const r = node.selectionSet ? walk(node.selectionSet, 1, 0, new Set()) : { depth: 1, fanOut: 0 };
      if (r.depth > GRAPHQL_LIMITS.maxIntrospectionDepth) {
        context.reportError(limitError(`Introspection depth limit of ${GRAPHQL_LIMITS.maxIntrospectionDepth} exceeded, found ${r.depth}.`));
      } else if (r.fanOut > 1) {
        context.reportError(
          limitError('Introspection limit exceeded: fields, inputFields, interfaces and possibleTypes may not be nested in one another.'),
        );
      }
      return false;
    },
  };
};

/**
 * Prices list fields by the `first`/`last` they will really run with: armor's cost rule reads only
 * literal arguments, so variables (and, when the argument is omitted, the schema default or
 * assumedPageSize) are substituted first. Runs after validation, before execution.
 */
export function documentWithPageSizes(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const literal = (name: string, value: number): ArgumentNode => ({
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: name },
    value: { kind: Kind.INT, value: String(Math.max(1, Math.trunc(value))) },
  });
  const variableDefaults = new Map<string, unknown>();
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      for (const v of d.variableDefinitions ?? []) {
        if (v.defaultValue) {
          variableDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
        }
      }
    }
  }
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode): FieldNode | undefined {
        const def = typeInfo.getFieldDef();
        if (!def) {
          return undefined;
        }
        const args: ArgumentNode[] = [];
        let changed = false;
        for (const name of ['first', 'last']) {
          const argDef = def.args.find((a) => a.name === name);
          if (!argDef) {
            continue;
          }
          const given = node.arguments?.find((a) => a.name.value === name);
          if (given && given.value.kind !== Kind.VARIABLE) {
            continue;
          }
          const v = given?.value.kind === Kind.VARIABLE ? given.value.name.value : undefined;
          let value: unknown = v === undefined ? undefined : v in variables ? variables[v] : variableDefaults.get(v);
          // Omitted or null: the schema default, else the resolvers' default page size (not 1).
          value ??= argDef.defaultValue ?? (name === 'first' ? GRAPHQL_LIMITS.assumedPageSize : undefined);
          if (typeof value === 'number') {
            args.push(literal(name, value));
            changed = true;
          }
        }
        if (!changed) {
          return undefined;
        }
        const names = new Set(args.map((a) => a.name.value));
        return { ...node, arguments: [...(node.arguments ?? []).filter((a) => !names.has(a.name.value)), ...args] };
      },
    }),
  );
}

function longestList(value: unknown, depth = 0): number {
  if (depth > 20 || value === null || typeof value !== 'object') {
    return 0;
  }
  const children = Array.isArray(value) ? value : Object.values(value);
  let max = Array.isArray(value) ? value.length : 0;
  for (const c of children) {
    max = Math.max(max, longestList(c, depth + 1));
    if (max > GRAPHQL_LIMITS.maxListLength) {
      break;
    }
  }
  return max;
}

/** The cost and variable-size limits, which need the request's variables. */
export function costLimitPlugin(schema: GraphQLSchema): ApolloServerPlugin<GraphQLContext> {
  const costRules = new ApolloArmor({
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1, flattenFragments: true },
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
  // The cost depends only on the document and on the variables that give a `first`/`last`: the
  // verdict is cached per document (Apollo hands out the same parsed DocumentNode for the same
  // query text) and per values of those variables. Re-validating a cached 50-row page query on
  // every request was 5.5% of its CPU (`npm run bench` profile).
  const verdicts = new WeakMap<DocumentNode, { pageVariables: string[]; byValues: Map<string, string | null> }>();
  const verdictOf = (document: DocumentNode, variables: Record<string, unknown>): string | null => {
    let entry = verdicts.get(document);
    if (!entry) {
      entry = { pageVariables: pageSizeVariables(document), byValues: new Map() };
      verdicts.set(document, entry);
    }
    // An absent variable takes its default in the document; a null one the field's: not the same key.
    const key = JSON.stringify(entry.pageVariables.map((v) => (v in variables ? variables[v] : { absent: true })));
    let verdict = entry.byValues.get(key);
    if (verdict === undefined) {
      const [rejected] = validate(schema, documentWithPageSizes(schema, document, variables), costRules);
      verdict = rejected ? rejected.message.replace(/^Syntax Error: /, '') : null;
      if (entry.byValues.size >= MAX_VERDICTS_PER_DOCUMENT) {
        entry.byValues.clear();
      }
      entry.byValues.set(key, verdict);
    }
    return verdict;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const variables = request.variables ?? {};
          const longest = longestList(variables);
          if (longest > GRAPHQL_LIMITS.maxListLength) {
            throw limitError(`List length limit of ${GRAPHQL_LIMITS.maxListLength} exceeded in the variables.`);
          }
          const rejected = verdictOf(document, variables);
          if (rejected) {
            throw limitError(rejected);
          }
        },
      };
    },
  };
}

/** Cached cost verdicts per document (distinct page sizes a client uses); past it the cache starts over. */
const MAX_VERDICTS_PER_DOCUMENT = 256;

/** Names of the variables a document passes as `first` or `last` (the only inputs of its cost besides the document). */
function pageSizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node: ArgumentNode) {
      if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE) {
        names.add(node.value.name.value);
      }
    },
  });
  return [...names].sort();
}

/** Depth, alias and directive limits from graphql-armor, as validation rules (cached with the document). */
export function armorValidationRules(): ValidationRule[] {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // Priced per request with the variables (costLimitPlugin above).
    costLimit: { enabled: false },
    // Armor's Apollo token limit throws from parsingDidStart, which Apollo turns into a 500;
    // graphql-js enforces the same limit in the parser instead (parseOptions.maxTokens).
    maxTokens: { enabled: false },
    // Suggestions are stripped in formatError, and only where the schema is not public.
    blockFieldSuggestion: { enabled: false },
  });
  return [...armor.protect().validationRules, introspectionLimitRule];
}
