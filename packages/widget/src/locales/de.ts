import type { FlowChatStrings } from '../strings.js'

/**
 * German texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import de from '@flowchat/widget/locales/de.js'
 * registerLocale('de', de)
 */
const de: FlowChatStrings = {
  title: 'Chat',
  placeholder: 'Nachricht schreiben…',
  open: 'Chat öffnen',
  close: 'Chat schließen',
  send: 'Senden',
  attach: 'Datei anhängen',
  shareLocation: 'Standort teilen',
  dropFiles: 'Dateien zum Senden hier ablegen',
  characters: '{count} von {max} Zeichen',
  transcript: 'Unterhaltung',
  suggestions: 'Antwortvorschläge',
  carousel: 'Karten',
  loadOlder: 'Ältere Nachrichten laden',
  loadingOlder: 'Ältere Nachrichten werden geladen…',
  newMessages: 'one:{count} neue Nachricht|other:{count} neue Nachrichten',
  you: 'Du',
  bot: 'Bot',
  agent: 'Mitarbeiter',
  pending: 'Wird gesendet…',
  sent: 'Gesendet',
  delivered: 'Zugestellt',
  failed: 'Nicht gesendet',
  retry: 'Erneut versuchen',
  typing: '{name} schreibt…',
  reconnecting: 'Verbindung unterbrochen. Neuer Versuch…',
  offline: 'Du bist offline.',
  offlineQueued:
    'one:Du bist offline. {count} Nachricht wird gesendet, sobald du wieder online bist.|other:Du bist offline. {count} Nachrichten werden gesendet, sobald du wieder online bist.',
  connectionFailed: 'Keine Verbindung zum Chat: {reason}',
  agentJoined: 'Du chattest jetzt mit einem Menschen.',
  botPaused: 'Der Assistent ist pausiert. Ein Mensch antwortet.',
  closedNow: 'Wir haben gerade geschlossen.',
  closedUntil: 'Wir haben gerade geschlossen. Wir öffnen wieder {time}.',
  unread: '{count} ungelesen',
  previous: 'Zurück',
  next: 'Weiter',
  cardOf: '{index} von {count}',
  openMap: 'In einer Karte öffnen',
  download: 'Herunterladen',
  unsupported: 'Diese Nachricht kann hier nicht angezeigt werden.',
  locationDenied: 'Der Zugriff auf deinen Standort wurde verweigert.',
  locationUnavailable: 'Dein Standort ist nicht verfügbar.',
  uploading: 'Wird hochgeladen',
  image: 'Bild',
  imageUnavailable: 'Das Bild konnte nicht geladen werden.',
}

export default de
