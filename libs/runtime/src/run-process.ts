import { AppConfig, AppName, ConfigError, loadAppConfig } from '@map-offline/config';
import { AppLogger, createLogger } from '@map-offline/observability';

/** What a started process hands back so the runner can stop it in order. */
export interface RunningProcess {
  /** The port the process listens on: HTTP for the gateway, health/metrics for workers. */
  port: number;
  /** Called once on SIGTERM/SIGINT: flip readiness, stop taking work, close worker -> queue -> database. */
  stop(): Promise<void>;
}

export type ProcessStarter = (config: AppConfig, logger: AppLogger) => Promise<RunningProcess>;

/**
 * The common life of every app: parse config once (a bad variable lists every problem and exits 1),
 * create the JSON logger, start, and stop cleanly on the first SIGTERM or SIGINT. A second signal
 * while stopping exits at once, for an operator who really means it.
 */
export function runProcess(app: AppName, start: ProcessStarter): void {
  let config: AppConfig;
  try {
    config = loadAppConfig(app);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${app}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ app, level: config.logLevel });
  let stopping = false;

  start(config, logger).then(
    (running) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) {
          logger.warn({ signal }, 'second signal while stopping: exiting now');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'stopping');
        running.stop().then(
          () => {
            logger.info('stopped cleanly');
            logger.flush();
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'error while stopping');
            logger.flush();
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
    (error: unknown) => {
      logger.fatal({ err: error }, 'failed to start');
      logger.flush();
      // Give the asynchronous log destination a moment to write the reason before exiting.
      setTimeout(() => process.exit(1), 100);
    },
  );
}
