/** RabbitMQ version a scenario models: "3.10" .. "3.13", "4.0" .. "4.3" ("4.x" = latest 4). */
export interface BrokerVersion {
  readonly major: number;
  readonly minor: number;
  readonly text: string;
}

export function parseVersion(text: string): BrokerVersion {
  const m = /^(\d+)\.(\d+|x)(?:\.\d+)?$/.exec(text.trim());
  if (!m) throw new Error(`broker version '${text}': expected "3.10" .. "3.13" or "4.0" .. "4.x"`);
  const major = Number(m[1]);
  const minor = m[2] === "x" ? 99 : Number(m[2]);
  if (major < 3 || (major === 3 && minor < 10) || major > 4) {
    throw new Error(`broker version '${text}' is not modelled: expected "3.10" .. "3.13" or "4.0" .. "4.x"`);
  }
  return { major, minor, text };
}

export const atLeast = (v: BrokerVersion, major: number, minor: number): boolean =>
  v.major > major || (v.major === major && v.minor >= minor);
