import type { mongo } from 'mongoose';

export interface ProjectedQuery {
  filter: mongo.Filter<mongo.Document>;
  /** The fields to return (`{ field: 1 }`), or to leave out (`{ field: 0 }`). */
  projection: Record<string, 0 | 1>;
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}

/** Whether the filter picks documents by `_id` (one, or `$in` a list). */
const selectsById = (filter: mongo.Filter<mongo.Document>) => filter._id !== undefined;

/**
 * A read that ships only the projected fields, in whichever form both servers run well. MongoDB runs a find
 * and an aggregation alike. The in-memory stand-in ignores a find's projection (whole stories, tasks and
 * all, would cross the wire and fill its heap) but honours `$project`; it finds by `_id` only in a find,
 * though, and scans in an aggregation: reads by `_id` stay finds (a bounded list of ids), the rest aggregate.
 */
export function findProjected<T extends mongo.Document>(
  collection: Pick<mongo.Collection, 'aggregate' | 'find'>,
  query: ProjectedQuery,
  maxTimeMS: number,
): Promise<T[]> {
  const { filter, projection, sort, skip, limit } = query;
  if (selectsById(filter))
    return collection
      .find<T>(filter, { projection, maxTimeMS, ...(sort ? { sort } : {}), ...(skip ? { skip } : {}), ...(limit ? { limit } : {}) })
      .toArray();
  const pipeline: mongo.Document[] = [{ $match: filter }];
  if (sort) pipeline.push({ $sort: sort });
  if (skip) pipeline.push({ $skip: skip });
  if (limit !== undefined) pipeline.push({ $limit: limit });
  pipeline.push({ $project: projection });
  return collection.aggregate<T>(pipeline, { maxTimeMS }).toArray();
}
