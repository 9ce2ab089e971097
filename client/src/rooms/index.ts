/** Public surface of the rooms client. */
export { RoomClient, RoomRequestError } from './RoomClient.js';
export type { RemoteMedia, RoomClientEvents, RoomClientOptions, Admission, HearingState, ParticipantStatsView, ParticipantView, MaskingStatusView, SessionInfo } from './RoomClient.js';
