import type { Response } from '@flowchat/core/schemas'
import type { BotRule } from './script.js'
import { OTHER_SAMPLE, SAMPLES, type SampleName } from './samples.js'

const text = (value: string): Response => ({ type: 'text', payload: { text: value } })

/** Words that ask for a human; the bot answers, hands over and stays quiet until resumed. */
export const HANDOVER_WORDS = ['human', 'agent', 'operator', 'handover']

const sampleNames = Object.keys(SAMPLES) as SampleName[]

/**
 * The built-in bot: `help`, one keyword per reply template (`quick`, `image`, …, `list`), `other` for a type a UI
 * does not render, `all` for every rendered one,
 * `typing` for a three-part reply, the handover words, replies to events, locations and media, and an echo of
 * any other text. A `--script` in `extend` mode is tried before these.
 *
 * @example
 * DEFAULT_RULES.find((r) => r.name === 'echo')
 */
export const DEFAULT_RULES: BotRule[] = [
  {
    name: 'help',
    match: { text: ['help', 'hi', 'hello', 'start', 'menu'] },
    replies: [
      text(
        `Hi {{name}}! I am the flowchat emulator bot. Try: ${sampleNames.join(', ')}, other, all, typing or human.`,
      ),
      SAMPLES.quick,
    ],
  },
  ...sampleNames.map((name) => ({ name, match: { text: name }, replies: [SAMPLES[name]] })),
  { name: 'other', match: { text: 'other' }, replies: [OTHER_SAMPLE] },
  {
    name: 'all',
    match: { text: ['all', 'everything'] },
    replies: [text('Here is every reply template:'), ...sampleNames.map((name) => SAMPLES[name])],
  },
  {
    name: 'typing',
    match: { text: ['typing', 'multi'] },
    replies: [text('One moment…'), text('Still thinking…'), text('Done: this reply came in three parts.')],
  },
  {
    name: 'handover',
    match: { text: HANDOVER_WORDS },
    replies: [text('Handing you over to a human agent. The bot stays quiet until an agent resumes it.')],
    handover: true,
  },
  { name: 'event', match: { event: '*' }, replies: [text('Received the event {{event}}.')] },
  {
    name: 'location',
    match: { type: 'location' },
    replies: [
      text('Thanks, you are at {{lat}}, {{long}}.'),
      { type: 'location', payload: { title: '{{title}}', lat: '{{lat}}', long: '{{long}}' } },
    ],
  },
  { name: 'media', match: { type: 'media' }, replies: [text('Thanks for the {{mediaType}} {{title}}.')] },
  { name: 'echo', match: { type: 'text' }, replies: [text('You said: {{text}}')] },
]
