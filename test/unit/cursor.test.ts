import { decodeCursor, decodeSeek, deriveCursorKey, encodeCursor, encodeSeek } from '../../src/security/cursor';
import { likePrefix, memberPageSql, type MemberQuery } from '../../src/services/members/member-query';

const key = deriveCursorKey(Buffer.alloc(32, 7));

describe('cursor encoding', () => {
  it('round-trips a payload for the same binding', () => {
    const c = encodeCursor(key, 'users|1|LAST_NAME', { k: 'lovelace ada', id: 42 });
    expect(c).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(decodeCursor(key, 'users|1|LAST_NAME', c)).toEqual({ k: 'lovelace ada', id: 42 });
  });

  it('rejects a cursor made for another binding (org, sort, filter)', () => {
    const c = encodeCursor(key, 'users|1|LAST_NAME', { k: 'x', id: 1 });
    expect(decodeCursor(key, 'users|2|LAST_NAME', c)).toBeNull();
    expect(decodeCursor(key, 'users|1|EMAIL', c)).toBeNull();
  });

  it('rejects a tampered payload or tag, garbage, and another key', () => {
    const c = encodeCursor(key, 'b', { k: 'x', id: 1 });
    const [body, tag] = c.split('.');
    const forged = Buffer.from(JSON.stringify({ k: 'x', id: 999 })).toString('base64url');
    expect(decodeCursor(key, 'b', `${forged}.${tag}`)).toBeNull();
    expect(decodeCursor(key, 'b', `${body}.${tag.startsWith('A') ? 'B' : 'A'}${tag.slice(1)}`)).toBeNull();
    // The last character carries two spare bits: a variant that decodes to the same bytes is refused too.
    const last = 'AEIMQUYcgkosw048'.includes(tag.slice(-1)) ? tag.slice(-1) : null;
    if (last) {
      const sibling = String.fromCharCode(last.charCodeAt(0) + 1);
      expect(decodeCursor(key, 'b', `${body}.${tag.slice(0, -1)}${sibling}`)).toBeNull();
    }
    expect(decodeCursor(key, 'b', 'not a cursor')).toBeNull();
    expect(decodeCursor(key, 'b', '')).toBeNull();
    expect(decodeCursor(key, 'b', 'x'.repeat(5000))).toBeNull();
    expect(decodeCursor(deriveCursorKey(Buffer.alloc(32, 8)), 'b', c)).toBeNull();
  });

  it('keyset positions keep text, null and Date keys; malformed payloads are refused', () => {
    for (const k of ['a b', null, new Date('2030-01-01T10:00:00.123Z')]) {
      expect(decodeSeek(key, 'b', encodeSeek(key, 'b', { k, id: 7 }))).toEqual({ k, id: 7 });
    }
    expect(decodeSeek(key, 'b', encodeCursor(key, 'b', { k: 'x', id: 'y' }))).toBeNull();
    expect(decodeSeek(key, 'b', encodeCursor(key, 'b', { k: 5, id: 1 }))).toBeNull();
    expect(decodeSeek(key, 'b', encodeCursor(key, 'b', { k: 'not a date', d: 1, id: 1 }))).toBeNull();
    expect(decodeSeek(key, 'c', encodeSeek(key, 'b', { k: 'x', id: 1 }))).toBeNull();
  });

  it('derives a key different from the master key', () => {
    const master = Buffer.alloc(32, 7);
    expect(key.equals(master)).toBe(false);
    expect(key).toHaveLength(32);
  });
});

describe('member list SQL', () => {
  const q: MemberQuery = {
    orgId: 1,
    sort: { field: 'LAST_NAME', direction: 'ASC' },
    filter: {},
    search: null,
    searchEmail: false,
  };

  it('escapes LIKE wildcards so they are literal', () => {
    expect(likePrefix('a%b_c!d\\e')).toBe('a!%b!_c!!d\\e%');
  });

  it('uses the guarded keyset form, never a row constructor or a bare OR', () => {
    const { sql } = memberPageSql(q, { k: 'm', id: 5 }, 51, 0, 'sqlite');
    expect(sql).toContain('m.nameKey >= :seekK AND (m.nameKey > :seekK OR m.userId > :seekId)');
    expect(sql).toContain('ORDER BY m.nameKey ASC, m.userId ASC');
    expect(sql).toContain('INDEXED BY IDX_memberships_org_name');
    const desc = memberPageSql({ ...q, sort: { field: 'EMAIL', direction: 'DESC' } }, { k: 'm', id: 5 }, 51, 0, 'mysql').sql;
    expect(desc).toContain('m.emailKey <= :seekK AND (m.emailKey < :seekK OR m.userId < :seekId)');
    expect(desc).toContain('FORCE INDEX (IDX_memberships_org_email)');
  });

  it('splits a lastLoginAt seek across NULLs into disjoint index ranges', () => {
    const { sql } = memberPageSql({ ...q, sort: { field: 'LAST_LOGIN_AT', direction: 'ASC' } }, { k: null, id: 5 }, 51, 0, 'sqlite');
    expect(sql).toContain('m.lastLoginAt IS NULL AND m.userId > :seekId');
    expect(sql).toContain('m.lastLoginAt IS NOT NULL');
    expect(sql).toContain(' UNION ');
  });

  it('searches names only for members, and email too for admins, from the search index', () => {
    const member = memberPageSql({ ...q, search: 'ab' }, null, 51, 0, 'mysql');
    expect(member.sql).toContain('p.emailOnly = 0 AND p.prefix = :searchPrefix');
    expect(member.sql).not.toContain('p.emailOnly = 1');
    expect(member.sql).toContain('ORDER BY p.nameKey ASC, p.userId ASC');
    expect(member.params.searchPrefix).toBe('ab');
    const admin = memberPageSql({ ...q, search: 'ab', searchEmail: true }, null, 51, 0, 'sqlite');
    expect(admin.sql).toContain('p.emailOnly = 1 AND p.prefix = :searchPrefix');
    expect(admin.sql).not.toMatch(/LIKE '%/);
  });

  it('seeks a long term on its stored prefix and filters by the whole term (email only for admins)', () => {
    const member = memberPageSql({ ...q, search: 'smith j' }, null, 51, 0, 'mysql');
    expect(member.params.searchPrefix).toBe('smit');
    expect(member.params.searchLike).toBe('smith j%');
    expect(member.sql).toContain("m.fullNameKey LIKE :searchLike ESCAPE '!'");
    expect(member.sql).not.toContain('emailKey LIKE');
    // A first SEARCH_PREFIX_CHARS characters ending in a space seek the prefix without it.
    expect(memberPageSql({ ...q, search: 'lee ann' }, null, 51, 0, 'mysql').params.searchPrefix).toBe('lee');
    const admin = memberPageSql({ ...q, search: 'smith j', searchEmail: true }, null, 51, 0, 'sqlite');
    expect(admin.sql).toContain('m.emailKey >= :searchLo AND m.emailKey < :searchHi');
    expect(admin.params.searchHi).toBe('smith j\u{10FFFF}');
  });
});
