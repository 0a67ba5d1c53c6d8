/** One problem with one environment variable, phrased for the person starting the process. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown once at boot with every bad variable, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
