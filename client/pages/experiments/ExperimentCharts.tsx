// An experiment's charts (Recharts), each inside a ChartFigure that names it, sums it up and shows its data as a table:
// the cumulative rate per arm with its 95% band, the difference from the control with its always-valid confidence
// sequence narrowing over time, and the contacts assigned to each arm per day.
import { Text, useMantineTheme } from '@mantine/core';
import type { ReactNode } from 'react';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { readableOn } from '../../ui/contrast.ts';
import { ChartFigure } from '../../ui/ChartFigure.tsx';
import { formatNumber } from '../dashboard/dashboardData.ts';
import {
  armColorName,
  assignedRows,
  assignedSummary,
  axisDifference,
  axisRate,
  differenceRows,
  differenceSummary,
  formatDifference,
  formatDifferenceInterval,
  formatInterval,
  formatRate,
  isRevenue,
  rateRows,
  rateSummary,
  type ExperimentDetails,
  type RateRow,
} from './experimentData.ts';
import classes from './experiments.module.css';

const AXIS_TICK = { fill: 'var(--mantine-color-text)', fontSize: 12 };
// The right margin leaves room for the last date under the axis.
const CHART_MARGIN = { top: 8, right: 28, bottom: 0, left: 0 };
// As on the dashboard: charts draw at once (isAnimationActive false), for people who asked for reduced motion.

interface ArmStyle {
  key: string;
  name: string;
  weight: number;
  color: string;
  control: boolean;
}

/** Each arm's colour: a Mantine shade 7, darkened where needed for 3:1 against the page (WCAG 1.4.11). */
export function useArmStyles(details: ExperimentDetails): ArmStyle[] {
  const theme = useMantineTheme();
  const { experiment } = details;
  return experiment.arms.map((a, i) => ({
    key: a.key,
    name: a.name,
    weight: a.weight,
    color: readableOn(theme.colors[armColorName(i)]![7]!, ['#ffffff', theme.colors.gray[0]!], 3),
    control: a.key === experiment.controlKey,
  }));
}

/** The arms as a list beside the chart: the colour, and a dashed swatch for the control (dashed in the chart too). */
function Legend({ arms, label, dashedControl = true, zeroLine }: { arms: readonly ArmStyle[]; label: string; dashedControl?: boolean; zeroLine?: string }) {
  return (
    <Text component="ul" size="xs" className={classes.legend} aria-label={label}>
      {arms.map((a) => (
        <li key={a.key}>
          <span className={a.control && dashedControl ? classes.swatchDashed : classes.swatch} style={{ color: a.color }} aria-hidden />
          {a.name}
          {a.control ? ' (control)' : ''}
        </li>
      ))}
      {zeroLine && (
        <li>
          <span className={classes.swatchLine} aria-hidden />
          {zeroLine}
        </li>
      )}
    </Text>
  );
}

function TooltipBox({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className={classes.tooltip}>
      <strong>{title}</strong>
      {children}
    </div>
  );
}

const band = (row: RateRow, key: string) => (row[`${key}_band`] as [number, number] | null | undefined) ?? null;
const value = (row: RateRow, key: string) => (row[key] as number | null | undefined) ?? null;

