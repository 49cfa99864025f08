// The single file's weight, measured one way everywhere: the build's report, the built-bundle test and the
// benchmark read the size through this module (gzip at level 9, as CDNs serve it).
import { gzipSync } from 'node:zlib'

/**
 * The gzip budget of `dist/flow-chat.js` in bytes. Issue 15: 43.3 KB before zod left the visitor's path, 36.7 KB
 * after; 36.8 KB (37,709 bytes) with reset(), the controllers, event labels and burst folding; 35.2 KB (36,086
 * bytes) once the CSS minifier, a setTimeout scheduler, selectDistinct and the build's tree-shaking settings took
 * RxJS's scheduler and operator machinery, zod's leftovers and the Node-only upload out; 35.4 KB (36,203 bytes)
 * with the fold's cheaper merge (+117 bytes for 40 % less CPU per folded event); 35.3 KB (36,159 bytes, 36,199
 * before) with the session bootstrap in its own controller; 34.4 KB (35,216 bytes) once the visitor client lost its
 * operator session path, its second answer reader and the webhook type tables; 34.5 KB (35,311 bytes) with the
 * merge of a send's two records in either order (+95 bytes); 35,293 bytes after the review's dead-code and
 * shared-check cuts; 34,334 bytes (33.5 KB) once the relay answered whether the business is open (-865 bytes: no
 * calendar code in the browser; +40 to ask it again safely), the styles shared their repeated declarations (-78)
 * and the client its pending-message, lease and thread-context copies and a message that said the request twice
 * (-56); 34,388 bytes once a history copy the relay paired with its send merges as that send (+54); 33,986
 * bytes (33.2 KB) once core's thread state, readers and errors lost code written twice, checks of fields no
 * browser code reads, single-use helpers and the long names of its message index (-402); 33.3 KB with 33,998 bytes
 * once the opening controller kept one loop per follow() (+8), asked again a day after an answer with no change
 * (+1) and showed no banner for an older relay's answer without `open` (+3); 33,996 bytes once a bot's history
 * message no longer took a visitor send's traceId (-2); 32,927 bytes (32.2 KB) once the single file's RxJS copy was
 * sealed (its global config's defaults inlined, the class members nothing calls left out: -641), the styles came
 * from `unsafeCSS` without the `css` tag's checks (-149) and a Terser pass followed Oxc (-279); 32,984 bytes once the
 * reducer and readers allocated less per event folded (+57); 32,526 bytes (31.8 KB) once Lit was sealed like RxJS
 * (no polyfill, hydration or version hooks on globalThis: -123), the build renamed RxJS's state fields and each Lit
 * module's own privates (-81), Terser dropped unused parameters and repeated license notices (-29), the element's
 * and the visitor client's imports took the order that gzips best (-142), EventKind was built from its list and the
 * stream's event names lost a Set (-58), and the templates and styles lost a little more (-22); 32,532 bytes once
 * FlowErrorCode and EventKind shared one `selfNamed` helper (+6); 30,715 bytes (30.0 KB, issue 15's target) once
 * the element's base was its own `FlowElement` on lit-html instead of `LitElement` (-1,511 net of the reviews'
 * fixes), core's internal factories took their context spread instead of rebuilt (-156) and the widget's
 * controller members were renamed like its `_` names (-91 with the DOM names kept), its templates lost their
 * redundant quotes and line breaks (-39) and the list its copy of the card (-9); 30,715 bytes still once a
 * review's fixes (underscore locales +13, the unread count's plural +2, the session start tried again +25) were paid
 * for by the close icon as a × glyph (-9, which also made it visible), one launcher selector (-12) and a shorter
 * session start (-19); 30,729 bytes after later defect fixes, 30,669 once `codeForStatus` read a table (-8), Terser
 * made arrows of function expressions (-22), a send was its own sent detail (-16), an upload left its media type and
 * title to the client, which derives them alike (-13), and the styles lost a redundant `*` (-1); 30,716 once
 * `send()` kept a page's text sent before the chat connected (+33) and refused empty or over-long text (+20), a
 * card's failed image hid (+2) and a newest message of the wrong shape stopped throwing, paid for by the hidden-tab
 * controller reading `notify` itself (-17), one template for the carousel's two nav buttons (-7) and a shorter
 * live-region reader; 30,719 once the transcript kept following when content grows under it (+39), paid for by a
 * third Terser pass (-10) and the reading position anchored to the message's element instead of a lookup by id
 * (-27); 30,718 once empty text from `send()` sent nothing again instead of throwing (-1). From here each part is what
 * undoing that change alone costs, and gzip's savings do not add up to the totals: 30,590 once Terser ran
 * five passes (-24), the arrivals and the transcript's window found the previous newest message with `findLastIndex`
 * (-32) and the arrivals filtered what was appended (-27), two controllers held their host in private fields (-13),
 * relay-http handed out its request function itself (-11), the hidden-tab controller read `Notification` through
 * `globalThis` (-7) and the typing dots' keyframes lost two stops (-6); 30,573 once only strings were read out or
 * shown (`read-fields.ts`, whose list reader let the button rows drop their own check, -20; a text that is not a
 * string shows the fallback, -10); 30,597 once a locale tag Intl refuses and a time that is not one fell back
 * instead of showing ISO text or throwing (+24); 30,656 once the visitor client refused no options and a relayUrl
 * that is not http(s) (+23), showed a send of bad input as failed and refused retry of an unknown id (+38), did not
 * follow a relay's redirect (+40) and took a thread's signals from where the client says (+9), paid for in part by
 * relay-http's AbortSignal.timeout and plain query values (-47) and a smaller session check (-6); 30,716 once a
 * message was told once when the element came back (-6), opened/closed only on a real change (+5), a locale
 * registered after the first render was used (+16), an offset that is no length kept its default (+25) and a session
 * that could not start was told as `failed` (+20); 30,711 once that was also told from the first update (-5); 30,717
 * once `send()` refused what is no text (+21, paid for in part by dropping try/catch around the client's sends,
 * which never throw: -18) and `registerLocale` named a module passed as the tag (+3). The budget is issue 15's 30 KB: never raise it to fit a feature
 * without saying what it costs (`node scripts/size-breakdown.ts --files` shows where the bytes go).
 */
export const BUNDLE_BUDGET_BYTES = 30 * 1024

/**
 * The gzip size of a built file, level 9.
 *
 * @example
 * gzipBytes(readFileSync('dist/flow-chat.js')) <= BUNDLE_BUDGET_BYTES
 */
export const gzipBytes = (code: Uint8Array | string): number => gzipSync(code, { level: 9 }).length
