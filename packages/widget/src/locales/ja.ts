import type { FlowChatStrings } from '../strings.js'

/**
 * Japanese texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import ja from '@flowchat/widget/locales/ja.js'
 * registerLocale('ja', ja)
 */
const ja: FlowChatStrings = {
  title: 'チャット',
  placeholder: 'メッセージを入力…',
  open: 'チャットを開く',
  close: 'チャットを閉じる',
  send: '送信',
  attach: 'ファイルを添付',
  shareLocation: '現在地を共有',
  dropFiles: 'ドロップしてファイルを送信',
  characters: '{count} / {max} 文字',
  transcript: '会話',
  suggestions: '返信の候補',
  carousel: 'カード',
  loadOlder: '以前のメッセージを読み込む',
  loadingOlder: '以前のメッセージを読み込み中…',
  newMessages: '新着メッセージ {count} 件',
  you: 'あなた',
  bot: 'ボット',
  agent: '担当者',
  pending: '送信中…',
  sent: '送信済み',
  delivered: '配信済み',
  failed: '未送信',
  retry: '再試行',
  typing: '{name} が入力中…',
  reconnecting: '接続が切れました。再接続しています…',
  offline: 'オフラインです。',
  offlineQueued: 'オフラインです。{count} 件のメッセージはオンラインに戻ると送信されます。',
  connectionFailed: 'チャットに接続できません: {reason}',
  agentJoined: '担当者とのチャットに切り替わりました。',
  botPaused: 'アシスタントは一時停止中です。担当者が返信します。',
  closedNow: '現在は営業時間外です。',
  closedUntil: '現在は営業時間外です。次の営業開始は {time} です。',
  unread: '未読 {count} 件',
  previous: '前へ',
  next: '次へ',
  cardOf: '{index} / {count}',
  openMap: '地図で開く',
  download: 'ダウンロード',
  unsupported: 'このメッセージはここでは表示できません。',
  locationDenied: '位置情報へのアクセスが拒否されました。',
  locationUnavailable: '現在地を取得できません。',
  uploading: 'アップロード中',
  image: '画像',
  imageUnavailable: '画像を読み込めませんでした。',
}

export default ja
