import type { Interceptor } from 'slonik';

/**
 * Counts the queries Slonik executes, per pool: add `interceptor` to a pool (see
 * openTestDatabase) and read `count()` around the code under test.
 */
export function queryCounter() {
  const queries: Array<{ poolId: string; sql: string }> = [];
  const interceptor: Interceptor = {
    name: 'query-counter',
    beforeQueryExecution: (context, query) => {
      queries.push({ poolId: context.poolId, sql: query.sql });
      return null;
    },
  };
  return {
    interceptor,
    queries,
    count: (poolId?: string) => queries.filter((q) => poolId === undefined || q.poolId === poolId).length,
    reset: () => queries.splice(0),
  };
}
