import type { ReactNode } from 'react';

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** Horizontal bars drawn with CSS; each row also says its value in text, so the chart reads aloud. */
export function BarChart({
  title,
  bars,
  unit,
}: {
  title: string;
  bars: readonly Bar[];
  unit: string;
}): ReactNode {
  const largest = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <figure className="bar-chart">
      <figcaption>{title}</figcaption>
      {bars.length === 0 ? (
        <p className="muted">No data yet.</p>
      ) : (
        <ul aria-label={title}>
          {bars.map((bar) => (
            <li key={bar.label}>
              <span className="bar-label">{bar.label}</span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${(bar.value / largest) * 100}%` }} />
              </span>
              <span className="bar-value">
                {bar.value} {unit}
              </span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
