import { FlowError, FlowErrorCode } from '../errors.js'
import type { UploadSource } from './types.js'

/** The largest file the older reference accepts in a multipart upload: 250 MB. */
export const MAX_UPLOAD_BYTES = 250 * 1024 * 1024

/** A multipart/form-data body ready for fetch. */
export interface MultipartBody {
  /** A stream (send with `duplex: 'half'`) or, for a Blob in a browser, a Blob that references the file. */
  body: ReadableStream<Uint8Array> | Blob
  /** `multipart/form-data; boundary=…` */
  contentType: string
  /** Set when the body is a stream: the limit or chunk error that ended it, to report instead of fetch's own. */
  failure(): FlowError | undefined
}

export interface MultipartOptions {
  /** The JSON text of the `query` part (`{"payload":{…}}`). */
  query: string
  file: UploadSource
  /** Content type of the file part when the source does not say (the message's `mimeType`). */
  fallbackContentType?: string
  /** Bytes of file at most; the stream errors as soon as it passes this. */
  limit: number
  onProgress?: (sentBytes: number) => void
  /** Build a stream even for a Blob (Node and other runtimes that stream request bodies over HTTP/1.1). */
  stream: boolean
}

const encoder = new TextEncoder()

/** The size of a source when it is known up front. */
export function knownSize(file: UploadSource): number | undefined {
  return file.size
}

export function isBlob(file: UploadSource): file is Blob {
  return typeof Blob !== 'undefined' && file instanceof Blob
}

/**
 * Listens to the errors of a Node stream handed in to upload, from the moment it is handed in. Such a stream emits
 * `error` as soon as it fails (a path that does not exist fails to open at once), read or not, and with nobody
 * listening Node throws that error out of the process: while the request is still connecting, or when the call
 * was refused before reading it. The error stays on the stream, so reading it later fails with that error, which
 * the call then reports (`file could not be read: ENOENT: …`).
 *
 * @example
 * holdStreamErrors(file) // first thing in uploadMedia, before any check that could refuse the call
 */
export function holdStreamErrors(file: unknown): void {
  const stream = typeof file === 'object' && file !== null ? (file as { stream?: unknown }).stream : undefined
  const emitter = stream as { on?: (event: 'error', listener: () => void) => unknown } | undefined
  if (typeof emitter?.on === 'function') emitter.on('error', () => undefined)
}

/** Quotes a header parameter the way browsers encode form-data names (HTML spec): `"` and line breaks escaped. */
function quote(value: string): string {
  return `"${value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')}"`
}

function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return `----flowchat${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** Reads any supported source chunk by chunk, pulling only when asked. */
function chunksOf(file: UploadSource): {
  next(): Promise<IteratorResult<unknown, unknown>>
  cancel(): Promise<void>
} {
  const source = isBlob(file) ? file.stream() : file.stream
  if (typeof (source as ReadableStream).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader()
    return {
      next: () => reader.read(),
      cancel: () => reader.cancel(),
    }
  }
  const iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  return {
    next: () => iterator.next(),
    cancel: async () => {
      await iterator.return?.()
    },
  }
}

/**
 * Builds the multipart body of a media upload: the `query` part first (so a streaming receiver can check the
 * message before the bytes arrive), then the `file` part. The file is never read whole: with `stream` it is
 * piped chunk by chunk as fetch pulls, counting bytes, reporting progress and erroring past `limit`;
 * otherwise (a Blob in a browser) the body is a Blob that only references the file.
 *
 * @example
 * const mp = createMultipartBody({ query: JSON.stringify(request), file, limit: MAX_UPLOAD_BYTES, stream: true })
 * await fetch(url, { method: 'POST', body: mp.body, headers: { 'Content-Type': mp.contentType }, duplex: 'half' })
 */
export function createMultipartBody(options: MultipartOptions): MultipartBody {
  const { file } = options
  const boundary = randomBoundary()
  const filename = isBlob(file) ? ((file as Partial<File>).name ?? 'file') : file.filename
  const type =
    (isBlob(file) ? file.type : file.contentType) || options.fallbackContentType || 'application/octet-stream'
  if (/[\r\n]/.test(type)) {
    throw new FlowError(FlowErrorCode.invalid_input, 'file.contentType must not contain line breaks.', {
      path: 'file.contentType',
    })
  }
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="query"\r\n\r\n${options.query}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=${quote(filename || 'file')}\r\n` +
      `Content-Type: ${type}\r\n\r\n`,
  )
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`)
  const contentType = `multipart/form-data; boundary=${boundary}`

  if (!options.stream && isBlob(file)) {
    return { body: new Blob([head, file, tail]), contentType, failure: () => undefined }
  }

  let failure: FlowError | undefined
  let stage: 'head' | 'file' | 'tail' | 'done' = 'head'
  let sent = 0
  let chunks: ReturnType<typeof chunksOf> | undefined
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (stage === 'head') {
          stage = 'file'
          controller.enqueue(head)
          return
        }
        if (stage === 'file') {
          let read: IteratorResult<unknown, unknown>
          try {
            chunks ??= chunksOf(file)
            read = await chunks.next()
          } catch (error) {
            // The caller's file failed (a missing path, a stream that is not one), not the network: say so.
            failure = unreadable(error)
            controller.error(failure)
            return
          }
          const { done, value } = read
          if (done) {
            stage = 'tail'
          } else {
            if (!(value instanceof Uint8Array)) {
              failure = new FlowError(
                FlowErrorCode.invalid_input,
                'file.stream must yield bytes (Uint8Array or Buffer), not strings or objects.',
                { path: 'file.stream' },
              )
            } else if (sent + value.byteLength > options.limit) {
              failure = tooLarge(options.limit)
            }
            if (failure) {
              await chunks.cancel().catch(() => undefined)
              controller.error(failure)
              return
            }
            const bytes = value as Uint8Array
            sent += bytes.byteLength
            controller.enqueue(bytes)
            options.onProgress?.(sent)
            return
          }
        }
        if (stage === 'tail') {
          stage = 'done'
          controller.enqueue(tail)
          controller.close()
        }
      },
      async cancel() {
        await chunks?.cancel().catch(() => undefined)
      },
    },
    // Pull only when fetch asks for more: the file is read at the pace of the network, never ahead of it.
    { highWaterMark: 0 },
  )
  return { body, contentType, failure: () => failure }
}

/** The error for a file source that failed while it was read. */
function unreadable(error: unknown): FlowError {
  const reason = error instanceof Error ? error.message : String(error)
  return new FlowError(FlowErrorCode.invalid_input, `file could not be read: ${reason}`, {
    path: 'file',
    cause: error,
  })
}

/** The error for a file over the upload limit. */
export function tooLarge(limit: number): FlowError {
  const mb = (limit / (1024 * 1024)).toFixed(limit % (1024 * 1024) === 0 ? 0 : 2)
  return new FlowError(
    FlowErrorCode.payload_too_large,
    `The file is larger than ${mb} MB, the upload limit.`,
    {
      path: 'file',
    },
  )
}
