'use client';

/**
 * A small line of closing prices. The points are floats: only for drawing, the prices shown in
 * text stay exact decimals.
 */
export function Sparkline({
  closes,
  label,
  tone,
}: {
  closes: string[];
  label: string;
  tone: 'up' | 'down' | 'flat';
}) {
  const width = 120;
  const height = 36;
  const finite = closes.map(Number).filter(Number.isFinite);
  // One candle: a flat line at its price.
  const values = finite.length === 1 ? [finite[0] ?? 0, finite[0] ?? 0] : finite;
  if (values.length < 2) return <svg width={width} height={height} role="img" aria-label={label} />;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const points = values
    .map((value, index) => {
      const x = (index / (values.length - 1)) * width;
      const y = max === min ? height / 2 : height - 2 - ((value - min) / span) * (height - 4);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  const colour = tone === 'down' ? 'var(--down)' : tone === 'up' ? 'var(--up)' : 'var(--muted)';
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke={colour} strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}
