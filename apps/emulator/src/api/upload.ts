import busboy from 'busboy'
import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import { UploadTooLarge, type MediaStore, type StoredMedia } from '../media-store.js'
import { HttpError, badRequest } from './http-error.js'

/** A parsed multipart upload: the `query` field (JSON text) and the stored `file`. */
export interface Upload {
  query: unknown
  file: StoredMedia | undefined
}

/**
 * Reads a `multipart/form-data` body (field `file` = the bytes, field `query` = the JSON message, as the older
 * reference documents) with busboy. The file streams to disk and is counted; above `limit` the rest is read and
 * discarded, then a 413 is thrown. Other files and fields are ignored.
 *
 * @example
 * const upload = await readUpload(request.raw, request.headers, 250e6, media)
 */
export function readUpload(
  source: Readable,
  headers: IncomingHttpHeaders,
  limit: number,
  media: MediaStore,
): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers, limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 1024 * 1024 } })
    } catch (error) {
      reject(badRequest('content-type', `invalid multipart header (${(error as Error).message})`))
      return
    }
    let queryText: string | undefined
    let saving: Promise<StoredMedia> | undefined
    let failed: unknown
    parser.on('field', (name, value) => {
      if (name === 'query') queryText = value
    })
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || saving) {
        stream.resume()
        return
      }
      saving = media.save(
        stream,
        limit,
        info.filename || 'upload',
        info.mimeType || 'application/octet-stream',
      )
      // Keep reading the request even when saving fails, so the client gets its answer.
      saving.catch((error: unknown) => {
        failed = error
        stream.resume()
      })
    })
    parser.on('error', (error: Error) =>
      reject(badRequest('body', `malformed multipart body (${error.message})`)),
    )
    parser.on('close', () => {
      void (async () => {
        let file: StoredMedia | undefined
        try {
          file = await saving
        } catch (error) {
          failed = error
        }
        if (failed instanceof UploadTooLarge) return reject(new HttpError(413, failed.message))
        if (failed) return reject(failed instanceof Error ? failed : new Error('upload failed'))
        if (queryText === undefined) return reject(badRequest('query', 'is required (the JSON message)'))
        let query: unknown
        try {
          query = JSON.parse(queryText)
        } catch {
          return reject(badRequest('query', 'must be valid JSON'))
        }
        resolve({ query, file })
      })()
    })
    source.pipe(parser)
  })
}
