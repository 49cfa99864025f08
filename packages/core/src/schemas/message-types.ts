// Plain values, apart from the schemas of requests: a browser bundle that sends media pulls in no zod.

/** Message types a client may send. */
export const MessageType = { text: 'text', event: 'event', location: 'location', media: 'media' } as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Media types a media message may carry. */
export const MediaType = { image: 'image', file: 'file', audio: 'audio', video: 'video' } as const
export type MediaType = (typeof MediaType)[keyof typeof MediaType]

/**
 * The media type of a file from its MIME type: what an upload is sent as when no media type is given.
 *
 * @example
 * mediaTypeOf('image/png')       // 'image'
 * mediaTypeOf('application/pdf') // 'file'
 */
export function mediaTypeOf(mime: string): MediaType {
  if (mime.startsWith('image/')) return 'image'
  if (mime.startsWith('video/')) return 'video'
  if (mime.startsWith('audio/')) return 'audio'
  return 'file'
}
