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
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const service = await Service.create(config, logger);
  announce(config, service);
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

/**
 * Tells the person at the console where to open the service and, on the first start with no
 * administrator, the one-time administrator password: printed here once (never logged), and kept
 * in a mode-600 file in DATA_DIR until it is changed.
 */
function announce(config: Config, service: Service): void {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
  const lines = [`Witness Bridge is running: open http://${host.includes(':') ? `[${host}]` : host}:${service.port}/`];
  const first = service.api.firstRun;
  if (first) {
    lines.push(
      'No administrator existed, so one was created:',
      `  username: ${first.username}`,
      `  password: ${first.password}   (one-time: you will choose your own at first sign-in)`,
      `  The password is kept in ${first.file} (mode 600) until it is changed.`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Witness Bridge failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
