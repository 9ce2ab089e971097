/**
 * Loads mediasoup. mediasoup reads MEDIASOUP_WORKER_BIN once, when its module is first
 * evaluated, so the configured path must be in place before the dynamic import.
 */
import type * as Mediasoup from 'mediasoup';

export type { types } from 'mediasoup';

/** The parts of mediasoup the media layer uses. */
export type MediasoupModule = Pick<typeof Mediasoup, 'createWorker' | 'getSupportedRtpCapabilities' | 'version'>;
let loaded: Promise<MediasoupModule> | undefined;

/** Imports mediasoup with `workerBin` as its worker binary. Later calls return the same module. */
export function loadMediasoup(workerBin: string): Promise<MediasoupModule> {
  if (!loaded) {
    // The one place outside config/ that touches process.env: handing the configured value to
    // the library, which offers no other way to receive it.
    process.env.MEDIASOUP_WORKER_BIN = workerBin;
    loaded = import('mediasoup').then((m): MediasoupModule => m.default);
  }
  return loaded;
}
