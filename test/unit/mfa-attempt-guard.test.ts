import { parse, type OperationDefinitionNode } from 'graphql';
import { countMfaVerificationFields } from '../../src/graphql/mfa-attempt-guard';

function count(query: string, operationName?: string): number {
  const doc = parse(query);
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const op = operationName ? ops.find((o) => o.name?.value === operationName)! : ops[0];
  return countMfaVerificationFields(doc, op);
}

describe('counting MFA-verification fields in one operation (rule 13)', () => {
  it.each([
    ['mutation { verifyMfa(code: "123456") { token } }', 1],
    ['mutation { a: verifyMfa(code: "1") { token } b: verifyMfa(code: "2") { token } }', 2],
    ['mutation { verifyMfa(code: "1") { token } validateMfaCode(code: "2") { recoveryCodes } }', 2],
    ['mutation { regenerateRecoveryCodes(code: "1") x: regenerateRecoveryCodes(code: "2") }', 2],
    ['mutation { ...F ...F } fragment F on Mutation { verifyMfa(code: "1") { token } }', 2],
    ['mutation { ... on Mutation { a: verifyMfa(code: "1") { token } } b: verifyMfa(code: "2") { token } }', 2],
    [
      'mutation { ...F } fragment F on Mutation { ...G a: verifyMfa(code: "1") { token } } fragment G on Mutation { b: verifyMfa(code: "2") { token } }',
      2,
    ],
    ['mutation { a: verifyMfa(code: "1") @skip(if: true) { token } b: verifyMfa(code: "2") { token } }', 2],
    ['mutation { signOut generateMfaTempSecret { secret } }', 0],
    ['{ me { user { id } } }', 0],
  ])('%s -> %i', (q, n) => {
    expect(count(q)).toBe(n);
  });

  it('counts only the operation that runs', () => {
    const doc =
      'mutation A { verifyMfa(code: "1") { token } } mutation B { x: verifyMfa(code: "1") { token } y: verifyMfa(code: "2") { token } }';
    expect(count(doc, 'A')).toBe(1);
    expect(count(doc, 'B')).toBe(2);
  });
});
