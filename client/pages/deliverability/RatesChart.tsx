// One sending domain's daily bounce and complaint rates over 30 days (Recharts, inside a ChartFigure), with the limits
// mailbox providers enforce drawn as reference lines. Straight segments: a smoothed curve would dip below 0% and
// invent peaks between days.
import { Code, useMantineTheme } from '@mantine/core';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { chartSummary, formatRate, OTHER_DOMAINS, THRESHOLDS, type DomainReport } from '../../../shared/reports/deliverability.ts';
import { ChartFigure } from '../../ui/ChartFigure.tsx';

const AXIS_TICK = { fill: 'var(--mantine-color-text)', fontSize: 12 };
const number = new Intl.NumberFormat('en-US');
const shortDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const percent = (v: number) => `${Number(v.toFixed(2))}%`;

/**
 * The y axis in whole steps (0.5, 1, 2, 5, 10… percent), always reaching above the bounce limit so both limits are in
 * sight on a quiet month.
 */
function percentAxis(highest: number): { top: number; ticks: number[] } {
  const wanted = Math.max(THRESHOLDS.bounceRate * 100 * 1.25, highest * 1.05);
  const step = [0.5, 1, 2, 5, 10, 20, 25].find((s) => wanted / s <= 6) ?? 25;
  const top = Math.ceil(wanted / step) * step;
  return { top, ticks: Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step) };
}

export function RatesChart({ report }: { report: DomainReport }) {
  const theme = useMantineTheme();
  // Shade 8 of each: 3:1 against the page for lines (WCAG 1.4.11); bounces and complaints also differ by dash.
  const bounceColor = theme.colors.orange[8]!;
  const complaintColor = theme.colors.grape[8]!;
  const data = report.daily.map((d) => ({
    ...d,
    bouncePercent: d.bounceRate === null ? null : d.bounceRate * 100,
    complaintPercent: d.complaintRate === null ? null : d.complaintRate * 100,
  }));
  const highest = Math.max(0, ...data.flatMap((d) => [d.bouncePercent ?? 0, d.complaintPercent ?? 0]));
  const { top, ticks } = percentAxis(highest);
  const name = report.domain === OTHER_DOMAINS ? 'other domains' : report.domain;
  const month = report.windows.find((w) => w.days === 30);
  return (
    <ChartFigure
      title={`Daily bounce and complaint rates, ${name}`}
      summary={chartSummary(report)}
      columns={[
        { key: 'date', label: 'Day (UTC)', cell: (d) => d.date },
        { key: 'sent', label: 'Sent', numeric: true, cell: (d) => number.format(d.sent) },
        { key: 'bounced', label: 'Bounced', numeric: true, cell: (d) => number.format(d.bounced) },
        { key: 'bounceRate', label: 'Bounce rate', numeric: true, cell: (d) => formatRate(d.bounceRate) },
        { key: 'complained', label: 'Complaints', numeric: true, cell: (d) => number.format(d.complained) },
        { key: 'complaintRate', label: 'Complaint rate', numeric: true, cell: (d) => formatRate(d.complaintRate) },
      ]}
      rows={report.daily}
      rowKey={(d) => d.date}
      empty={
        !month || (month.sent === 0 && month.bounced === 0 && month.complained === 0) ? (
          <>
            Nothing sent from {name} in the last 30 days. The rates appear once Kairos sends from an address on it (run <Code>npm run demo</Code> to see
            figures).
          </>
        ) : undefined
      }
    >
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={data} margin={{ top: 16, right: 150, bottom: 0, left: 0 }} role="img" aria-label={`Daily bounce and complaint rates of ${name}, line chart`} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="date" tick={AXIS_TICK} tickFormatter={shortDate} minTickGap={24} />
          <YAxis tick={AXIS_TICK} width={48} domain={[0, top]} ticks={ticks} tickFormatter={percent} />
          <Tooltip labelFormatter={(label) => shortDate(String(label))} formatter={(value, key) => [value === null || value === undefined ? '—' : percent(Number(value)), key]} />
          <Legend verticalAlign="top" height={28} />
          <ReferenceLine
            y={THRESHOLDS.bounceRate * 100}
            stroke={bounceColor}
            strokeDasharray="6 4"
            ifOverflow="extendDomain"
            label={{ value: `Bounce limit ${formatRate(THRESHOLDS.bounceRate)}`, position: 'right', fill: bounceColor, fontSize: 12 }}
          />
          <ReferenceLine
            y={THRESHOLDS.complaintRate * 100}
            stroke={complaintColor}
            strokeDasharray="2 3"
            ifOverflow="extendDomain"
            label={{ value: `Complaint limit ${formatRate(THRESHOLDS.complaintRate)}`, position: 'right', fill: complaintColor, fontSize: 12 }}
          />
          <Line type="linear" dataKey="bouncePercent" name="Bounce rate" stroke={bounceColor} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
          <Line
            type="linear"
            dataKey="complaintPercent"
            name="Complaint rate"
            stroke={complaintColor}
            strokeWidth={2}
            strokeDasharray="5 2"
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
