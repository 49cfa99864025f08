import type { SendAccepted } from '../protocol/index.js'
import { toFlowError } from '../errors.js'
import { readAnswer } from './relay-http.js'
import { sendMessage } from './visitor-routes.js'

export interface UploadRequest {
  url: string
  token: string | undefined
  /** The JSON message (type media) that goes as the `query` part. */
  query: Record<string, unknown>
  file: Blob
  filename?: string
  fetch: typeof fetch
  onProgress: (fraction: number) => void
}

/** The name a file is sent under: its own (a `File`'s), else `upload`. */
export const fileNameOf = (file: Blob): string => (file as { name?: string }).name || 'upload'

function formOf(request: UploadRequest): FormData {
  const form = new FormData()
  form.append('query', JSON.stringify(request.query))
  form.append('file', request.file, request.filename ?? fileNameOf(request.file))
  return form
}

/**
 * Uploads a file to `POST /v1/threads/:id/messages` as multipart/form-data, reporting progress. Browsers use
 * XMLHttpRequest (fetch has no upload progress there); elsewhere fetch streams the body through a byte counter.
 *
 * @example
 * const { traceId } = await uploadMessage({ url, token, query, file, fetch, onProgress: (f) => console.log(f) })
 */
export function uploadMessage(request: UploadRequest): Promise<SendAccepted> {
  return typeof XMLHttpRequest === 'function' ? uploadWithXhr(request) : uploadWithFetch(request)
}

function uploadWithXhr(request: UploadRequest): Promise<SendAccepted> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', request.url)
    if (request.token) xhr.setRequestHeader('authorization', `Bearer ${request.token}`)
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && e.total > 0) request.onProgress(e.loaded / e.total)
    })
    // What fetch throws when there is no answer, so that it reads like any other network failure.
    xhr.addEventListener('error', () => reject(toFlowError(new TypeError('the upload got no answer'))))
    xhr.addEventListener('load', () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { 'retry-after': xhr.getResponseHeader('retry-after') ?? '' },
      })
      readAnswer(response, `POST ${request.url}`, sendMessage.read).then(
        (value) => resolve(value as SendAccepted),
        reject,
      )
    })
    xhr.send(formOf(request))
  })
}

async function uploadWithFetch(request: UploadRequest): Promise<SendAccepted> {
  // Serialise the form once to learn its size and boundary, then stream it through a counter.
  const encoded = new Response(formOf(request))
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data'
  const blob = await encoded.blob()
  const total = blob.size
  let sent = 0
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      sent += chunk.byteLength
      request.onProgress(total === 0 ? 1 : sent / total)
      controller.enqueue(chunk)
    },
  })
  const headers: Record<string, string> = { 'content-type': contentType }
  if (request.token) headers.authorization = `Bearer ${request.token}`
  let response: Response
  try {
    response = await request.fetch(request.url, {
      method: 'POST',
      headers,
      body: blob.stream().pipeThrough(counter),
      duplex: 'half',
      // As every relay call: a redirect fails the upload, naming it (`readAnswer`), rather than being followed.
      redirect: 'manual',
    } as RequestInit)
  } catch (error) {
    throw toFlowError(error)
  }
  return (await readAnswer(response, `POST ${request.url}`, sendMessage.read)) as SendAccepted
}
