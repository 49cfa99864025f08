import { hash, timingSafeEqual } from 'node:crypto'
import { decodeWebhookHead, FlowErrorCode, PROJECT_KINDS, safeParse, threadIdSchema } from '@flowchat/core'
import { httpError } from './http-error.js'
import { assertEventSize, assertJsonDepth } from './ingest-limits.js'
import type { RelayContext } from './relay-context.js'
import { createStorageOutage, storageFailure, type StorageOutage } from './storage-outage.js'

const STORED = JSON.stringify({ status: 'ok', duplicate: false })
const DUPLICATE = JSON.stringify({ status: 'ok', duplicate: true })

/**
 * The JSON body of a 200 to a delivery, serialised once: the same bytes for every webhook, on both paths.
 *
 * @example
 * reply.send(webhookAnswer(duplicate))
 */
export const webhookAnswer = (duplicate: boolean): string => (duplicate ? DUPLICATE : STORED)

/** How a relay takes Flow.ai's webhook deliveries, whichever HTTP path the request came by. */
export interface WebhookIngest {
  /** Whether `given` is the webhook secret, compared in constant time (on equal-length digests). */
  secretMatches(given: string): boolean
  /**
   * Checks the secret the delivery came with, then checks, decodes and stores its raw body. Resolves `duplicate`
   * once stored; throws the relay's HTTP errors (404 wrong secret, 400 bad JSON or not an event, 413 too large
   * once stored, 503 storage failed, with the storage's error as its `cause`) after counting the rejection in the
   * metrics. It logs nothing: the caller logs the answer (`answerError`), with the storage's reason in that one
   * line.
   */
  accept(secret: string, raw: Buffer): Promise<{ duplicate: boolean }>
  /**
   * The log of `accept`'s storage refusals, one error line per outage: the caller hands it to `answerError` and
   * calls `stored` after each delivery it answered 2xx.
   */
  readonly outage: StorageOutage
}

/**
 * The webhook ingest rules, in one place for `POST /webhooks/:secret` through Fastify and through the relay's
 * fast path (webhook-fast-path.ts). The dedupe key is the SHA-256 of the raw body, because a retried delivery is
 * byte-identical; a delivery is stored before it is answered 2xx, so Flow.ai retries what failed.
 *
 * @example
 * const ingest = createWebhookIngest(context)
 * const { duplicate } = await ingest.accept(params.secret, rawBody)
 */
export function createWebhookIngest(context: {
  storage: RelayContext['storage']
  metrics: RelayContext['metrics']
  settings: Pick<RelayContext['settings'], 'webhookSecret' | 'bodyLimitBytes'>
  /** Default: a log of its own. */
  outage?: StorageOutage
}): WebhookIngest {
  const { storage, metrics, settings } = context
  const outage = context.outage ?? createStorageOutage()
  // The secret is fixed: its digest is taken once, and each request hashes only what it was given.
  const expected = hash('sha256', settings.webhookSecret, 'buffer')

  const secretMatches = (given: string) => timingSafeEqual(hash('sha256', given, 'buffer'), expected)

  return {
    secretMatches,
    outage,

    async accept(secret, raw) {
      if (!secretMatches(secret)) {
        metrics.webhookRejected('secret')
        throw webhookNotFound()
      }
      let json: unknown
      try {
        // Before parsing: a body nested too deep is refused, not stored as an event no reader could be sent.
        assertJsonDepth(raw)
      } catch (error) {
        metrics.webhookRejected('invalid')
        throw error
      }
      try {
        json = JSON.parse(raw.toString('utf8'))
      } catch {
        metrics.webhookRejected('json')
        throw httpError(FlowErrorCode.invalid_input, 'The webhook body is not valid JSON.')
      }
      // Only the kind and thread id are needed: the body is stored as received. The head decoder decides both as
      // the full decoder would (same checks, same refusals) without building the decoded data.
      const parsed = decodeWebhookHead(json)
      if (!parsed.ok) {
        metrics.webhookRejected('invalid')
        const first = parsed.issues[0]
        throw httpError(
          FlowErrorCode.invalid_input,
          `The webhook body is not a Flow.ai event: ${parsed.error}`,
          first ? { path: first.path } : {},
        )
      }
      const event = parsed.value
      if (event.threadId === undefined) {
        const given = givenThreadId(json)
        if (given !== undefined) {
          // The decoder leaves an invalid thread id out: filing the event as a project event would hide it.
          metrics.webhookRejected('invalid')
          const rule = safeParse(threadIdSchema, given)
          throw httpError(
            FlowErrorCode.invalid_input,
            `threadId: ${rule.ok ? 'invalid' : (rule.issues[0]?.message ?? 'invalid')}`,
            { path: 'threadId' },
          )
        }
      }
      const threadId = event.threadId === undefined || PROJECT_KINDS.has(event.kind) ? null : event.threadId
      const envelope = {
        threadId,
        kind: event.kind,
        type: event.type,
        receivedAt: receivedAt(),
        source: 'webhook' as const,
        body: json,
      }
      try {
        assertEventSize(envelope, settings.bodyLimitBytes, raw.length)
      } catch (error) {
        metrics.webhookRejected('too_large')
        throw error
      }
      metrics.webhookReceived()
      let result
      try {
        result = await storage.append({
          key: `webhook:${hash('sha256', raw, 'hex')}`,
          envelope,
          // The raw body's length stands for the envelope's JSON size: the storage need not serialise it again.
          bytes: raw.length,
        })
      } catch (error) {
        metrics.webhookRejected('storage')
        // Logged where the 503 is answered (`answerError` with `outage`), with the storage's reason as its cause.
        throw storageFailure(error)
      }
      if (result.duplicate) metrics.webhookDeduplicated()
      return result
    },
  }
}

/**
 * The answer to a wrong secret: the same as for a path that does not exist.
 *
 * @example
 * if (!ingest.secretMatches(params.secret)) throw webhookNotFound()
 */
export function webhookNotFound() {
  return httpError(FlowErrorCode.not_found, 'Not found.')
}

let lastMs = -1
let lastIso = ''

/**
 * Now as an ISO string, formatted once per millisecond: under load many deliveries share a millisecond, and each
 * stored envelope then holds the same string instead of its own copy.
 */
function receivedAt(): string {
  const ms = Date.now()
  if (ms !== lastMs) {
    lastMs = ms
    lastIso = new Date(ms).toISOString()
  }
  return lastIso
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The thread id a webhook body names (in its payload, a `result` in it, or at the top level), if any. */
function givenThreadId(json: unknown): unknown {
  if (!isRecord(json)) return undefined
  const payload = isRecord(json.payload) ? json.payload : json
  const result = isRecord(payload.result) ? payload.result : undefined
  return payload.threadId ?? result?.threadId ?? json.threadId
}
