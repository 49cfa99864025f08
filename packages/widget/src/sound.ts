let context: AudioContext | undefined

/**
 * A short, quiet two-tone chime through Web Audio (no audio file to ship or fetch). Silently does nothing
 * where audio is unavailable or not yet allowed by the browser's autoplay policy.
 *
 * @example
 * if (chat.sound && !chat.open) chime()
 */
export function chime(): void {
  try {
    context ??= new AudioContext()
    const now = context.currentTime
    const gain = context.createGain()
    gain.connect(context.destination)
    gain.gain.setValueAtTime(0.0001, now)
    gain.gain.exponentialRampToValueAtTime(0.08, now + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35)
    for (const [freq, at] of [
      [880, 0],
      [1320, 0.12],
    ] as const) {
      const osc = context.createOscillator()
      osc.frequency.value = freq
      osc.connect(gain)
      osc.start(now + at)
      osc.stop(now + at + 0.2)
    }
  } catch {
    // No audio: the unread badge still tells the visitor.
  }
}
