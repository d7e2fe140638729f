import { auditActionKind, auditChangeList, auditOutcomeKind } from '../../src/services/audit/audit-vocabulary';

describe('audit vocabulary (typed audit events)', () => {
  it('a stored action is itself, one of the two door kinds, or other', () => {
    expect(auditActionKind('role.assign')).toBe('role.assign');
    expect(auditActionKind('graphql.User.email')).toBe('graphql.*');
    expect(auditActionKind('rest.GET /user/users/export.csv')).toBe('rest.*');
    expect(auditActionKind('test.left')).toBe('other');
    expect(auditActionKind('SignOut')).toBe('other');
  });

  it('an outcome is one of the written ones or other', () => {
    expect(auditOutcomeKind('success')).toBe('success');
    expect(auditOutcomeKind('REPLAY')).toBe('REPLAY');
    expect(auditOutcomeKind('SOMETHING_OLD')).toBe('other');
  });

  it('changes become a list: before/after pairs as they are, a recorded fact as its after', () => {
    expect(
      auditChangeList({
        isActive: { before: true, after: false },
        role: { before: null, after: { id: 3, name: 'Sync' } },
        mfaOptOutUntil: { before: '2026-12-31T23:00:00.000001Z' },
        expiresAt: '2026-12-02T13:00:00.000Z',
        rowCount: 0,
        filters: { search: null },
      }),
    ).toEqual([
      { field: 'isActive', before: true, after: false },
      { field: 'role', before: null, after: { id: 3, name: 'Sync' } },
      { field: 'mfaOptOutUntil', before: '2026-12-31T23:00:00.000001Z', after: null },
      { field: 'expiresAt', before: null, after: '2026-12-02T13:00:00.000Z' },
      { field: 'rowCount', before: null, after: 0 },
      { field: 'filters', before: null, after: { search: null } },
    ]);
    expect(auditChangeList(null)).toEqual([]);
    expect(auditChangeList([1, 2])).toEqual([]);
  });
});
