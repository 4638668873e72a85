import type { mongo } from 'mongoose';

export interface ProjectedQuery {
  filter: mongo.Filter<mongo.Document>;
  /** The fields to return (`{ field: 1 }`), or to leave out (`{ field: 0 }`). */
  projection: Record<string, 0 | 1>;
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}

/** A projected find run as an aggregation: the stand-in ignores a find's projection but honours `$project` (MongoDB: same plan). */
export function findProjected<T extends mongo.Document>(
  collection: Pick<mongo.Collection, 'aggregate'>,
  query: ProjectedQuery,
  maxTimeMS: number,
): Promise<T[]> {
  const { filter, projection, sort, skip, limit } = query;
  const pipeline: mongo.Document[] = [{ $match: filter }];
  if (sort) pipeline.push({ $sort: sort });
  if (skip) pipeline.push({ $skip: skip });
  if (limit !== undefined) pipeline.push({ $limit: limit });
  pipeline.push({ $project: projection });
  return collection.aggregate<T>(pipeline, { maxTimeMS }).toArray();
}
