import type * as z from "zod";
import type { PathSegment } from "./source.js";

/** The parts of zod 4's schema definitions that the walk reads. */
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly options?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips optional / default / nullable / pipe wrappers down to the schema that shapes the input. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The schemas that describe the value at `path` (several when a union is on the way). */
function schemasAt(root: z.ZodType, path: readonly PathSegment[]): z.ZodType[] {
  let current = [unwrap(root)];
  for (const seg of path) {
    const next: z.ZodType[] = [];
    const visit = (s: z.ZodType): void => {
      const def = defOf(s);
      if (def.type === "union") for (const o of def.options ?? []) visit(unwrap(o));
      else if (def.type === "object" && typeof seg === "string" && def.shape?.[seg])
        next.push(unwrap(def.shape[seg]));
      else if (def.type === "array" && typeof seg === "number" && def.element) next.push(unwrap(def.element));
      else if (def.type === "record" && def.valueType) next.push(unwrap(def.valueType));
    };
    for (const s of current) visit(s);
    current = next;
  }
  return current;
}

/** Keys an object at `path` accepts, for "did you mean" on unknown keys. */
export function knownKeysAt(root: z.ZodType, path: readonly PathSegment[]): string[] {
  const keys: string[] = [];
  const collect = (s: z.ZodType): void => {
    const def = defOf(s);
    if (def.type === "union") for (const o of def.options ?? []) collect(unwrap(o));
    else if (def.type === "object") keys.push(...Object.keys(def.shape ?? {}));
  };
  for (const s of schemasAt(root, path)) collect(s);
  return [...new Set(keys)];
}
