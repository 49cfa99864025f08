// Plain numbers, apart from the schemas that apply them: a browser bundle that needs a limit pulls in no zod.

/** The longest text Flow.ai accepts in one message. */
export const MAX_TEXT_LENGTH = 255

/** Longest thread id accepted anywhere (Flow.ai ids are `<uuid>|o_<uuid>`, about 80 characters). */
export const MAX_THREAD_ID_LENGTH = 256

/** The longest coordinate given as a string. */
export const MAX_COORDINATE_LENGTH = 64
