import { SEED_SCENARIOS, SeedScenario } from './seed-scenarios';

export interface SeedBenchArguments {
  quick: boolean;
  scenarios: SeedScenario[];
  /** run our seeder, the baseline, or both */
  contenders: { ours: boolean; baseline: boolean };
  /** NAME=value pairs for the gateway and seeder processes (WORKER_CONCURRENCY, SEED_BATCH_SIZE, ...) */
  seederEnv: Record<string, string>;
  logDirectory?: string;
  profileDirectory?: string;
  inFlightDirectory?: string;
}

export const SEED_BENCH_USAGE = `seed bench arguments:
  --quick                 one run of a smaller area (about 5,000 tiles)
  --only ID[,ID...]       scenarios to run: ${SEED_SCENARIOS.map((scenario) => scenario.id).join(', ')}
  --contender WHO         ours | baseline | both (default both)
  --env NAME=value        an extra variable for the gateway and seeder, e.g. --env WORKER_CONCURRENCY=16
  --log-dir DIR           keep the whole output of every gateway and seeder run in DIR (e.g. with --env LOG_LEVEL=debug)
  --profile DIR           run each seeder with node --cpu-prof, writing its .cpuprofile to DIR
  --in-flight-log DIR     log each seeder's upstream requests in flight, loop delay and CPU per second to DIR`;

/** Parses what run.ts leaves after `seed` and --runs; throws with the usage on anything unknown. */
export function parseSeedBenchArguments(args: readonly string[]): SeedBenchArguments {
  const parsed: SeedBenchArguments = {
    quick: false,
    scenarios: [...SEED_SCENARIOS],
    contenders: { ours: true, baseline: true },
    seederEnv: {},
  };
  for (let index = 0; index < args.length; index += 1) {
    const [flag, inline] = args[index].split(/=(.*)/s, 2);
    const value = (): string => {
      const next = inline ?? args[(index += 1)];
      if (next === undefined) throw new Error(`${flag} needs a value\n${SEED_BENCH_USAGE}`);
      return next;
    };
    switch (flag) {
      case '--quick':
        parsed.quick = true;
        break;
      case '--only': {
        const ids = value().split(',');
        const unknown = ids.filter((id) => !SEED_SCENARIOS.some((scenario) => scenario.id === id));
        if (unknown.length > 0)
          throw new Error(`unknown scenario ${unknown.join(', ')}\n${SEED_BENCH_USAGE}`);
        parsed.scenarios = SEED_SCENARIOS.filter((scenario) => ids.includes(scenario.id));
        break;
      }
      case '--contender': {
        const who = value();
        if (who !== 'ours' && who !== 'baseline' && who !== 'both')
          throw new Error(`--contender must be ours, baseline or both\n${SEED_BENCH_USAGE}`);
        parsed.contenders = { ours: who !== 'baseline', baseline: who !== 'ours' };
        break;
      }
      case '--env': {
        const assignment = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(value());
        if (assignment === null) throw new Error(`--env takes NAME=value\n${SEED_BENCH_USAGE}`);
        parsed.seederEnv[assignment[1]] = assignment[2];
        break;
      }
      case '--profile':
        parsed.profileDirectory = value();
        break;
      case '--in-flight-log':
        parsed.inFlightDirectory = value();
        break;
      case '--log-dir':
        parsed.logDirectory = value();
        break;
      default:
        throw new Error(`unknown argument ${args[index]}\n${SEED_BENCH_USAGE}`);
    }
  }
  return parsed;
}
