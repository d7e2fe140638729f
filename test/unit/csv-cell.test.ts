import { neutraliseCell } from '../../src/security/csv-cell';

describe('neutraliseCell (CSV formula injection)', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil","click")', "=cmd|' /C calc'!A0", '-', '='])(
    'prefixes %j with a single quote',
    (v) => {
      expect(neutraliseCell(v)).toBe(`'${v}`);
    },
  );

  it.each(['Ada', "O'Brien", 'a=b', 'x+1', 'name@example.test', ' =1', '', '1', "'quoted", 'Émile', '\nline'])(
    'leaves %j as it is',
    (v) => {
      expect(neutraliseCell(v)).toBe(v);
    },
  );

  it('is not idempotent by accident: an already neutralised cell stays text', () => {
    expect(neutraliseCell(neutraliseCell('=1'))).toBe("'=1");
  });
});
