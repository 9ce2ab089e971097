/** Entry point of `npm start`: configuration, the service, and signal handling. */
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { createLogger } from './logger.js';
import { Service } from './service.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const service = await Service.create(config, logger);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutdown() requested');
    const force = setTimeout(() => {
      logger.error('shutdown() timed out');
      process.exit(1);
    }, 15_000);
    force.unref();
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown() failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Witness Bridge failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
