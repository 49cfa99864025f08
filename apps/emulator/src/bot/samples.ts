import type { Response } from '@flowchat/core/schemas'

/**
 * One sample of every reply template a chat UI renders. Media point at files the emulator itself serves under
 * `/media/sample/` so demos work offline; `{{origin}}` is the emulator URL.
 */
export const SAMPLES = {
  quick: {
    type: 'text',
    payload: {
      text: 'Pick one:',
      quickReplies: [
        { label: 'Image', value: 'image', type: 'text' },
        { label: 'Card', value: 'card', type: 'text' },
        { label: 'Talk to a human', value: 'human', type: 'text' },
        { label: 'Share location', type: 'location' },
      ],
    },
  },
  image: {
    type: 'image',
    payload: { title: 'A sample image', url: '{{origin}}/media/sample/image.svg' },
  },
  video: {
    type: 'video',
    payload: {
      title: 'A sample video',
      url: '{{origin}}/media/sample/video.webm',
      thumbnailUrl: '{{origin}}/media/sample/image.svg',
      duration: 2,
    },
  },
  audio: {
    type: 'audio',
    payload: { title: 'A sample tone', url: '{{origin}}/media/sample/audio.wav', duration: 1 },
  },
  file: { type: 'file', payload: { title: 'sample.txt', url: '{{origin}}/media/sample/file.txt' } },
  location: { type: 'location', payload: { title: 'Flow.ai, Amsterdam', lat: '52.3676', long: '4.9041' } },
  card: {
    type: 'card',
    payload: {
      title: 'A card',
      subtitle: 'With an image and buttons',
      media: { url: '{{origin}}/media/sample/image.svg', type: 'image' },
      buttons: [
        { type: 'url', label: 'Open flow.ai', value: 'https://flow.ai' },
        { type: 'postback', label: 'Say hello', value: 'hello' },
      ],
    },
  },
  buttons: {
    type: 'buttons',
    payload: {
      title: 'Some buttons',
      buttons: [
        { type: 'postback', label: 'Show a carousel', value: 'carousel' },
        { type: 'event', label: 'Trigger WELCOME', value: 'WELCOME' },
        { type: 'phone', label: 'Call us', value: '+31201234567' },
      ],
    },
  },
  carousel: {
    type: 'carousel',
    payload: {
      cards: [1, 2, 3].map((n) => ({
        title: `Card ${n}`,
        subtitle: `Number ${n} of 3`,
        media: { url: '{{origin}}/media/sample/image.svg', type: 'image' },
        buttons: [{ type: 'postback', label: `Pick ${n}`, value: `card ${n}` }],
      })),
    },
  },
  list: {
    type: 'list',
    payload: {
      items: [
        {
          title: 'Featured item',
          subtitle: 'The first one',
          featured: true,
          media: { url: '{{origin}}/media/sample/image.svg', type: 'image' },
        },
        {
          title: 'Second item',
          subtitle: 'Plain',
          buttons: [{ type: 'postback', label: 'Choose', value: 'second' }],
        },
        { title: 'Third item', subtitle: 'Plain' },
      ],
      buttons: [{ type: 'postback', label: 'More', value: 'list' }],
    },
  },
} as const satisfies Record<string, Response>

export type SampleName = keyof typeof SAMPLES

/**
 * A template of a type a chat UI does not render (`webview`; `custom`, `note` and channel-specific ones are alike),
 * with the `fallback` text a UI shows instead. Not part of `all`: it answers the keyword `other`.
 */
export const OTHER_SAMPLE = {
  type: 'webview',
  payload: { url: '{{origin}}/media/sample/file.txt', height: 'tall' },
  fallback: 'Open the sample form: {{origin}}/media/sample/file.txt',
} as const satisfies Response
