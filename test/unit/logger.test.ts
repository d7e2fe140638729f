import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: createLogger('info', sink) };
}

describe('logger redaction', () => {
  it('redacts credentials by key at the top level and nested, including failed-SQL parameters', () => {
    const { lines, log } = capture();
    log.info(
      {
        password: 'pw-top-secret',
        input: { newPassword: 'pw-nested-secret', code: '123456' },
        headers: { authorization: 'Bearer tok-abc' },
        err: { message: 'insert failed', query: 'INSERT INTO users ...', parameters: ['$argon2id$hash-value'] },
        result: { token: 'tok-xyz', secretBase32: 'JBSWY3DPEHPK3PXP', recoveryCodes: ['aaaa-bbbb'] },
        variables: { p: 'pw-in-vars' },
      },
      'something happened',
    );
    const out = lines.join('');
    for (const s of [
      'pw-top-secret',
      'pw-nested-secret',
      '123456',
      'tok-abc',
      '$argon2id$hash-value',
      'tok-xyz',
      'JBSWY3DPEHPK3PXP',
      'aaaa-bbbb',
      'pw-in-vars',
    ]) {
      expect({ s, found: out.includes(s) }).toEqual({ s, found: false });
    }
    expect(out).toContain('INSERT INTO users');
    expect(out).toContain('[redacted]');
  });

  it('JSON-escapes newlines: one call, one line', () => {
    const { lines, log } = capture();
    log.info({ email: 'a@b.c\n{"level":60,"msg":"forged"}' }, 'line\ninjected');
    expect(lines.join('').trim().split('\n')).toHaveLength(1);
  });
});
