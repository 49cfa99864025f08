import { describe, expect, it } from 'vitest'
import { createReplyMessage, fallbackOf } from './reply.js'

describe('fallbackOf', () => {
  it("uses a response's own fallback, on the response or in its payload, before anything derived", () => {
    const own = { type: 'webview', payload: { url: 'https://x.example' }, fallback: 'Open the form' }
    expect(fallbackOf(own)).toBe('Open the form')
    expect(fallbackOf({ type: 'webview', payload: { fallback: 'In the payload' } })).toBe('In the payload')
    expect(createReplyMessage(own, null).fallback).toBe('Open the form')
  })

  it('never gives an unknown type its type name as text', () => {
    expect(fallbackOf({ type: 'webview', payload: { url: 'https://x.example' } })).toBe('')
    expect(fallbackOf({ type: 'card', payload: { title: 'A card' } })).toBe('A card')
  })
})
