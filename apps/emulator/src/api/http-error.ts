/** An error answer: the status and a message `"<field>: <rule>"` sent as `{"status":"error","message":…}`. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * A 400 naming the field and the rule it broke.
 *
 * @example
 * throw badRequest('eventName', 'is required')
 */
export const badRequest = (field: string, rule: string): HttpError => new HttpError(400, `${field}: ${rule}`)

/** The JSON body of every error answer. */
export const errorBody = (message: string) => ({ status: 'error', message })
