import { describe, expect, it } from 'vitest'
import { FlowError, toFlowError } from './errors.js'

describe('FlowError', () => {
  it('has its fields as own properties, in order, and its cause only when given', () => {
    const plain = new FlowError('timeout', 'Too slow.', { status: 504, retryAfterMs: 1000, path: 'x' })
    expect(Object.keys(plain)).toEqual(['name', 'code', 'status', 'retryAfterMs', 'path'])
    expect(plain).toMatchObject({
      name: 'FlowError',
      code: 'timeout',
      status: 504,
      retryAfterMs: 1000,
      path: 'x',
    })
    expect('cause' in plain).toBe(false)
    const cause = new Error('inner')
    expect(new FlowError('network', 'Down.', { cause }).cause).toBe(cause)
    expect(JSON.parse(JSON.stringify(plain))).toEqual({ code: 'timeout', message: 'Too slow.', path: 'x' })
  })

  it('is what toFlowError gives back for itself', () => {
    const error = new FlowError('aborted', 'Stopped.')
    expect(toFlowError(error)).toBe(error)
    expect(toFlowError(new TypeError('fetch failed')).code).toBe('network')
  })
})
