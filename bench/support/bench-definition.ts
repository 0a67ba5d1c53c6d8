/** What run.ts hands a bench: how many measured runs to take and the arguments after its name. */
export interface BenchContext {
  runs: number;
  /** Arguments after `<name>` that run.ts did not consume (everything except --runs N). */
  args: string[];
}

/** Every `bench/<name>.bench.ts` exports `bench` of this type; run.ts finds it by file name. */
export interface BenchDefinition {
  description: string;
  /** Smallest sensible --runs for the bench (medians need at least 3). */
  defaultRuns: number;
  run(context: BenchContext): Promise<void>;
}
