import type { FlowChatStrings } from '../strings.js'

/**
 * Portuguese texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import pt from '@flowchat/widget/locales/pt.js'
 * registerLocale('pt', pt)
 */
const pt: FlowChatStrings = {
  title: 'Chat',
  placeholder: 'Escreva uma mensagem…',
  open: 'Abrir chat',
  close: 'Fechar chat',
  send: 'Enviar',
  attach: 'Anexar um ficheiro',
  shareLocation: 'Partilhar a sua localização',
  dropFiles: 'Largue ficheiros para os enviar',
  characters: '{count} de {max} caracteres',
  transcript: 'Conversa',
  suggestions: 'Respostas sugeridas',
  carousel: 'Cartões',
  loadOlder: 'Carregar mensagens anteriores',
  loadingOlder: 'A carregar mensagens anteriores…',
  newMessages: 'one:{count} mensagem nova|other:{count} mensagens novas',
  you: 'Você',
  bot: 'Bot',
  agent: 'Agente',
  pending: 'A enviar…',
  sent: 'Enviada',
  delivered: 'Entregue',
  failed: 'Não enviada',
  retry: 'Tentar novamente',
  typing: '{name} está a escrever…',
  reconnecting: 'Ligação perdida. A voltar a ligar…',
  offline: 'Está offline.',
  offlineQueued:
    'one:Está offline. {count} mensagem será enviada quando voltar a estar online.|other:Está offline. {count} mensagens serão enviadas quando voltar a estar online.',
  connectionFailed: 'Não é possível ligar ao chat: {reason}',
  agentJoined: 'Está agora a falar com uma pessoa.',
  botPaused: 'O assistente está em pausa. Uma pessoa vai responder.',
  closedNow: 'Estamos fechados neste momento.',
  closedUntil: 'Estamos fechados neste momento. Voltamos a abrir {time}.',
  unread: '{count} por ler',
  previous: 'Anterior',
  next: 'Seguinte',
  cardOf: '{index} de {count}',
  openMap: 'Abrir num mapa',
  download: 'Transferir',
  unsupported: 'Esta mensagem não pode ser mostrada aqui.',
  locationDenied: 'O acesso à sua localização foi negado.',
  locationUnavailable: 'A sua localização não está disponível.',
  uploading: 'A carregar',
  image: 'Imagem',
  imageUnavailable: 'Não foi possível carregar a imagem.',
}

export default pt
