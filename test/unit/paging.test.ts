import { PAGE_LIMITS, connectionOf, pageWindow } from '../../src/services/common/paging';

describe('paging: window and connection', () => {
  it('pages one way: forward by default, backward with last/before, any mix refused naming the argument', () => {
    expect(pageWindow({}, PAGE_LIMITS.members)).toEqual({ size: 50, backward: false, cursor: null, cursorField: 'after' });
    expect(pageWindow({ last: 3, before: 'c' }, PAGE_LIMITS.members)).toEqual({
      size: 3,
      backward: true,
      cursor: 'c',
      cursorField: 'before',
    });
    expect(pageWindow({ before: 'c' }, PAGE_LIMITS.members)).toMatchObject({ size: 50, backward: true });
    for (const [args, field] of [
      [{ first: 1, last: 1 }, 'last'],
      [{ after: 'a', before: 'b' }, 'before'],
      [{ last: 0 }, 'last'],
      [{ last: 201 }, 'last'],
      [{ first: 1.5 }, 'first'],
    ] as const) {
      expect(() => pageWindow(args, PAGE_LIMITS.members)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }),
      );
    }
  });

  const parts = (behind: boolean) => ({
    node: (r: number) => (r === 99 ? null : { r }),
    cursor: (r: number) => `c${r}`,
    behind: jest.fn(async () => behind),
  });

  it('a forward page: the extra row says more follow; the flag behind is lazy and only after a cursor', async () => {
    const p = parts(true);
    const c = connectionOf([1, 2, 3], { size: 2, backward: false, cursor: 'c0', cursorField: 'after' }, p);
    expect(c.nodes).toEqual([{ r: 1 }, { r: 2 }]);
    expect(c.edges.map((e) => e.cursor)).toEqual(['c1', 'c2']);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, startCursor: 'c1', endCursor: 'c2' });
    expect(p.behind).not.toHaveBeenCalled();
    expect(await (c.pageInfo.hasPreviousPage as () => Promise<boolean>)()).toBe(true);
    expect(p.behind).toHaveBeenCalledWith(1);
    expect(connectionOf([1], { size: 2, backward: false, cursor: null, cursorField: 'after' }, p).pageInfo.hasPreviousPage).toBe(false);
  });

  it('a backward page is turned back into list order; its walk-direction flag is hasPreviousPage; an empty page after a cursor has items behind', async () => {
    const p = parts(false);
    const c = connectionOf([9, 8, 7], { size: 2, backward: true, cursor: 'c10', cursorField: 'before' }, p);
    expect(c.nodes).toEqual([{ r: 8 }, { r: 9 }]);
    expect(c.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: 'c8', endCursor: 'c9' });
    expect(await (c.pageInfo.hasNextPage as () => Promise<boolean>)()).toBe(false);
    expect(p.behind).toHaveBeenCalledWith(9);
    const empty = connectionOf([], { size: 2, backward: true, cursor: 'c1', cursorField: 'before' }, p);
    expect(empty.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('a row without a node is left out but still bounds the page', () => {
    const c = connectionOf([1, 99], { size: 5, backward: false, cursor: null, cursorField: 'after' }, parts(false));
    expect(c.nodes).toEqual([{ r: 1 }]);
    expect(c.pageInfo.endCursor).toBe('c99');
  });
});
