/** Public surface of the rooms client. */
export { RoomClient, RoomRequestError } from './RoomClient.js';
export type { RemoteMedia, RoomClientEvents, RoomClientOptions, Admission, ParticipantStatsView, ParticipantView, ProducerView, SessionInfo } from './RoomClient.js';
