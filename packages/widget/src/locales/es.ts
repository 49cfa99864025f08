import type { FlowChatStrings } from '../strings.js'

/**
 * Spanish texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import es from '@flowchat/widget/locales/es.js'
 * registerLocale('es', es)
 */
const es: FlowChatStrings = {
  title: 'Chat',
  placeholder: 'Escribe un mensaje…',
  open: 'Abrir chat',
  close: 'Cerrar chat',
  send: 'Enviar',
  attach: 'Adjuntar un archivo',
  shareLocation: 'Compartir tu ubicación',
  dropFiles: 'Suelta archivos para enviarlos',
  characters: '{count} de {max} caracteres',
  transcript: 'Conversación',
  suggestions: 'Respuestas sugeridas',
  carousel: 'Tarjetas',
  loadOlder: 'Cargar mensajes anteriores',
  loadingOlder: 'Cargando mensajes anteriores…',
  newMessages: 'one:{count} mensaje nuevo|other:{count} mensajes nuevos',
  you: 'Tú',
  bot: 'Bot',
  agent: 'Agente',
  pending: 'Enviando…',
  sent: 'Enviado',
  delivered: 'Entregado',
  failed: 'No enviado',
  retry: 'Reintentar',
  typing: '{name} está escribiendo…',
  reconnecting: 'Conexión perdida. Reconectando…',
  offline: 'Estás sin conexión.',
  offlineQueued:
    'one:Estás sin conexión. {count} mensaje se enviará cuando vuelvas a estar en línea.|other:Estás sin conexión. {count} mensajes se enviarán cuando vuelvas a estar en línea.',
  connectionFailed: 'No se puede conectar al chat: {reason}',
  agentJoined: 'Ahora estás hablando con una persona.',
  botPaused: 'El asistente está en pausa. Te responderá una persona.',
  closedNow: 'Ahora mismo estamos cerrados.',
  closedUntil: 'Ahora mismo estamos cerrados. Volvemos a abrir {time}.',
  unread: '{count} sin leer',
  previous: 'Anterior',
  next: 'Siguiente',
  cardOf: '{index} de {count}',
  openMap: 'Abrir en un mapa',
  download: 'Descargar',
  unsupported: 'Este mensaje no se puede mostrar aquí.',
  locationDenied: 'Se denegó el acceso a tu ubicación.',
  locationUnavailable: 'Tu ubicación no está disponible.',
  uploading: 'Subiendo',
  image: 'Imagen',
  imageUnavailable: 'No se pudo cargar la imagen.',
}

export default es
