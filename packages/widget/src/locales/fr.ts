import type { FlowChatStrings } from '../strings.js'

/**
 * French texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import fr from '@flowchat/widget/locales/fr.js'
 * registerLocale('fr', fr)
 */
const fr: FlowChatStrings = {
  title: 'Chat',
  placeholder: 'Écrivez un message…',
  open: 'Ouvrir le chat',
  close: 'Fermer le chat',
  send: 'Envoyer',
  attach: 'Joindre un fichier',
  shareLocation: 'Partager votre position',
  dropFiles: 'Déposez des fichiers pour les envoyer',
  characters: '{count} sur {max} caractères',
  transcript: 'Conversation',
  suggestions: 'Réponses suggérées',
  carousel: 'Cartes',
  loadOlder: 'Charger les messages précédents',
  loadingOlder: 'Chargement des messages précédents…',
  newMessages: 'one:{count} nouveau message|other:{count} nouveaux messages',
  you: 'Vous',
  bot: 'Bot',
  agent: 'Conseiller',
  pending: 'Envoi…',
  sent: 'Envoyé',
  delivered: 'Distribué',
  failed: 'Non envoyé',
  retry: 'Réessayer',
  typing: '{name} écrit…',
  reconnecting: 'Connexion perdue. Reconnexion…',
  offline: 'Vous êtes hors ligne.',
  offlineQueued:
    'one:Vous êtes hors ligne. {count} message sera envoyé dès votre retour en ligne.|other:Vous êtes hors ligne. {count} messages seront envoyés dès votre retour en ligne.',
  connectionFailed: 'Impossible de se connecter au chat : {reason}',
  agentJoined: 'Vous discutez maintenant avec une personne.',
  botPaused: 'L’assistant est en pause. Une personne va vous répondre.',
  closedNow: 'Nous sommes fermés en ce moment.',
  closedUntil: 'Nous sommes fermés en ce moment. Réouverture {time}.',
  unread: '{count} non lu(s)',
  previous: 'Précédent',
  next: 'Suivant',
  cardOf: '{index} sur {count}',
  openMap: 'Ouvrir dans une carte',
  download: 'Télécharger',
  unsupported: 'Ce message ne peut pas être affiché ici.',
  locationDenied: 'L’accès à votre position a été refusé.',
  locationUnavailable: 'Votre position n’est pas disponible.',
  uploading: 'Envoi du fichier',
  image: 'Image',
  imageUnavailable: 'L’image n’a pas pu être chargée.',
}

export default fr
