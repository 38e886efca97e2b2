import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { formatProblem, type Problem } from "../scenario/problem.js";

/** Prints problems to stderr, one `file:line:col: path: message` per line. */
export function printProblems(problems: readonly Problem[]): void {
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  const n = problems.length;
  process.stderr.write(`${n} problem${n === 1 ? "" : "s"}\n`);
}

/**
 * Writes `files` (relative path -> text) as the folder `outRoot/name`, atomically: everything is
 * written into a temporary sibling folder first, then renamed into place (an existing report is
 * moved aside and removed only after the new one is in place). An interrupted run never leaves a
 * half-written report. Returns the folder's path.
 */
export function writeFolderAtomic(outRoot: string, name: string, files: Record<string, string>): string {
  mkdirSync(outRoot, { recursive: true });
  const target = join(outRoot, name);
  const tmp = mkdtempSync(join(outRoot, `.${name}.tmp-`));
  try {
    for (const rel of Object.keys(files).sort()) {
      const p = join(tmp, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, files[rel]!);
    }
    let old: string | undefined;
    if (existsSync(target)) {
      old = `${tmp}.old`;
      renameSync(target, old);
    }
    renameSync(tmp, target);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return target;
}
