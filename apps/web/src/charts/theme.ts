/** Terminal palette shared by every chart; kept in step with the CSS custom properties in styles.css. */
export const palette = {
  text: '#c9d4e3',
  muted: '#7a8799',
  grid: '#1f2a37',
  axis: '#334155',
  up: '#22c55e',
  down: '#ef4444',
  bbBand: '#64748b',
  bbMiddle: '#94a3b8',
  sma9: '#38bdf8',
  sma21: '#f59e0b',
  sma50: '#a78bfa',
  sma200: '#f472b6',
  ema9: '#2dd4bf',
  ema21: '#facc15',
  rsi: '#38bdf8',
  macd: '#38bdf8',
  signal: '#f59e0b',
  equity: '#22c55e',
  tooltipBg: '#0f172a',
} as const;

/** Chart-wide text and tooltip defaults for the dark terminal look. */
export const baseTextStyle = { color: palette.text, fontFamily: 'inherit', fontSize: 11 } as const;
