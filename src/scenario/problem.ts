/**
 * A problem found in a scenario: where (file, 1-based line and column), which value (a dotted
 * path such as `producers.0.rate`) and what is wrong. Problems are data, collected all at once
 * before anything is reported (as zod does), so a user fixes a file in one pass.
 */
export interface Problem {
  readonly file: string;
  /** 1-based; 0 when the problem has no position (e.g. a file that could not be read). */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** Dotted path of the value, "" for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** `file:line:col: path: message`, the format editors and CI annotators recognise. */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.path === "" ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

/** Orders problems by file, then position, so output reads top to bottom. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** Thrown by the loader with every problem of a scenario; the CLI prints them and exits with 2. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
}
