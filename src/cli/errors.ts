/**
 * Exit codes (README "CLI"): 0 success; 1 the run failed (model error, fate conservation broken)
 * or missed its SLO; 2 bad input or usage (unreadable or invalid files, unknown options).
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error meant for the user: printed without a stack trace, then exit with `code`. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly code: number = EXIT_USAGE,
  ) {
    super(message);
  }
}
