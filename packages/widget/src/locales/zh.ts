import type { FlowChatStrings } from '../strings.js'

/**
 * Chinese (Simplified) texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import zh from '@flowchat/widget/locales/zh.js'
 * registerLocale('zh', zh)
 */
const zh: FlowChatStrings = {
  title: '聊天',
  placeholder: '输入消息…',
  open: '打开聊天',
  close: '关闭聊天',
  send: '发送',
  attach: '添加文件',
  shareLocation: '分享你的位置',
  dropFiles: '拖放文件以发送',
  characters: '{count}/{max} 个字符',
  transcript: '对话',
  suggestions: '建议回复',
  carousel: '卡片',
  loadOlder: '加载更早的消息',
  loadingOlder: '正在加载更早的消息…',
  newMessages: '{count} 条新消息',
  you: '你',
  bot: '机器人',
  agent: '客服',
  pending: '发送中…',
  sent: '已发送',
  delivered: '已送达',
  failed: '未发送',
  retry: '重试',
  typing: '{name} 正在输入…',
  reconnecting: '连接已断开，正在重新连接…',
  offline: '你已离线。',
  offlineQueued: '你已离线。{count} 条消息将在你恢复在线后发送。',
  connectionFailed: '无法连接到聊天：{reason}',
  agentJoined: '你现在正在与人工客服聊天。',
  botPaused: '助手已暂停，将由人工回复。',
  closedNow: '我们目前不在营业时间。',
  closedUntil: '我们目前不在营业时间，将于{time}重新开放。',
  unread: '{count} 条未读',
  previous: '上一个',
  next: '下一个',
  cardOf: '第 {index} 个，共 {count} 个',
  openMap: '在地图中打开',
  download: '下载',
  unsupported: '此消息无法在此显示。',
  locationDenied: '位置访问被拒绝。',
  locationUnavailable: '无法获取你的位置。',
  uploading: '上传中',
  image: '图片',
  imageUnavailable: '图片无法加载。',
}

export default zh
