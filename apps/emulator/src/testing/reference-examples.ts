import { readFileSync } from 'node:fs'

/**
 * Every message request body of the two Flow.ai references, as `@flowchat/core` extracts them from
 * ../shared/api/*.txt into packages/core/test/fixtures (one source: a fixture fixed there is fixed here).
 */
const fixtures = new URL('../../../../packages/core/test/fixtures/', import.meta.url)
const index = JSON.parse(readFileSync(new URL('index.json', fixtures), 'utf8')) as {
  file: string
  schema: string
}[]

export const MESSAGE_EXAMPLES: { name: string; body: unknown }[] = index
  .filter((f) => f.schema === 'messageRequestSchema')
  .map((f) => ({
    name: f.file,
    body: JSON.parse(readFileSync(new URL(f.file, fixtures), 'utf8')) as unknown,
  }))

/** The handover example as printed (`{ { "secondsToPause": 600 } }`): not valid JSON. */
export const HANDOVER_EXAMPLE_AS_PRINTED = '{\n\t{\n\t  "secondsToPause": 600\n  }\n}'
/** What the handover example means. */
export const HANDOVER_EXAMPLE = { secondsToPause: 600 }

/** Thread ids of the examples (one contains `|`). */
export const EXAMPLE_THREAD = '6ecfd199-853a-448f-9f91-ef397588ff87'
export const EXAMPLE_CHANNEL_THREAD =
  'a4ad8a025763451da6f15f2b50991651|o_21361542-a262-4aaa-8edb-0f8f88e07d89'
