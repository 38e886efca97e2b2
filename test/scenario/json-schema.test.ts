import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_PATH, scenarioJsonSchema, scenarioJsonSchemaText } from "../../src/scenario/index.js";

describe("scenario JSON Schema", () => {
  it("the committed schema/scenario.schema.json is what the zod schema generates (regenerate: amqpsim schema > schema/scenario.schema.json)", () => {
    expect(readFileSync(JSON_SCHEMA_PATH, "utf8")).toBe(scenarioJsonSchemaText());
  });

  it("describes the input side: unit values are strings, defaulted keys are optional, unknown keys are refused", () => {
    const s = scenarioJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<
        string,
        { type?: string; items?: { properties: Record<string, { type?: string }> } }
      >;
    };
    expect(s.required).toEqual(["name", "duration"]);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.duration!.type).toBe("string");
    expect(s.properties.producers!.items!.properties.rate!.type).toBe("string");
  });
});
