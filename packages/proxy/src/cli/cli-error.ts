/** A failure the CLI reports as `pay-link: <message>` with an exit code: 1 when the proxy refused, 2 for usage. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: 1 | 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A command's output and the exit code it asks for (a report that found trouble exits 1, still printing it). */
export interface CommandReport {
  output: string;
  exitCode: 0 | 1;
}
