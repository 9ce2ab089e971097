/**
 * The RTP shapes the load client and mediasoup agree on: what a publisher declares for its
 * streams, and the receive capabilities of a subscriber (a browser's essentials: Opus and VP8,
 * NACK, PLI, FIR, transport-wide congestion control; no RTX, so repairs reuse the original SSRC).
 */
import type { types } from '../../media/mediasoup.js';

const TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const VIDEO_FEEDBACK = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'transport-cc' }];

/** What a load-client publisher sends for `kind` (payload type from `LoadClient.ortcSend()`). */
export function publisherRtpParameters(kind: 'audio' | 'video', ssrc: number, payloadType: number): types.RtpParameters {
  const codec =
    kind === 'audio'
      ? { mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }
      : { mimeType: 'video/VP8', payloadType, clockRate: 90000, rtcpFeedback: VIDEO_FEEDBACK.slice(0, 3) };
  return { codecs: [codec], encodings: [{ ssrc }], rtcp: { cname: `load-${ssrc}`, reducedSize: true } };
}

/** Receive capabilities of a load-client subscriber. */
export const SUBSCRIBER_RTP_CAPABILITIES: types.RtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2, rtcpFeedback: [{ type: 'transport-cc' }] },
    { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 96, clockRate: 90000, rtcpFeedback: VIDEO_FEEDBACK },
  ],
  headerExtensions: [
    { kind: 'audio', uri: TWCC, preferredId: 5 },
    { kind: 'video', uri: TWCC, preferredId: 5 },
  ] as types.RtpHeaderExtension[],
};

let nextSsrc = 10_000;
/** A fresh SSRC for a publisher stream. */
export const newSsrc = (): number => nextSsrc++;
