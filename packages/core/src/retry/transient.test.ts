import { describe, expect, it } from 'vitest'
import { FlowError, FlowErrorCode, codeForStatus } from '../errors.js'
import { isTransientFailure, isTransientStatus } from './transient.js'

describe('isTransientStatus', () => {
  it.each([
    [200, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, false],
    [410, false],
    [413, false],
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [505, false],
  ])('%i -> %s', (status, transient) => {
    expect(isTransientStatus(status)).toBe(transient)
  })
})

describe('isTransientFailure', () => {
  it.each([
    [FlowErrorCode.network, undefined, true],
    [FlowErrorCode.timeout, undefined, true],
    [FlowErrorCode.server_error, undefined, false],
    [FlowErrorCode.invalid_response, undefined, false],
    [FlowErrorCode.aborted, undefined, false],
    [FlowErrorCode.invalid_input, undefined, false],
  ])('%s without an answer -> %s', (code, status, transient) => {
    expect(isTransientFailure(new FlowError(code, 'x', status === undefined ? {} : { status }))).toBe(
      transient,
    )
  })

  it.each([400, 401, 404, 429, 500, 501, 503, 504])(
    'an answer with status %i follows the status',
    (status) => {
      const error = new FlowError(codeForStatus(status), 'x', { status })
      expect(isTransientFailure(error)).toBe(isTransientStatus(status))
    },
  )
})
