/**
 * Whether a value can go into an `Authorization` header as a credential (an API key, a relay token): a non-empty
 * string of printable ASCII without surrounding spaces. One with a line break or a control character (a token read
 * from a file keeps its trailing newline) makes fetch throw an error that quotes the header value, credential and
 * all, so callers check it up front and name the option instead.
 *
 * @example
 * isSendableCredential('ab\ncd') // false
 */
export const isSendableCredential = (value: unknown): value is string =>
  typeof value === 'string' && /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value)
