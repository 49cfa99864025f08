// The visitor pages embed the widget exactly as a customer site would: one import, one <flow-chat> tag.
import '@flowchat/widget'

// Served without `pnpm start` (a bare `vite`), the relay address is empty: say so instead of a silent dead chat.
for (const chat of document.querySelectorAll('flow-chat')) {
  if (!chat.getAttribute('relay')) {
    const note = document.createElement('p')
    note.className = 'no-relay'
    note.textContent =
      'The chat needs the relay: run `pnpm start` at the repository root and open the URL it prints.'
    document.body.prepend(note)
  }
}
