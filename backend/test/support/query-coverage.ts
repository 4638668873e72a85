/**
 * Whether a MongoDB query is served by an index, as the query planner would see it: the index bounds
 * every field the filter constrains (keys pinned to one value or a list of values, then at most one
 * range), or it is unique and pins at most a list's worth of documents; and the sort (if any) is read in
 * index order (the keys before the sorted ones pinned to one value, the sorted ones in the sort's order,
 * all forwards or all backwards). Reads the commands as sent (command monitoring), so every shape a
 * repository really issues is judged, not the one its author meant.
 */

export type IndexKeys = Record<string, 1 | -1>;
export interface Index {
  key: IndexKeys;
  unique?: boolean;
}
/** One value; a list of values ($in); a range ($lt, $regex …); a condition no index bound serves. */
type Predicate = 'eq' | 'list' | 'range' | 'residual';
type Branch = Map<string, Predicate>;

export interface QueryShape {
  collection: string;
  /** The command that carried it (find, aggregate, update, delete, count, findAndModify). */
  command: string;
  filter: Record<string, unknown>;
  sort?: Record<string, number>;
  maxTimeMS?: number;
}

export interface Verdict {
  filterCovered: boolean;
  sortCovered: boolean;
}

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).some((k) => k.startsWith('$'));

function predicateOf(value: unknown): Predicate {
  if (value instanceof RegExp) return 'range';
  if (!isOperatorObject(value)) return 'eq';
  if ('$eq' in value) return 'eq';
  if ('$in' in value) return Array.isArray(value.$in) && value.$in.length === 1 ? 'eq' : 'list';
  if (['$gt', '$gte', '$lt', '$lte', '$regex'].some((op) => op in value)) return 'range';
  return 'residual';
}

const constrains = (p: Predicate | undefined) => p === 'eq' || p === 'list' || p === 'range';

/** The filter as alternatives (`$or`), each a conjunction of field predicates (`$and` flattened). */
export function branchesOf(filter: Record<string, unknown>): Branch[] {
  let branches: Branch[] = [new Map<string, Predicate>()];
  const cross = (alternatives: Branch[]) => (branches = branches.flatMap((b) => alternatives.map((alt) => new Map([...b, ...alt]))));
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') for (const part of value as Record<string, unknown>[]) cross(branchesOf(part));
    else if (key === '$or') cross((value as Record<string, unknown>[]).flatMap((part) => branchesOf(part)));
    else if (key.startsWith('$')) cross([new Map([[key, 'residual' as const]])]);
    else cross([new Map([[key, predicateOf(value)]])]);
  }
  return branches;
}

/** Whether the index's bounds take in every constrained field of the branch (or a unique index pins a list). */
function bounds(branch: Branch, index: Index): boolean {
  const keys = Object.keys(index.key);
  if (index.unique && keys.every((k) => branch.get(k) === 'eq' || branch.get(k) === 'list')) return true;
  const bounded = new Set<string>();
  for (const key of keys) {
    const p = branch.get(key);
    if (!constrains(p)) break;
    bounded.add(key);
    if (p === 'range') break;
  }
  return bounded.size > 0 && [...branch].every(([field, p]) => !constrains(p) || bounded.has(field));
}

function sortInIndexOrder(branch: Branch, sort: Record<string, number>, index: IndexKeys): boolean {
  const keys = Object.entries(index);
  const sorted = Object.entries(sort);
  let i = 0;
  // Keys pinned to one value may come first: they do not disturb the order of what follows.
  while (i < keys.length && branch.get(keys[i]![0]) === 'eq' && !(keys[i]![0] in sort)) i++;
  if (keys.length - i < sorted.length) return false;
  const direction = Math.sign(sorted[0]![1]) * keys[i]![1];
  return sorted.every(([field, dir], k) => keys[i + k]![0] === field && Math.sign(dir) * keys[i + k]![1] === direction);
}

/** A document per value listed at most (a unique index's keys pinned): sorting them costs what the list does. */
const pinsListed = (branch: Branch, indexes: Index[]) =>
  indexes.some(
    (index) => index.unique && Object.keys(index.key).every((field) => branch.get(field) === 'eq' || branch.get(field) === 'list'),
  );

/** How the indexes serve one query: each alternative's filter, and the sort in index order. */
export function judge(shape: QueryShape, indexes: Index[]): Verdict {
  const sort = shape.sort && Object.keys(shape.sort).length ? shape.sort : undefined;
  // A count of the whole collection is its metadata (estimatedDocumentCount): nothing is scanned.
  if (shape.command === 'count' && !Object.keys(shape.filter).length && !sort) return { filterCovered: true, sortCovered: true };
  let filterCovered = true;
  let sortCovered = true;
  for (const branch of branchesOf(shape.filter)) {
    const constrained = [...branch.values()].some(constrains);
    const serving = constrained ? indexes.filter((index) => bounds(branch, index)) : indexes;
    // No condition at all is served by an index scan only in the order of a sort (with its limit).
    filterCovered &&= constrained ? serving.length > 0 : sort !== undefined && indexes.some((i) => sortInIndexOrder(branch, sort, i.key));
    if (sort && !pinsListed(branch, indexes)) sortCovered &&= serving.some((index) => sortInIndexOrder(branch, sort, index.key));
  }
  return { filterCovered, sortCovered };
}

/** A sort as the driver sends it (a Map keeps the order of its keys) or as an object. */
const sortOf = (sort: unknown): Record<string, number> | undefined =>
  sort instanceof Map ? (Object.fromEntries(sort) as Record<string, number>) : (sort as Record<string, number> | undefined);

/** The query shapes in one monitored command (an update or delete carries one per statement). */
export function shapesOf(name: string, command: Record<string, unknown>): QueryShape[] {
  const collection = String(command[name]);
  const maxTimeMS = typeof command.maxTimeMS === 'number' ? command.maxTimeMS : undefined;
  const base = { collection, command: name, ...(maxTimeMS !== undefined ? { maxTimeMS } : {}) };
  switch (name) {
    case 'find':
      return [{ ...base, filter: (command.filter ?? {}) as Record<string, unknown>, sort: sortOf(command.sort) }];
    case 'count':
      return [{ ...base, filter: (command.query ?? {}) as Record<string, unknown> }];
    case 'findAndModify':
      return [{ ...base, filter: (command.query ?? {}) as Record<string, unknown>, sort: sortOf(command.sort) }];
    case 'aggregate': {
      const [first, second] = command.pipeline as Record<string, unknown>[];
      const filter = (first?.$match ?? {}) as Record<string, unknown>;
      return [{ ...base, filter, ...(second?.$sort ? { sort: sortOf(second.$sort) } : {}) }];
    }
    case 'update':
      return (command.updates as { q: Record<string, unknown> }[]).map((u) => ({ ...base, filter: u.q }));
    case 'delete':
      return (command.deletes as { q: Record<string, unknown> }[]).map((d) => ({ ...base, filter: d.q }));
    default:
      return [];
  }
}
