import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  decodeTemplate,
  historyResponseSchema,
  parseWebhookEvent,
  safeParse,
  TEMPLATE_TYPES,
} from '@flowchat/core/schemas'
import { loadScriptFile, parseScript, startEmulator, type BotScript, type EmulatorOptions } from './index.js'
import { client, text } from './testing/client.js'
import { startReceiver } from './testing/webhook-receiver.js'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close()
})

async function setup(options: EmulatorOptions = {}) {
  const receiver = await startReceiver()
  const emulator = await startEmulator({
    webhooks: [receiver.url],
    retry: { baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 500 },
    ...options,
  })
  open.push(receiver, emulator)
  const api = client(emulator)
  /** Sends text with sync=true and returns the reply's response types. */
  const say = async (thread: string, speech: string, role = 'external') => {
    const res = await api.call('POST', `messages/${thread}?sync=true`, {
      payload: { type: 'text', speech, originator: { name: 'Ann', role } },
    })
    return res.json as { messages: { responses: { type: string; payload: unknown }[] }[] }
  }
  return { receiver, emulator, api, say }
}

describe('the default bot', () => {
  it.each(['image', 'video', 'audio', 'file', 'location', 'card', 'buttons', 'carousel', 'list'])(
    'answers the keyword %s with a valid template of that type',
    async (keyword) => {
      const { say } = await setup()
      const reply = await say('k1', keyword)
      const response = reply.messages[0]!.responses[0]!
      expect(response.type).toBe(keyword)
      expect(decodeTemplate(response).type).toBe(keyword)
    },
  )

  it('answers quick with quick replies, all with every template, and echoes anything else', async () => {
    const { say } = await setup()
    const quick = decodeTemplate((await say('k2', 'quick')).messages[0]!.responses[0]!)
    expect(quick.type === 'text' && quick.payload.quickReplies?.length).toBeGreaterThan(0)
    const all = (await say('k2', 'ALL')).messages.map((m) => decodeTemplate(m.responses[0]!).type)
    for (const type of TEMPLATE_TYPES) expect(all).toContain(type)
    expect(all).not.toContain('other')
    const echo = await say('k2', 'what a day')
    expect(echo.messages[0]!.responses[0]!.payload).toEqual({ text: 'You said: what a day' })
  })

  it('answers other with a type a chat UI does not render (webview) and its fallback, to try that path', async () => {
    const { say } = await setup()
    const message = (await say('k4', 'other')).messages[0]!
    expect(message.responses[0]!.type).toBe('webview')
    expect(decodeTemplate(message.responses[0]!).type).toBe('other')
    expect((message as unknown as { fallback: string }).fallback).toMatch(/^Open the sample form/)
  })

  it('answers events, locations and media', async () => {
    const { api, emulator, receiver } = await setup()
    await api.send('k3', { type: 'event', eventName: 'HELLO' })
    await api.send('k3', { type: 'location', lat: '52.1', long: '4.3' })
    await api.send('k3', {
      type: 'media',
      mediaType: 'file',
      url: 'https://example.com/a.pdf',
      title: 'a.pdf',
    })
    await emulator.idle()
    expect(receiver.posts().map((p) => p.json.payload.messages[0].fallback as string)).toEqual([
      'Received the event HELLO.',
      'Thanks, you are at 52.1, 4.3.',
      'Your location',
      'Thanks for the file a.pdf.',
    ])
  })

  it('sends a multi-part reply as several webhook calls, in order, and keeps it in history', async () => {
    const { api, emulator, receiver } = await setup({ replyDelayMs: 5 })
    await api.send('k4', text('typing'))
    await emulator.idle()
    const parts = receiver.posts().map((p) => p.json.payload.messages[0].fallback as string)
    expect(parts).toEqual(['One moment…', 'Still thinking…', 'Done: this reply came in three parts.'])
    const history = emulator.thread('k4')!.history
    expect(history.map((h) => [h.originator?.role, h.messages.length])).toEqual([
      ['user', 1],
      ['bot', 3],
    ])
  })

  it('hands over on a keyword: says so, pauses, sends the handover event and stays quiet', async () => {
    const { api, emulator, receiver, say } = await setup({ dialect: 'legacy' })
    await api.send('h1', text('Human'))
    await emulator.idle()
    expect(receiver.posts().map((p) => p.json.type as string)).toEqual([
      'message.delivered',
      'message.reply',
      'control.handover',
    ])
    expect(emulator.thread('h1')?.paused).toBe(true)
    expect((await say('h1', 'image')).messages).toEqual([])
  })

  it('pauses on a moderator message, sends it as the agent message, and no longer answers', async () => {
    const { api, emulator, receiver, say } = await setup()
    await api.call('POST', 'messages/m1', {
      traceId: 't-9',
      payload: {
        type: 'text',
        speech: 'Hi, I am Bob',
        traceId: 't-9',
        originator: { name: 'Bob', role: 'moderator' },
      },
    })
    await emulator.idle()
    const [paused, agent] = receiver.posts()
    expect(paused!.json).toMatchObject({ type: 'paused', payload: { threadId: 'm1' } })
    expect(agent!.json).toMatchObject({
      type: 'message',
      payload: { traceId: 't-9', originator: { name: 'Bob', role: 'moderator' } },
    })
    const decoded = parseWebhookEvent(agent!.json)
    expect(decoded.ok && decoded.value.kind).toBe('reply')
    expect((await say('m1', 'image')).messages).toEqual([])
    expect(emulator.thread('m1')!.history.map((h) => h.originator?.role)).toEqual(['moderator', 'user'])
  })

  it('ends a handover with secondsToPause by itself and announces the resume', async () => {
    const { api, emulator, receiver, say } = await setup()
    await api.post('handover/e1', { secondsToPause: 1 })
    await receiver.waitFor((posts) => posts.some((p) => p.json.type === 'resumed'), 5000)
    expect(receiver.posts().map((p) => p.json.type as string)).toEqual(['paused', 'resumed'])
    expect(emulator.thread('e1')?.paused ?? false).toBe(false)
    expect((await say('e1', 'image')).messages).toHaveLength(1)
  })

  it('keeps a handover longer than a timer holds (2^31-1 ms) without a TimeoutOverflowWarning', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      const { api, emulator, receiver } = await setup()
      // 30 days: Node cut the resume timer to 1 ms, with a warning on stderr.
      expect((await api.post('handover/long', { secondsToPause: 30 * 24 * 3600 })).status).toBe(200)
      await emulator.idle()
      // A warning is emitted on the next tick; a short pause (a timer that does fire) marks that ticks went by.
      await api.post('handover/short', { secondsToPause: 1 })
      await receiver.waitFor((posts) => posts.some((p) => p.json.type === 'resumed'), 5000)
      expect(warnings).not.toContain('TimeoutOverflowWarning')
      expect(emulator.thread('long')?.paused).toBe(true)
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('pages history 20 entries a page, page 1 the newest', async () => {
    const { api, say } = await setup()
    for (let i = 0; i < 15; i++) await say('p1', `message ${i}`)
    const page = async (n: number) => {
      const r = safeParse(historyResponseSchema, (await api.get(`messages/p1?sync=true&page=${n}`)).json)
      if (!r.ok) throw new Error(r.error)
      return r.value.result
    }
    const first = await page(1)
    expect([first.page, first.pages, first.history.length]).toEqual([1, 2, 20])
    expect(first.history.at(-1)!.messages[0]!.fallback).toBe('You said: message 14')
    const second = await page(2)
    expect(second.history).toHaveLength(10)
    expect(second.history[0]!.messages[0]!.fallback).toBe('message 0')
    expect((await page(3)).history).toEqual([])
  })
})

describe('bot scripts', () => {
  const script: BotScript = {
    rules: [
      {
        name: 'order',
        match: { regex: '^order (\\d+)$', flags: 'i' },
        replies: [{ type: 'text', payload: { text: 'Order {{1}} ships today, {{name}}.' } }],
      },
      {
        name: 'welcome',
        match: { event: 'WELCOME' },
        replies: [{ type: 'text', payload: { text: 'Welcome!' } }],
        handover: { secondsToPause: 60 },
      },
    ],
    triggerEvents: ['WELCOME'],
  }

  it('extends the built-in rules by default, with regex groups and variables', async () => {
    const { say, api } = await setup({ script })
    expect((await say('s1', 'Order 42')).messages[0]!.responses[0]!.payload).toEqual({
      text: 'Order 42 ships today, Ann.',
    })
    expect((await say('s1', 'image')).messages[0]!.responses[0]!.type).toBe('image')
    expect((await api.get('trigger/event?sync=true')).json.result.items).toEqual(['WELCOME'])
  })

  it('replaces the built-in rules in replace mode: no match, no reply', async () => {
    const { say } = await setup({ script: { ...script, mode: 'replace' } })
    expect((await say('s2', 'image')).messages).toEqual([])
  })

  it('reads a script file saved with a byte order mark (Windows editors write one)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowchat-script-'))
    try {
      const file = join(dir, 'bot.json')
      await writeFile(file, `\uFEFF${JSON.stringify(script)}`)
      expect((await loadScriptFile(file)).rules).toHaveLength(script.rules.length)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it.each([
    [{ rules: [{ match: { text: 'x' }, replies: [], extra: 1 }] }, 'rules[0]: unknown key "extra"'],
    [
      { rules: [{ name: 'bad', match: { regex: '(' }, replies: [] }] },
      'rules[0] "bad".match.regex: Invalid regular expression',
    ],
    [{ rules: [{ match: {}, replies: [] }] }, 'rules[0].match: needs at least one of'],
    [
      {
        rules: [
          { name: 'img', match: { text: 'x' }, replies: [{ type: 'image', payload: { title: 'no url' } }] },
        ],
      },
      'rules[0] "img".replies[0] (image): url:',
    ],
    [{ rulez: [] }, 'script: rules: is required'],
    [{ rules: [{ match: { type: 'sticker' }, replies: [] }] }, 'rules[0].match.type: must be one of "text"'],
  ])('names the bad rule in %j', (bad, message) => {
    expect(() => parseScript(bad)).toThrow(message)
  })
})
