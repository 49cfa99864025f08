import type { FlowChatStrings } from '../strings.js'

/**
 * Arabic (right to left) texts for `<flow-chat>`. Not in the single file: a page imports and registers them.
 *
 * @example
 * import ar from '@flowchat/widget/locales/ar.js'
 * registerLocale('ar', ar)
 */
const ar: FlowChatStrings = {
  title: 'الدردشة',
  placeholder: 'اكتب رسالة…',
  open: 'فتح الدردشة',
  close: 'إغلاق الدردشة',
  send: 'إرسال',
  attach: 'إرفاق ملف',
  shareLocation: 'مشاركة موقعك',
  dropFiles: 'أفلت الملفات لإرسالها',
  characters: '{count} من {max} حرفًا',
  transcript: 'المحادثة',
  suggestions: 'ردود مقترحة',
  carousel: 'بطاقات',
  loadOlder: 'تحميل الرسائل الأقدم',
  loadingOlder: 'جارٍ تحميل الرسائل الأقدم…',
  newMessages: 'one:رسالة جديدة واحدة|two:رسالتان جديدتان|few:{count} رسائل جديدة|other:{count} رسالة جديدة',
  you: 'أنت',
  bot: 'الروبوت',
  agent: 'موظف',
  pending: 'جارٍ الإرسال…',
  sent: 'أُرسلت',
  delivered: 'سُلّمت',
  failed: 'لم تُرسل',
  retry: 'إعادة المحاولة',
  typing: '{name} يكتب…',
  reconnecting: 'انقطع الاتصال. جارٍ إعادة الاتصال…',
  offline: 'أنت غير متصل.',
  offlineQueued:
    'one:أنت غير متصل. ستُرسل رسالة واحدة عند عودتك للاتصال.|two:أنت غير متصل. ستُرسل رسالتان عند عودتك للاتصال.|few:أنت غير متصل. ستُرسل {count} رسائل عند عودتك للاتصال.|other:أنت غير متصل. ستُرسل {count} رسالة عند عودتك للاتصال.',
  connectionFailed: 'تعذّر الاتصال بالدردشة: {reason}',
  agentJoined: 'أنت تتحدث الآن مع شخص.',
  botPaused: 'المساعد متوقف مؤقتًا. سيرد عليك شخص.',
  closedNow: 'نحن مغلقون الآن.',
  closedUntil: 'نحن مغلقون الآن. نفتح مجددًا {time}.',
  unread: '{count} غير مقروءة',
  previous: 'السابق',
  next: 'التالي',
  cardOf: '{index} من {count}',
  openMap: 'فتح في خريطة',
  download: 'تنزيل',
  unsupported: 'لا يمكن عرض هذه الرسالة هنا.',
  locationDenied: 'تم رفض الوصول إلى موقعك.',
  locationUnavailable: 'موقعك غير متاح.',
  uploading: 'جارٍ الرفع',
  image: 'صورة',
  imageUnavailable: 'تعذّر تحميل الصورة.',
}

export default ar
