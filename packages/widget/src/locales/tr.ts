import type { FlowChatStrings } from '../strings.js'

/**
 * Turkish texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import tr from '@flowchat/widget/locales/tr.js'
 * registerLocale('tr', tr)
 */
const tr: FlowChatStrings = {
  title: 'Sohbet',
  placeholder: 'Bir mesaj yazın…',
  open: 'Sohbeti aç',
  close: 'Sohbeti kapat',
  send: 'Gönder',
  attach: 'Dosya ekle',
  shareLocation: 'Konumunu paylaş',
  dropFiles: 'Göndermek için dosyaları bırakın',
  characters: '{count}/{max} karakter',
  transcript: 'Konuşma',
  suggestions: 'Önerilen yanıtlar',
  carousel: 'Kartlar',
  loadOlder: 'Eski mesajları yükle',
  loadingOlder: 'Eski mesajlar yükleniyor…',
  newMessages: '{count} yeni mesaj',
  you: 'Sen',
  bot: 'Bot',
  agent: 'Temsilci',
  pending: 'Gönderiliyor…',
  sent: 'Gönderildi',
  delivered: 'İletildi',
  failed: 'Gönderilemedi',
  retry: 'Tekrar dene',
  typing: '{name} yazıyor…',
  reconnecting: 'Bağlantı koptu. Yeniden bağlanılıyor…',
  offline: 'Çevrimdışısınız.',
  offlineQueued: 'Çevrimdışısınız. {count} mesaj tekrar çevrimiçi olduğunuzda gönderilecek.',
  connectionFailed: 'Sohbete bağlanılamıyor: {reason}',
  agentJoined: 'Artık bir kişiyle sohbet ediyorsunuz.',
  botPaused: 'Asistan duraklatıldı. Bir kişi yanıt verecek.',
  closedNow: 'Şu anda kapalıyız.',
  closedUntil: 'Şu anda kapalıyız. Yeniden açılış: {time}.',
  unread: '{count} okunmamış',
  previous: 'Önceki',
  next: 'Sonraki',
  cardOf: '{index}/{count}',
  openMap: 'Haritada aç',
  download: 'İndir',
  unsupported: 'Bu mesaj burada gösterilemiyor.',
  locationDenied: 'Konum erişimi reddedildi.',
  locationUnavailable: 'Konumunuz kullanılamıyor.',
  uploading: 'Yükleniyor',
  image: 'Görsel',
  imageUnavailable: 'Görsel yüklenemedi.',
}

export default tr
