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
    ['mutation { verifyMfa(input: { code: "123456" }) { token } }', 1],
    ['mutation { a: verifyMfa(input: { code: "1" }) { token } b: verifyMfa(input: { code: "2" }) { token } }', 2],
    ['mutation { verifyMfa(input: { code: "1" }) { token } validateMfaCode(input: { code: "2" }) { recoveryCodes } }', 2],
    [
      'mutation { regenerateRecoveryCodes(input: { code: "1" }) { recoveryCodes } x: regenerateRecoveryCodes(input: { code: "2" }) { recoveryCodes } }',
      2,
    ],
    ['mutation { ...F ...F } fragment F on Mutation { verifyMfa(input: { code: "1" }) { token } }', 2],
    ['mutation { ... on Mutation { a: verifyMfa(input: { code: "1" }) { token } } b: verifyMfa(input: { code: "2" }) { token } }', 2],
    [
      'mutation { ...F } fragment F on Mutation { ...G a: verifyMfa(input: { code: "1" }) { token } } fragment G on Mutation { b: verifyMfa(input: { code: "2" }) { token } }',
      2,
    ],
    ['mutation { a: verifyMfa(input: { code: "1" }) @skip(if: true) { token } b: verifyMfa(input: { code: "2" }) { token } }', 2],
    ['mutation { signOut { signedOut } generateMfaTempSecret { tempSecret { secret } } }', 0],
    ['{ me { user { id } } }', 0],
  ])('%s -> %i', (q, n) => {
    expect(count(q)).toBe(n);
  });

  it('counts only the operation that runs', () => {
    const doc =
      'mutation A { verifyMfa(input: { code: "1" }) { token } } mutation B { x: verifyMfa(input: { code: "1" }) { token } y: verifyMfa(input: { code: "2" }) { token } }';
    expect(count(doc, 'A')).toBe(1);
    expect(count(doc, 'B')).toBe(2);
  });
});
