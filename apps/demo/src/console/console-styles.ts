import { css } from 'lit'

/** Colours and controls shared by the console's elements; light and dark follow the system setting. */
export const consoleStyles = css`
  :host {
    --bg: #f6f7f9;
    --panel: #ffffff;
    --fg: #1b1f24;
    --muted: #5f6773;
    --line: #e1e4e8;
    --accent: #2f5bd3;
    --accent-fg: #ffffff;
    --selected: #e8eefc;
    --visitor: #eef1f5;
    --bot: #e9f5ee;
    --agent: #fdf1e3;
    --warn: #a15c00;
    --badge: #d1372f;
    color: var(--fg);
    font-family:
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif;
    font-size: 14px;
    line-height: 1.45;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #111418;
      --panel: #1a1e23;
      --fg: #e6e8eb;
      --muted: #9aa3ad;
      --line: #2c3239;
      --accent: #7b9cff;
      --accent-fg: #0e1116;
      --selected: #22304d;
      --visitor: #232a33;
      --bot: #1d2e25;
      --agent: #3a2c1b;
      --warn: #f0b45b;
      --badge: #ff6b61;
    }
  }
  * {
    box-sizing: border-box;
  }
  button,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    border: 1px solid var(--line);
    background: var(--panel);
    border-radius: 6px;
    padding: 0.35rem 0.75rem;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    border-color: var(--accent);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-fg);
    font-weight: 600;
  }
  select,
  textarea {
    border: 1px solid var(--line);
    border-radius: 6px;
    background: var(--panel);
    padding: 0.35rem 0.5rem;
  }
  .muted {
    color: var(--muted);
  }
  .error {
    color: var(--badge);
  }
`
