import type { FlowChatStrings } from '../strings.js'

/**
 * Polish texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import pl from '@flowchat/widget/locales/pl.js'
 * registerLocale('pl', pl)
 */
const pl: FlowChatStrings = {
  title: 'Czat',
  placeholder: 'Napisz wiadomość…',
  open: 'Otwórz czat',
  close: 'Zamknij czat',
  send: 'Wyślij',
  attach: 'Dołącz plik',
  shareLocation: 'Udostępnij lokalizację',
  dropFiles: 'Upuść pliki, aby je wysłać',
  characters: '{count} z {max} znaków',
  transcript: 'Rozmowa',
  suggestions: 'Sugerowane odpowiedzi',
  carousel: 'Karty',
  loadOlder: 'Wczytaj starsze wiadomości',
  loadingOlder: 'Wczytywanie starszych wiadomości…',
  newMessages:
    'one:{count} nowa wiadomość|few:{count} nowe wiadomości|many:{count} nowych wiadomości|other:{count} nowej wiadomości',
  you: 'Ty',
  bot: 'Bot',
  agent: 'Konsultant',
  pending: 'Wysyłanie…',
  sent: 'Wysłano',
  delivered: 'Dostarczono',
  failed: 'Nie wysłano',
  retry: 'Ponów',
  typing: '{name} pisze…',
  reconnecting: 'Utracono połączenie. Ponowne łączenie…',
  offline: 'Jesteś offline.',
  offlineQueued:
    'one:Jesteś offline. {count} wiadomość zostanie wysłana po powrocie online.|few:Jesteś offline. {count} wiadomości zostaną wysłane po powrocie online.|many:Jesteś offline. {count} wiadomości zostanie wysłanych po powrocie online.|other:Jesteś offline. {count} wiadomości zostanie wysłane po powrocie online.',
  connectionFailed: 'Nie można połączyć się z czatem: {reason}',
  agentJoined: 'Rozmawiasz teraz z człowiekiem.',
  botPaused: 'Asystent jest wstrzymany. Odpowie człowiek.',
  closedNow: 'Jesteśmy teraz zamknięci.',
  closedUntil: 'Jesteśmy teraz zamknięci. Otwieramy ponownie {time}.',
  unread: 'Nieprzeczytane: {count}',
  previous: 'Poprzednia',
  next: 'Następna',
  cardOf: '{index} z {count}',
  openMap: 'Otwórz na mapie',
  download: 'Pobierz',
  unsupported: 'Tej wiadomości nie można tu wyświetlić.',
  locationDenied: 'Odmówiono dostępu do lokalizacji.',
  locationUnavailable: 'Twoja lokalizacja jest niedostępna.',
  uploading: 'Przesyłanie',
  image: 'Obraz',
  imageUnavailable: 'Nie udało się wczytać obrazu.',
}

export default pl
