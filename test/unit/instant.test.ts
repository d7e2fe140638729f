import { Instant, epochMicros, instantFromDb, instantToDb, nowInstant, parseDateTime, parseInstant } from '../../src/db/instant';

describe('exact times (src/db/instant.ts)', () => {
  it('parses RFC 3339 exactly, to the microsecond, in any zone, and prints six digits in UTC', () => {
    expect(parseInstant('2026-12-02T08:05:53.009123+02:00', 'x').toISOString()).toBe('2026-12-02T06:05:53.009123Z');
    expect(parseInstant('2026-12-02T06:05:53Z', 'x').toISOString()).toBe('2026-12-02T06:05:53.000000Z');
    expect(parseInstant('2026-12-02T06:05:53.1z', 'x').toISOString()).toBe('2026-12-02T06:05:53.100000Z');
    expect(parseInstant('2026-12-02T06:05:53.123456000Z', 'x').toISOString()).toBe('2026-12-02T06:05:53.123456Z');
    expect(JSON.stringify({ t: parseInstant('2026-12-02T06:05:53.000007Z', 'x') })).toBe('{"t":"2026-12-02T06:05:53.000007Z"}');
  });

  it.each(['2026-12-02T06:05:53', '2026-12-02 06:05', 'yesterday', '2026-12-02T06:05:53.1234567Z', '2026-13-02T06:05:53Z', ''])(
    'refuses %j, naming the field',
    (text) => {
      expect(() => parseInstant(text, 'since')).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ field: 'since' }) }),
      );
    },
  );

  it('is a Date to code that takes one, and compares exactly with epochMicros', () => {
    const a = parseInstant('2026-12-02T06:05:53.009001Z', 'x');
    const b = parseInstant('2026-12-02T06:05:53.009002Z', 'x');
    expect(a).toBeInstanceOf(Date);
    expect(a.getTime()).toBe(b.getTime());
    expect(epochMicros(b) - epochMicros(a)).toBe(1);
    expect(epochMicros(new Date(1000))).toBe(1_000_000);
    // A client time without microseconds stays a plain Date (millisecond columns compare as before).
    expect(parseDateTime('2026-12-02T06:05:53.009Z', 'x')).not.toBeInstanceOf(Instant);
    expect(parseDateTime('2026-12-02T06:05:53.009001Z', 'x')).toBeInstanceOf(Instant);
  });

  it('stores as the same text on both engines and reads back every stored form', () => {
    const a = parseInstant('2026-12-02T06:05:53.009123Z', 'x');
    expect(instantToDb(a)).toBe('2026-12-02 06:05:53.009123');
    expect(instantFromDb('2026-12-02 06:05:53.009123')!.toISOString()).toBe('2026-12-02T06:05:53.009123Z');
    expect(instantFromDb('2026-12-02 06:05:53.009')!.toISOString()).toBe('2026-12-02T06:05:53.009000Z');
    expect(instantFromDb('2026-12-02 06:05:53')!.toISOString()).toBe('2026-12-02T06:05:53.000000Z');
    expect(instantFromDb(new Date('2026-12-02T06:05:53.009Z'))!.toISOString()).toBe('2026-12-02T06:05:53.009000Z');
    expect(instantFromDb(null)).toBeNull();
    // Text order is time order.
    expect(instantToDb(parseInstant('2026-12-02T06:05:53.000999Z', 'x')) < instantToDb(parseInstant('2026-12-02T06:05:53.001Z', 'x'))).toBe(
      true,
    );
  });

  it('the clock never goes back within a millisecond, and follows a faked Date', () => {
    let prev = nowInstant().epochMicros;
    for (let i = 0; i < 200; i++) {
      const t = nowInstant().epochMicros;
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
    jest.useFakeTimers({ doNotFake: ['performance', 'hrtime', 'nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      jest.setSystemTime(Date.UTC(2031, 0, 1));
      const a = nowInstant();
      const b = nowInstant();
      expect(a.toISOString()).toMatch(/^2031-01-01T00:00:00\.000\d{3}Z$/);
      expect(b.epochMicros).toBe(a.epochMicros + 1);
    } finally {
      jest.useRealTimers();
    }
  });
});
