import type { Binding } from "../binding.js";
import type { ExchangeRouter } from "../exchange-type.js";
import type { FieldTable, FieldValue } from "../message.js";

type XMatch = "all" | "any" | "all-with-x" | "any-with-x";
const XMATCH = new Set<string>(["all", "any", "all-with-x", "any-with-x"]);

/**
 * Headers exchange (rabbit_exchange_type_headers.erl): matches the message's headers against the
 * binding's arguments; the routing key is ignored. x-match missing means "all"; with all / any,
 * arguments starting with "x-" are ignored, all-with-x / any-with-x (3.10+) include them. A void
 * (null) argument matches on the header's presence alone. Numbers compare by value (1 matches 1.0),
 * a string never matches a number. No real argument: all matches every message, any matches none.
 * Linear in the number of bindings, as in RabbitMQ.
 */
export class HeadersRouter implements ExchangeRouter {
  readonly type = "headers";
  private readonly all = new Map<string, Binding>();

  get size(): number {
    return this.all.size;
  }

  validate(b: Binding): string | undefined {
    const m = b.args["x-match"];
    if (m === undefined) return undefined;
    if (typeof m !== "string" || !XMATCH.has(m)) {
      return `Invalid x-match field value ${JSON.stringify(m)}; expected all, any, all-with-x, or any-with-x`;
    }
    return undefined;
  }

  bind(b: Binding): boolean {
    if (this.all.has(b.id)) return false;
    this.all.set(b.id, b);
    return true;
  }

  unbind(b: Binding): boolean {
    return this.all.delete(b.id);
  }

  route(_routingKey: string, headers: FieldTable | undefined, out: Binding[]): number {
    for (const b of this.all.values()) if (headersMatch(b.args, headers)) out.push(b);
    return this.all.size;
  }

  bindings(): Iterable<Binding> {
    return this.all.values();
  }
}

export function headersMatch(args: FieldTable, headers: FieldTable | undefined): boolean {
  const mode = ((args["x-match"] as string | undefined) ?? "all") as XMatch;
  const withX = mode === "all-with-x" || mode === "any-with-x";
  const any = mode === "any" || mode === "any-with-x";
  for (const key of Object.keys(args)) {
    if (key === "x-match") continue;
    if (!withX && key.startsWith("x-")) continue;
    const expected = args[key]!;
    const present = headers !== undefined && Object.hasOwn(headers, key);
    const ok = present && (expected === null || valueEquals(expected, headers[key]!));
    if (any && ok) return true;
    if (!any && !ok) return false;
  }
  // all: nothing failed (also when no argument was considered); any: nothing matched
  return !any;
}

function valueEquals(a: FieldValue, b: FieldValue): boolean {
  if (typeof a !== typeof b) return false;
  if (a === null || typeof a !== "object") return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
