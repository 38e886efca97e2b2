import * as z from "zod";
import { scenarioSchema } from "./schema/scenario.js";

/** Where the committed JSON Schema lives in the repository and in the npm package. */
export const JSON_SCHEMA_PATH = "schema/scenario.schema.json";

/**
 * The scenario format as JSON Schema (draft 2020-12), generated from the zod schema (the input
 * side: strings with units, defaults optional), for editors via yaml-language-server:
 *   # yaml-language-server: $schema=../schema/scenario.schema.json
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  });
  return { ...schema, $id: "https://github.com/amqpsim/amqpsim/schema/scenario.schema.json" };
}

/** The schema file's exact text (2-space JSON + newline), as committed. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
