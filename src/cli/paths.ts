import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root (where package.json, scenarios/ and schema/ live): found by walking up from
 * this file, which is src/cli/ when run with tsx and dist/src/cli/ when built.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "scenarios"))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Bundled scenario files (scenarios/**.yaml), sorted, as paths relative to the package root. */
export function bundledScenarios(): string[] {
  const root = packageRoot();
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name) && !name.startsWith("_")) out.push(relative(root, p));
    }
  };
  const dir = join(root, "scenarios");
  if (existsSync(dir)) walk(dir);
  return out;
}

/**
 * A scenario argument: a path to a file, or the name of a bundled scenario ("hello-world",
 * "openstack/nova-boot") when no such file exists.
 */
export function resolveScenarioArg(arg: string): string {
  if (existsSync(arg)) return arg;
  const root = packageRoot();
  for (const candidate of [`scenarios/${arg}.yaml`, `scenarios/${arg}.yml`, `scenarios/${arg}`]) {
    const p = join(root, candidate);
    if (existsSync(p) && statSync(p).isFile()) return relative(process.cwd(), p) || p;
  }
  return arg;
}
