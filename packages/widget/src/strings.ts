/** Every text the widget shows. `{name}` placeholders are filled by {@link format}. */
export interface FlowChatStrings {
  title: string
  placeholder: string
  open: string
  close: string
  send: string
  attach: string
  shareLocation: string
  dropFiles: string
  characters: string
  transcript: string
  suggestions: string
  carousel: string
  loadOlder: string
  loadingOlder: string
  newMessages: string
  you: string
  bot: string
  agent: string
  pending: string
  sent: string
  delivered: string
  failed: string
  retry: string
  typing: string
  reconnecting: string
  offline: string
  offlineQueued: string
  connectionFailed: string
  agentJoined: string
  botPaused: string
  closedNow: string
  closedUntil: string
  unread: string
  previous: string
  next: string
  cardOf: string
  openMap: string
  download: string
  unsupported: string
  locationDenied: string
  locationUnavailable: string
  uploading: string
  image: string
  imageUnavailable: string
}

const en: FlowChatStrings = {
  title: 'Chat',
  placeholder: 'Type a message…',
  open: 'Open chat',
  close: 'Close chat',
  send: 'Send',
  attach: 'Attach a file',
  shareLocation: 'Share your location',
  dropFiles: 'Drop files to send them',
  characters: '{count} of {max} characters',
  transcript: 'Conversation',
  suggestions: 'Suggested replies',
  carousel: 'Cards',
  loadOlder: 'Load older messages',
  loadingOlder: 'Loading older messages…',
  newMessages: 'one:{count} new message|other:{count} new messages',
  you: 'You',
  bot: 'Bot',
  agent: 'Agent',
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not sent',
  retry: 'Retry',
  typing: '{name} is typing…',
  reconnecting: 'Connection lost. Reconnecting…',
  offline: 'You are offline.',
  offlineQueued:
    'one:You are offline. {count} message will be sent when you are back online.|other:You are offline. {count} messages will be sent when you are back online.',
  connectionFailed: 'Cannot connect to the chat: {reason}',
  agentJoined: 'You are now chatting with a person.',
  botPaused: 'The assistant is paused. A person will answer.',
  closedNow: 'We are closed right now.',
  closedUntil: 'We are closed right now. We open again {time}.',
  unread: '{count} unread',
  previous: 'Previous',
  next: 'Next',
  cardOf: '{index} of {count}',
  openMap: 'Open in a map',
  download: 'Download',
  unsupported: 'This message cannot be shown here.',
  locationDenied: 'Location access was denied.',
  locationUnavailable: 'Your location is not available.',
  uploading: 'Uploading',
  image: 'Image',
  imageUnavailable: 'The image could not be loaded.',
}

const nl: FlowChatStrings = {
  title: 'Chat',
  placeholder: 'Typ een bericht…',
  open: 'Chat openen',
  close: 'Chat sluiten',
  send: 'Versturen',
  attach: 'Bestand toevoegen',
  shareLocation: 'Je locatie delen',
  dropFiles: 'Laat bestanden los om ze te versturen',
  characters: '{count} van {max} tekens',
  transcript: 'Gesprek',
  suggestions: 'Voorgestelde antwoorden',
  carousel: 'Kaarten',
  loadOlder: 'Oudere berichten laden',
  loadingOlder: 'Oudere berichten laden…',
  newMessages: 'one:{count} nieuw bericht|other:{count} nieuwe berichten',
  you: 'Jij',
  bot: 'Bot',
  agent: 'Medewerker',
  pending: 'Versturen…',
  sent: 'Verstuurd',
  delivered: 'Afgeleverd',
  failed: 'Niet verstuurd',
  retry: 'Opnieuw',
  typing: '{name} is aan het typen…',
  reconnecting: 'Verbinding verbroken. Opnieuw verbinden…',
  offline: 'Je bent offline.',
  offlineQueued:
    'one:Je bent offline. {count} bericht wordt verstuurd zodra je weer online bent.|other:Je bent offline. {count} berichten worden verstuurd zodra je weer online bent.',
  connectionFailed: 'Kan geen verbinding maken met de chat: {reason}',
  agentJoined: 'Je chat nu met een medewerker.',
  botPaused: 'De assistent is gepauzeerd. Een medewerker antwoordt.',
  closedNow: 'We zijn nu gesloten.',
  closedUntil: 'We zijn nu gesloten. We zijn weer open {time}.',
  unread: '{count} ongelezen',
  previous: 'Vorige',
  next: 'Volgende',
  cardOf: '{index} van {count}',
  openMap: 'Openen in een kaart',
  download: 'Downloaden',
  unsupported: 'Dit bericht kan hier niet worden getoond.',
  locationDenied: 'Toegang tot je locatie is geweigerd.',
  locationUnavailable: 'Je locatie is niet beschikbaar.',
  uploading: 'Uploaden',
  image: 'Afbeelding',
  imageUnavailable: 'De afbeelding kon niet worden geladen.',
}

