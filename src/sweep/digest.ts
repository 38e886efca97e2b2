import { createHash } from "node:crypto";

/** sha256 of a scenario's text (hex): identifies the scenario in a sweep spec without its path. */
export function textDigest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
