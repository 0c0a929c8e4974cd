// Every list answers {"items": [...], "pagination": {"total", "page", "pageSize"}}
// and takes `page` (from 1) and `pageSize` (at most 500).
export const MAX_PAGE_SIZE = 500;

export type PageQuery = { page?: number; pageSize?: number };

export const pageQuery = {
  type: "object",
  properties: {
    page: { type: "integer", minimum: 1, default: 1 },
    pageSize: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 },
  },
} as const;

export type Paged<T> = { items: T[]; pagination: { total: number; page: number; pageSize: number } };

/** The response schema of a paged list of `item`. */
export function paged(item: object): object {
  return {
    type: "object",
    properties: {
      items: { type: "array", items: item },
      pagination: {
        type: "object",
        properties: { total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } },
      },
    },
  };
}

/** One page of an already filtered and sorted array. */
export function page<T>(all: T[], q: PageQuery): Paged<T> {
  const p = q.page ?? 1;
  const size = Math.min(q.pageSize ?? 50, MAX_PAGE_SIZE);
  return { items: all.slice((p - 1) * size, p * size), pagination: { total: all.length, page: p, pageSize: size } };
}