const locales: Record<string, FlowChatStrings> = { en, nl }

/** The locales available, by primary language subtag: `en` and `nl` built in, plus any registered. */
export const LOCALES: Readonly<Record<string, FlowChatStrings>> = locales

/** Languages written right to left: the window's layout mirrors for them. */
const RTL = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'yi'])

// Read as text: a page that passes a locale module where the tag goes (`registerLocale(de)`) hears its value named.
const languageOf = (locale: string | undefined) => `${locale ?? ''}`.toLowerCase().split(/[-_]/)[0] ?? ''

/**
 * Makes a language available to every `<flow-chat>` on the page, e.g. one of the modules under
 * `@flowchat/widget/locales/` (`de`, `fr`, `es`, `pt`, `it`, `pl`, `tr`, `ar`, `ja`, `zh`). Keys it lacks
 * fall back to English. An element that already rendered speaks it from its next render (a message arriving, the
 * window opening).
 *
 * @example
 * import de from '@flowchat/widget/locales/de.js'
 * registerLocale('de', de)
 */
export function registerLocale(language: string, strings: Partial<FlowChatStrings>): void {
  const key = languageOf(language)
  if (!/^[a-z]{2,8}$/.test(key))
    throw new TypeError(`registerLocale: language "${language}" is not a BCP 47 tag`)
  locales[key] = stringsFor('en', strings)
}

/**
 * `rtl` for a locale whose language is written right to left, else `ltr`.
 *
 * @example
 * directionOf('ar-EG') // 'rtl'
 */
export function directionOf(locale: string | undefined): 'rtl' | 'ltr' {
  return RTL.has(languageOf(locale)) ? 'rtl' : 'ltr'
}

/**
 * The strings for a locale (`nl`, `nl-BE`, …; English when unknown), with `overrides` on top.
 *
 * @example
 * stringsFor('nl-BE').send                      // 'Versturen'
 * stringsFor('fr', { send: 'Envoyer' }).send    // 'Envoyer'
 */
export function stringsFor(
  locale: string | undefined,
  overrides?: Partial<FlowChatStrings>,
): FlowChatStrings {
  const base = locales[languageOf(locale)] ?? en
  if (!overrides || typeof overrides !== 'object') return base
  const merged: FlowChatStrings = { ...base }
  for (const key of Object.keys(base) as (keyof FlowChatStrings)[]) {
    const value: unknown = overrides[key]
    if (typeof value === 'string') merged[key] = value
  }
  return merged
}

/**
 * What `make` builds for `locale`, or for the browser's default locale when `Intl` refuses the tag (a page's
 * `lang="123"`, `locale="xx-!!"`): times and plurals then read as the browser's, not as ISO text or `other`.
 *
 * @example
 * withLocale('xx-!!', (l) => new Intl.PluralRules(l)).select(1) // 'one' in an English browser
 */
export function withLocale<T>(locale: string | undefined, make: (locale?: string) => T): T {
  try {
    return make(locale)
  } catch {
    return make()
  }
}

/**
 * Fills `{name}` placeholders. A string with plural forms, `one:…|other:…` (any CLDR categories: `zero`, `one`,
 * `two`, `few`, `many`, `other`), gives the form that `Intl.PluralRules` picks for `count` in `locale`, else
 * `other`.
 *
 * @example
 * format('{count} unread', { count: 2 }) // '2 unread'
 * format('one:{count} message|other:{count} messages', { count: 1 }, 'en') // '1 message'
 */
export function format(template: string, values: Record<string, string | number>, locale?: string): string {
  let text = template
  if (/^(zero|one|two|few|many|other):/.test(template)) {
    const forms = new Map<string, string>()
    for (const form of template.split('|')) {
      const colon = form.indexOf(':')
      forms.set(form.slice(0, colon), form.slice(colon + 1))
    }
    const category = withLocale(locale, (l) => new Intl.PluralRules(l)).select(Number(values.count))
    text = forms.get(category) ?? forms.get('other') ?? ''
  }
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole))
}
