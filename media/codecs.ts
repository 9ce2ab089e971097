/** Media policy constants shared by every room. */
import type { types } from './mediasoup.js';

/** Codecs every testimony router offers: Opus for speech, VP8 and H264 for video. */
export const ROUTER_MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 800 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** Per-transport bitrate ceilings: enough for a clear face and voice, bounded for many rooms. */
export const TRANSPORT_LIMITS = {
  initialAvailableOutgoingBitrate: 1_000_000,
  maxIncomingBitrate: 2_500_000,
} as const;