export function RateChart({ details, arms }: { details: ExperimentDetails; arms: ArmStyle[] }) {
  const revenue = isRevenue(details.report);
  const rows = rateRows(details.series);
  const what = revenue ? 'Mean revenue per contact' : 'Conversion rate';
  const empty = details.series.every((p) => p.arms.every((a) => a.n === 0));
  return (
    <ChartFigure
      title={`${what} per arm over time`}
      summary={rateSummary(details.series, arms, revenue)}
      columns={[
        { key: 'date', label: 'Day', cell: (r: RateRow) => r.date as string },
        ...arms.map((a) => ({
          key: a.key,
          label: `${a.name}: ${revenue ? 'mean' : 'rate'} (95% interval)`,
          numeric: true,
          cell: (r: RateRow) => `${formatRate(value(r, a.key), revenue)} (${formatInterval(band(r, a.key), revenue)})`,
        })),
      ]}
      rows={rows}
      rowKey={(r) => r.date as string}
      empty={empty ? 'No contacts have entered the split yet — the lines start with the first contact assigned.' : undefined}
    >
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={rows} margin={CHART_MARGIN} role="img" aria-label={`${what} per arm over time, line chart with 95% bands`} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="date" tick={AXIS_TICK} minTickGap={32} />
          <YAxis tick={AXIS_TICK} width={56} tickFormatter={(v: number) => axisRate(v, revenue)} domain={revenue ? ['auto', 'auto'] : [0, 'auto']} />
          <Tooltip
            content={({ active, payload, label }) => {
              const row = payload?.[0]?.payload as RateRow | undefined;
              if (!active || !row) return null;
              return (
                <TooltipBox title={String(label)}>
                  {arms.map((a) => (
                    <div key={a.key}>
                      {a.name}: {formatRate(value(row, a.key), revenue)} ({formatInterval(band(row, a.key), revenue)})
                    </div>
                  ))}
                </TooltipBox>
              );
            }}
          />
          {arms.map((a) => (
            <Area
              key={`${a.key}_band`}
              dataKey={`${a.key}_band`}
              name={`${a.name} 95% interval`}
              stroke="none"
              fill={a.color}
              fillOpacity={0.14}
              connectNulls
              isAnimationActive={false}
              activeDot={false}
            />
          ))}
          {arms.map((a) => (
            <Line
              key={a.key}
              dataKey={a.key}
              name={a.name}
              stroke={a.color}
              strokeWidth={2}
              strokeDasharray={a.control ? '6 4' : undefined}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      <Legend arms={arms} label="Arms" />
    </ChartFigure>
  );
}

export function DifferenceChart({ details, arms }: { details: ExperimentDetails; arms: ArmStyle[] }) {
  const revenue = isRevenue(details.report);
  const rows = differenceRows(details.series, revenue);
  const control = arms.find((a) => a.control) ?? arms[0]!;
  const variants = arms.filter((a) => a !== control);
  const started = details.series.some((p) => p.comparisons.some((c) => c.ci !== null));
  return (
    <ChartFigure
      title={`Difference from ${control.name}`}
      summary={differenceSummary(details.series, arms, control.name, revenue)}
      columns={[
        { key: 'date', label: 'Day', cell: (r: RateRow) => r.date as string },
        ...variants.map((a) => ({
          key: a.key,
          label: `${a.name}: difference (always-valid 95% interval)`,
          numeric: true,
          cell: (r: RateRow) => `${formatDifference(value(r, a.key), revenue)} (${formatDifferenceInterval(band(r, a.key), revenue)})`,
        })),
      ]}
      rows={rows}
      rowKey={(r) => r.date as string}
      empty={started ? undefined : `Not enough contacts yet to compare with ${control.name}: the confidence sequence starts once every arm has contacts and ${control.name} has conversions.`}
    >
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={rows} margin={CHART_MARGIN} role="img" aria-label={`Difference from ${control.name} over time, with its always-valid 95% confidence sequence`} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="date" tick={AXIS_TICK} minTickGap={32} />
          <YAxis tick={AXIS_TICK} width={76} tickFormatter={(v: number) => axisDifference(v, revenue)} />
          <ReferenceLine y={0} stroke="var(--mantine-color-text)" strokeWidth={1.5} />
          <Tooltip
            content={({ active, payload, label }) => {
              const row = payload?.[0]?.payload as RateRow | undefined;
              if (!active || !row) return null;
              return (
                <TooltipBox title={String(label)}>
                  {variants.map((a) => (
                    <div key={a.key}>
                      {a.name}: {formatDifference(value(row, a.key), revenue)} ({formatDifferenceInterval(band(row, a.key), revenue)})
                    </div>
                  ))}
                </TooltipBox>
              );
            }}
          />
          {variants.map((a) => (
            <Area key={`${a.key}_band`} dataKey={`${a.key}_band`} name={`${a.name} confidence sequence`} stroke="none" fill={a.color} fillOpacity={0.18} isAnimationActive={false} activeDot={false} />
          ))}
          {variants.map((a) => (
            <Line key={a.key} dataKey={a.key} name={a.name} stroke={a.color} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      <Legend arms={variants} label="Variants" zeroLine={`Zero: same as ${control.name}`} />
    </ChartFigure>
  );
}

export function AssignedChart({ details, arms }: { details: ExperimentDetails; arms: ArmStyle[] }) {
  const rows = assignedRows(details.series);
  const total = rows.reduce((s, r) => s + arms.reduce((t, a) => t + Number(r[a.key] ?? 0), 0), 0);
  return (
    <ChartFigure
      title="Contacts assigned per day"
      summary={assignedSummary(details.series, arms)}
      columns={[
        { key: 'date', label: 'Day', cell: (r: (typeof rows)[number]) => r.date },
        ...arms.map((a) => ({ key: a.key, label: a.name, numeric: true, cell: (r: (typeof rows)[number]) => formatNumber(Number(r[a.key] ?? 0)) })),
      ]}
      rows={rows}
      rowKey={(r) => r.date}
      empty={total === 0 ? 'No contacts have been assigned yet — each bar is the contacts who reached the split that day.' : undefined}
    >
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={rows} margin={CHART_MARGIN} role="img" aria-label="Contacts assigned per day and arm, stacked bar chart" accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="date" tick={AXIS_TICK} minTickGap={32} />
          <YAxis allowDecimals={false} tick={AXIS_TICK} width={48} />
          <Tooltip formatter={(v, name) => [formatNumber(Number(v)), String(name)]} cursor={{ fillOpacity: 0.3 }} />
          {arms.map((a) => (
            // Stacked: a day's bar is everyone who reached the split, its parts the arms (side by side they were too thin to read).
            <Bar key={a.key} dataKey={a.key} name={a.name} stackId="assigned" fill={a.color} maxBarSize={28} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <Legend arms={arms} label="Arms" dashedControl={false} />
    </ChartFigure>
  );
}
