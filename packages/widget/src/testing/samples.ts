import type { Template } from '@flowchat/core/schemas'

const img = 'https://example.com/image.png'

/**
 * One decoded template of every type the widget renders, plus an `other`. Shared by the browser tests, the
 * built-bundle test and the screenshot script. Media URLs point at example.com (never loaded successfully in
 * tests; only the element and its `src` matter) unless `origin` is given.
 *
 * @example
 * fake.messages$.next([botMessage(sampleTemplates())])
 */
export function sampleTemplates(origin = 'https://example.com'): Record<string, Template> {
  const image = origin === 'https://example.com' ? img : `${origin}/image.svg`
  return {
    text: {
      type: 'text',
      payload: {
        text: 'Hello! Read https://flow.ai/docs.\nSecond line.',
        quickReplies: [
          { label: 'Yes', value: 'yes', type: 'text' },
          { label: 'Trigger', value: 'EVT', type: 'event' },
        ],
      },
    },
    buttons: {
      type: 'buttons',
      payload: {
        title: 'Some buttons',
        buttons: [
          { type: 'postback', label: 'Say hello', value: 'hello' },
          { type: 'event', label: 'Welcome', value: 'WELCOME' },
          { type: 'url', label: 'Open flow.ai', value: 'https://flow.ai' },
          { type: 'phone', label: 'Call us', value: '+31 20 123 4567' },
        ],
      },
    },
    card: {
      type: 'card',
      payload: {
        title: 'A card',
        subtitle: 'With an image and a button',
        media: { url: image, type: 'image' },
        buttons: [{ type: 'postback', label: 'Choose', value: 'card' }],
      },
    },
    carousel: {
      type: 'carousel',
      payload: {
        cards: [1, 2, 3].map((n) => ({
          title: `Card ${n}`,
          subtitle: `Number ${n} of 3`,
          media: { url: image, type: 'image' },
          buttons: [{ type: 'postback', label: `Pick ${n}`, value: `card ${n}` }],
        })),
      },
    },
    list: {
      type: 'list',
      payload: {
        items: [
          { title: 'Featured item', subtitle: 'The first one', featured: true, media: { url: image } },
          {
            title: 'Second item',
            subtitle: 'Plain',
            buttons: [{ type: 'postback', label: 'Choose', value: 'second' }],
          },
        ],
        buttons: [{ type: 'postback', label: 'More', value: 'list' }],
      },
    },
    image: { type: 'image', payload: { title: 'An image', url: image } },
    video: { type: 'video', payload: { title: 'A video', url: `${origin}/video.mp4`, thumbnailUrl: image } },
    audio: { type: 'audio', payload: { title: 'A tone', url: `${origin}/audio.wav` } },
    file: { type: 'file', payload: { title: 'report.pdf', url: `${origin}/report.pdf` } },
    location: { type: 'location', payload: { title: 'Flow.ai, Amsterdam', lat: '52.3676', long: '4.9041' } },
    other: { type: 'other', originalType: 'webview', payload: {}, reason: 'unsupported type' },
  }
}
