/** How many hash slots a Redis Cluster has. */
export const clusterSlots = 16_384

/**
 * The Redis Cluster hash slot of a key, as Redis computes it: CRC16 (XMODEM) of its hash tag (the text between the
 * first `{` and the next `}`, when not empty), else of the whole key, modulo 16384.
 *
 * @example
 * clusterSlot('flowchat:{o0}:ops') === clusterSlot('o0') // true
 */
export function clusterSlot(key: string): number {
  const open = key.indexOf('{')
  const close = open < 0 ? -1 : key.indexOf('}', open + 1)
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key
  let crc = 0
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc % clusterSlots
}
