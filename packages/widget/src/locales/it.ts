import type { FlowChatStrings } from '../strings.js'

/**
 * Italian texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import it from '@flowchat/widget/locales/it.js'
 * registerLocale('it', it)
 */
const it: FlowChatStrings = {
  title: 'Chat',
  placeholder: 'Scrivi un messaggio…',
  open: 'Apri la chat',
  close: 'Chiudi la chat',
  send: 'Invia',
  attach: 'Allega un file',
  shareLocation: 'Condividi la tua posizione',
  dropFiles: 'Rilascia i file per inviarli',
  characters: '{count} di {max} caratteri',
  transcript: 'Conversazione',
  suggestions: 'Risposte suggerite',
  carousel: 'Schede',
  loadOlder: 'Carica i messaggi precedenti',
  loadingOlder: 'Caricamento dei messaggi precedenti…',
  newMessages: 'one:{count} nuovo messaggio|other:{count} nuovi messaggi',
  you: 'Tu',
  bot: 'Bot',
  agent: 'Operatore',
  pending: 'Invio…',
  sent: 'Inviato',
  delivered: 'Consegnato',
  failed: 'Non inviato',
  retry: 'Riprova',
  typing: '{name} sta scrivendo…',
  reconnecting: 'Connessione persa. Riconnessione…',
  offline: 'Sei offline.',
  offlineQueued:
    'one:Sei offline. {count} messaggio verrà inviato quando tornerai online.|other:Sei offline. {count} messaggi verranno inviati quando tornerai online.',
  connectionFailed: 'Impossibile connettersi alla chat: {reason}',
  agentJoined: 'Ora stai chattando con una persona.',
  botPaused: 'L’assistente è in pausa. Risponderà una persona.',
  closedNow: 'Al momento siamo chiusi.',
  closedUntil: 'Al momento siamo chiusi. Riapriamo {time}.',
  unread: '{count} da leggere',
  previous: 'Precedente',
  next: 'Successivo',
  cardOf: '{index} di {count}',
  openMap: 'Apri in una mappa',
  download: 'Scarica',
  unsupported: 'Questo messaggio non può essere mostrato qui.',
  locationDenied: 'L’accesso alla tua posizione è stato negato.',
  locationUnavailable: 'La tua posizione non è disponibile.',
  uploading: 'Caricamento',
  image: 'Immagine',
  imageUnavailable: 'Impossibile caricare l’immagine.',
}

export default it
