import { expect } from '@open-wc/testing'
import { parseWebhookEvent } from '@flowchat/core/schemas'

it('decodes schemas in Chromium', () => {
  const r = parseWebhookEvent({ type: 'paused', payload: { threadId: 'a' } })
  expect(r.ok && r.value.kind).to.equal('paused')
})
