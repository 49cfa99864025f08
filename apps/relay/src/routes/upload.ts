import type { Readable } from 'node:stream'
import busboy from 'busboy'
import type { FastifyRequest } from 'fastify'
import { FlowErrorCode, type MediaUploadInput } from '@flowchat/core'
import { uploadQuerySchema, type UploadQuery } from '@flowchat/core/protocol'
import type { UploadSource } from '@flowchat/core/rest'
import { httpError } from '../http-error.js'
import { assertJsonDepth } from '../ingest-limits.js'
import { parseInput } from '../register-route.js'

export interface UploadHandlers {
  limitBytes: number
  /** The message to send, from the validated `query` part (role and traceId added by the route). */
  build(query: UploadQuery): MediaUploadInput & { traceId: string }
  upload(message: MediaUploadInput, file: UploadSource, signal: AbortSignal): Promise<void>
}

/** Bytes of an upload's `query` field (the message as JSON, `params` included). */
const QUERY_LIMIT_BYTES = 64 * 1024

/**
 * Reads a `multipart/form-data` send (`query` = the JSON message, then `file` = the bytes) and streams the file
 * to Flow.ai as it arrives: the relay never holds a whole file. Past `limitBytes` the upload is aborted, 413.
 * `query` must come before `file` (browsers keep FormData's order), because the message is needed to start.
 *
 * @example
 * const { message, traceId } = await receiveUpload(request, { limitBytes, build, upload })
 */
export function receiveUpload(
  request: FastifyRequest,
  handlers: UploadHandlers,
): Promise<{ message: MediaUploadInput; traceId: string }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy
    try {
      bb = busboy({
        headers: request.headers,
        limits: {
          files: 1,
          fields: 4,
          fieldSize: QUERY_LIMIT_BYTES,
          fileSize: handlers.limitBytes,
          parts: 6,
        },
      })
    } catch {
      reject(
        httpError(FlowErrorCode.invalid_input, 'The multipart body has no boundary.', {
          path: 'Content-Type',
        }),
      )
      return
    }
    let message: (MediaUploadInput & { traceId: string }) | undefined
    let queryError: unknown
    let started = false
    let settled = false
    const controller = new AbortController()
    const fail = (error: unknown) => {
      if (settled) return
      settled = true
      controller.abort()
      request.raw.unpipe(bb)
      // Ends a file stream still open (the client went away mid-file): what reads it stops waiting for bytes.
      bb.destroy()
      request.raw.resume() // drain, so the answer can be read by the client
      reject(error instanceof Error ? error : new Error(String(error)))
    }
    /**
     * Busboy fails the form and the file stream open in it with the same error: one answer, 400 (`fail` answers
     * once, so it wins over what the upload to Flow.ai fails with afterwards).
     */
    const failMalformed = (error: Error) => fail(malformedBody(error))

    bb.on('field', (name, value, info) => {
      if (name !== 'query' || message) return
      if (info.valueTruncated) {
        // Busboy cut it at the bound: what is left is not the client's JSON, and "must be JSON" would mislead.
        queryError = httpError(
          FlowErrorCode.payload_too_large,
          `query: must be at most ${String(QUERY_LIMIT_BYTES)} bytes.`,
          { path: 'query' },
        )
        return
      }
      try {
        assertJsonDepth(value, 'query')
        message = handlers.build(parseInput(uploadQuerySchema, JSON.parse(value) as unknown, 'query'))
      } catch (error) {
        queryError =
          error instanceof SyntaxError
            ? httpError(FlowErrorCode.invalid_input, 'query: must be JSON', { path: 'query' })
            : error
      }
    })

    bb.on('file', (name, file: Readable & { truncated?: boolean }, info) => {
      // Every file stream, read or skipped, errors when the form is cut off: unheard, that kills the process.
      file.on('error', failMalformed)
      if (name !== 'file' || started) {
        file.resume()
        return
      }
      started = true
      if (!message) {
        file.resume()
        fail(
          queryError ??
            httpError(FlowErrorCode.invalid_input, 'query: the `query` field must come before `file`.', {
              path: 'query',
            }),
        )
        return
      }
      let tooLarge = false
      file.on('limit', () => {
        tooLarge = true
        controller.abort()
      })
      const sent = message
      const chunks = async function* () {
        for await (const chunk of file) yield chunk as Uint8Array
        if (file.truncated) throw tooLargeError(handlers.limitBytes)
      }
      handlers
        .upload(
          sent,
          {
            stream: chunks(),
            filename: info.filename || 'upload',
            ...(info.mimeType ? { contentType: info.mimeType } : {}),
          },
          controller.signal,
        )
        .then(
          () => {
            if (tooLarge) return fail(tooLargeError(handlers.limitBytes))
            settled = true
            resolve({ message: sent, traceId: sent.traceId })
          },
          (error: unknown) => fail(tooLarge ? tooLargeError(handlers.limitBytes) : error),
        )
    })

    bb.on('close', () => {
      if (!started)
        fail(
          queryError ??
            httpError(FlowErrorCode.invalid_input, 'file: a `file` part is required.', { path: 'file' }),
        )
    })
    bb.on('error', failMalformed)
    request.raw.on('error', (error) => fail(error))
    request.raw.pipe(bb)
  })
}

/** Busboy's findings, said so that a client can fix its request. */
function malformedBody(error: Error) {
  const cutOff = /^Unexpected end of (form|file)$/.test(error.message)
  const message = cutOff
    ? 'The multipart body ends before its closing boundary (cut off, or its Content-Length is short).'
    : error.message === 'Malformed part header'
      ? 'The multipart body has a malformed part header.'
      : 'The multipart body is malformed.'
  return httpError(FlowErrorCode.invalid_input, message)
}

function tooLargeError(limit: number) {
  return httpError(FlowErrorCode.payload_too_large, `file: must be at most ${limit} bytes.`, { path: 'file' })
}
