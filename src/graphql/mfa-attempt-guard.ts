import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  type DocumentNode,
  type GraphQLError,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { MfaService } from '../services/mfa/mfa.service';
import type { GraphQLContext } from './context';

/** Root fields that check an MFA code: one request may hold at most one of them (rule 13). */
const MFA_VERIFICATION_FIELDS: ReadonlySet<string> = new Set(['verifyMfa', 'validateMfaCode', 'regenerateRecoveryCodes']);

/**
 * How many MFA-verification root fields an operation would execute: every alias counts, and
 * fields reached through fragment spreads and inline fragments count each time they appear
 * (also under @skip/@include, which could be decided by variables).
 */
export function countMfaVerificationFields(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(d.name.value, d);
    }
  }
  const count = (set: SelectionSetNode, path: ReadonlySet<string>): number => {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        n += MFA_VERIFICATION_FIELDS.has(sel.name.value) ? 1 : 0;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        n += count(sel.selectionSet, path);
      } else {
        const f = fragments.get(sel.name.value);
        // Validation already refuses fragment cycles; the path check keeps this total anyway.
        if (f && !path.has(f.name.value)) {
          n += count(f.selectionSet, new Set([...path, f.name.value]));
        }
      }
    }
    return n;
  };
  return count(operation.selectionSet, new Set());
}

/**
 * Refuses, before anything executes, a request holding more than one MFA-verification field
 * (six aliased verifyMfa guesses in one request would otherwise be six tries for one round trip).
 * Each of those fields counts as a failed attempt on the caller's factor. Answer: BAD_USER_INPUT,
 * HTTP 400. Array batching is off altogether (allowBatchedHttpRequests: false).
 */
export function mfaAttemptGuardPlugin(mfa: MfaService): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          const n = operation ? countMfaVerificationFields(document, operation) : 0;
          if (n > 1) {
            try {
              await mfa.refuseBatchedAttempts(contextValue, n);
            } catch (error) {
              // Thrown before execution, Apollo answers 500 unless the error names its status.
              ((error as GraphQLError).extensions as Record<string, unknown>).http = { status: 400 };
              throw error;
            }
          }
        },
      };
    },
  };
}
