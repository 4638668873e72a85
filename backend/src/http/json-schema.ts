import { z } from 'zod';

/** zod 4's JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect) shaped for an OpenAPI document. */

export type JsonSchema = Record<string, unknown>;
export type ZodSchema = z.core.$ZodType;

export const schemaRef = (id: string) => `#/components/schemas/${id}`;

/** zod's output without the keywords that belong to a standalone JSON Schema document, not to an OpenAPI component. */
function bare(schema: object): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
  return rest;
}

/** The named schemas as components (`$ref` where nested); requests as sent (`io: 'input'`), responses as produced. */
export function components(named: Record<string, ZodSchema>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: schemaRef, unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, bare(schema)]));
}

export const inline = (schema: ZodSchema, io: 'input' | 'output' = 'output') =>
  bare(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));

/** One query parameter per property of a request's query schema, required unless it has a default or is optional. */
export function queryParameters(schema: ZodSchema): JsonSchema[] {
  const json = inline(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}
