import type { MediaType } from '@flowchat/core/schemas'

/**
 * The Flow.ai media type for an uploaded file, from its MIME type.
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
