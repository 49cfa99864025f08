/**
 * Every request body of the two Flow.ai references (../shared/api/*.txt), copied verbatim where they are valid
 * JSON. `000` is the current reference (raw key), `001` the older one (Bearer key).
 */
const originator = { name: 'John Doe', role: 'external' }
const profile = {
  fullName: 'John Doe',
  firstName: 'John',
  lastName: 'Doe',
  gender: 'M',
  locale: 'en-US',
  timezone: -5,
  country: 'us',
  email: 'johndoe@dmail.com',
  picture: 'https://...',
}

export const MESSAGE_EXAMPLES: { name: string; body: unknown }[] = [
  { name: 'originator', body: { payload: { type: 'text', speech: 'hello', originator } } },
  {
    name: 'originator with profile',
    body: { payload: { type: 'text', speech: 'hello', originator: { ...originator, profile } } },
  },
  {
    name: 'originator with metadata',
    body: {
      payload: {
        type: 'text',
        speech: 'hello',
        originator: { ...originator, metadata: { clientNumber: 'asddaasq333ee332', preference: 'A,B,G' } },
      },
    },
  },
  { name: 'text', body: { payload: { type: 'text', speech: 'Hello', originator } } },
  { name: 'event', body: { payload: { type: 'event', eventName: 'MY_EVENT', originator } } },
  {
    name: 'location (current, with title)',
    body: {
      payload: {
        type: 'location',
        lat: '1232122422',
        long: '2433343343',
        title: 'Example title',
        originator,
      },
    },
  },
  {
    name: 'location (older)',
    body: { payload: { type: 'location', lat: '1232122422', long: '2433343343', originator } },
  },
  {
    name: 'media (current, mimetype)',
    body: {
      payload: {
        type: 'media',
        mediaType: 'image',
        mimetype: 'image/png',
        title: 'Example title',
        url: 'https://source.unsplash.com/random/880x400',
        originator,
      },
    },
  },
  {
    name: 'media (current JS, mimeType)',
    body: {
      payload: {
        type: 'media',
        mediaType: 'image',
        mimeType: 'image/png',
        title: 'Example title',
        url: 'https://source.unsplash.com/random/880x400',
        originator,
      },
    },
  },
  {
    name: 'media (older)',
    body: {
      payload: {
        type: 'media',
        mediaType: 'image',
        mimetype: 'image/png',
        url: 'https://source.unsplash.com/random/880x400',
        originator,
      },
    },
  },
  {
    name: 'vanilla example text',
    body: {
      payload: {
        type: 'text',
        speech: 'test',
        originator: {
          ...originator,
          profile: { ...profile, email: 'notloving@spam.com', picture: 'https://randompicture.org' },
        },
      },
    },
  },
  {
    name: 'vanilla example event',
    body: { payload: { type: 'event', eventName: 'test_event', originator } },
  },
  {
    name: 'vanilla example location',
    body: { payload: { type: 'location', lat: '12.3', long: '3.21', originator } },
  },
  {
    name: 'vanilla example media',
    body: {
      payload: {
        type: 'media',
        mediaType: 'image',
        url: 'https://source.unsplash.com/random/880x400',
        originator,
      },
    },
  },
]

/** The handover example as printed (`{ { "secondsToPause": 600 } }`): not valid JSON. */
export const HANDOVER_EXAMPLE_AS_PRINTED = '{\n\t{\n\t  "secondsToPause": 600\n  }\n}'
/** What the handover example means. */
export const HANDOVER_EXAMPLE = { secondsToPause: 600 }

/** Thread ids of the examples (one contains `|`). */
export const EXAMPLE_THREAD = '6ecfd199-853a-448f-9f91-ef397588ff87'
export const EXAMPLE_CHANNEL_THREAD =
  'a4ad8a025763451da6f15f2b50991651|o_21361542-a262-4aaa-8edb-0f8f88e07d89'
