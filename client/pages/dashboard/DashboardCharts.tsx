// The dashboard's charts (Recharts), each inside a ChartFigure that names it, sums it up and shows its data as a table.
import { Anchor, Code, Text, useMantineTheme } from '@mantine/core';
import { useNavigate, Link } from 'react-router';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ResponsiveContainer,
  Sankey,
  Tooltip,
  XAxis,
  YAxis,
  type SankeyLinkOptions,
  type SankeyNodeOptions,
} from 'recharts';
import type { LifecycleReport } from '../../../shared/reports/lifecycle.ts';
import { ChartFigure } from '../../ui/ChartFigure.tsx';
import { PHASE_COLORS } from '../contacts/contactUi.tsx';
import classes from './dashboard.module.css';
import {
  enteredPhases,
  entriesSummary,
  flowContactsHref,
  flowsSummary,
  formatNumber,
  phasesSummary,
  referralsSummary,
  sankeyData,
  type Period,
  type SankeyLinkDatum,
  type SankeyNodeDatum,
} from './dashboardData.ts';

const AXIS_TICK = { fill: 'var(--mantine-color-text)', fontSize: 12 };
// Charts draw at once (isAnimationActive false): a figure that grows for a second and a half moves under people who
// asked for reduced motion, and it redraws on every change of persona or period.
const NEW_CONTACT = 'New contact';

/** A phase's colour as a Mantine shade dark enough for 3:1 against the page (WCAG 1.4.11). */
function usePhaseColor() {
  const theme = useMantineTheme();
  return (phase: string | null) => theme.colors[phase === null ? 'gray' : (PHASE_COLORS[phase] ?? 'gray')]![7]!;
}

export interface Labels {
  phase: (key: string | null) => string;
  order: readonly string[];
}

export function PhasesNowChart({ report, labels }: { report: LifecycleReport; labels: Labels }) {
  const color = usePhaseColor();
  const total = report.phases.reduce((s, p) => s + p.n, 0);
  return (
    <ChartFigure
      title="Contacts per phase now"
      summary={phasesSummary(report.phases)}
      columns={[
        { key: 'phase', label: 'Phase', cell: (p) => p.label },
        { key: 'n', label: 'Contacts', numeric: true, cell: (p) => formatNumber(p.n) },
      ]}
      rows={report.phases}
      rowKey={(p) => p.phase}
      empty={total === 0 ? <>No contacts yet — contacts appear here when your shop sends events, you import a CSV file, or you run <Code>npm run demo</Code>.</> : undefined}
    >
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={report.phases} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} role="img" aria-label="Contacts per phase now, bar chart" accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={AXIS_TICK} interval={0} />
          <YAxis allowDecimals={false} tick={AXIS_TICK} width={48} />
          <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Contacts']} cursor={{ fillOpacity: 0.3 }} />
          <Bar dataKey="n" name="Contacts" radius={[4, 4, 0, 0]} isAnimationActive={false}>
            {report.phases.map((p) => (
              <Cell key={p.phase} fill={color(p.phase)} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

type FlowNode = SankeyNodeDatum & { value?: number };

/** The flow under the pointer: Recharts nests the link a level or two down in a tooltip entry. */
function findFlow(entry: unknown, depth = 0): SankeyLinkDatum | undefined {
  if (entry === null || typeof entry !== 'object' || depth > 3) return undefined;
  if ('toPhase' in entry && 'value' in entry && 'source' in entry) return entry as SankeyLinkDatum;
  return findFlow((entry as { payload?: unknown }).payload, depth + 1);
}

export function FlowsSankey({ report, labels, period }: { report: LifecycleReport; labels: Labels; period: Period }) {
  const color = usePhaseColor();
  const navigate = useNavigate();
  const flowLabel = (p: string | null) => (p === null ? NEW_CONTACT : labels.phase(p));
  const data = sankeyData(report.flows, labels.order, flowLabel);
  const rows = [...data.links].sort((a, b) => b.value - a.value);
  const href = (l: SankeyLinkDatum) => flowContactsHref({ from: l.fromPhase, to: l.toPhase }, period, report.persona);
  const go = (l: SankeyLinkDatum) => void navigate(href(l));

  const node: SankeyNodeOptions = ({ x, y, width, height, payload }) => {
    const datum = payload as unknown as FlowNode;
    const left = datum.side === 'from';
    return (
      <g>
        <rect x={x} y={y} width={width} height={Math.max(height, 1)} fill={color(datum.phase)} rx={2} />
        <text
          x={left ? x - 8 : x + width + 8}
          y={y + height / 2}
          textAnchor={left ? 'end' : 'start'}
          dominantBaseline="middle"
          fontSize={13}
          fill="var(--mantine-color-text)"
        >
          {datum.name}
          <tspan fontWeight={600} dx={6}>
            {formatNumber(Number(datum.value ?? 0))}
          </tspan>
        </text>
      </g>
    );
  };
  const link: SankeyLinkOptions = (props) => {
    const l = props.payload as unknown as SankeyLinkDatum & { source: FlowNode; target: FlowNode };
    const d = `M${props.sourceX},${props.sourceY} C${props.sourceControlX},${props.sourceY} ${props.targetControlX},${props.targetY} ${props.targetX},${props.targetY}`;
    return (
      <path
        d={d}
        fill="none"
        stroke={color(l.source.phase)}
        strokeWidth={Math.max(props.linkWidth, 2)}
        className={classes.flow}
        data-flow={`${l.fromPhase ?? ''}>${l.toPhase}`}
      />
    );
  };

  return (
    <ChartFigure
      title="Flows between phases"
      summary={data.links.length === 0 ? flowsSummary(report.flows, flowLabel) : `${flowsSummary(report.flows, flowLabel)} Click a flow, or open the table, to see its contacts.`}
      columns={[
        { key: 'from', label: 'From', cell: (l) => flowLabel(l.fromPhase) },
        { key: 'to', label: 'To', cell: (l) => flowLabel(l.toPhase) },
        { key: 'n', label: 'Phase changes', numeric: true, cell: (l) => formatNumber(l.value) },
        {
          key: 'contacts',
          label: 'Contacts',
          cell: (l) => (
            <Anchor component={Link} to={href(l)} size="sm">
              See who moved from {flowLabel(l.fromPhase)} to {flowLabel(l.toPhase)}
            </Anchor>
          ),
        },
      ]}
      rows={rows}
      rowKey={(l) => `${l.fromPhase ?? ''}>${l.toPhase}`}
      empty={data.links.length === 0 ? <>No phase changes in this period — run <Code>npm run demo</Code>, import contacts or send events, or choose a longer period.</> : undefined}
    >
      <Text size="xs" c="dimmed" component="div" className={classes.columns}>
        <span>Left the phase</span>
        <span>Entered the phase</span>
      </Text>
      <ResponsiveContainer width="100%" height={Math.max(280, 44 * Math.max(data.nodes.filter((n) => n.side === 'to').length, data.nodes.filter((n) => n.side === 'from').length))}>
        <Sankey
          data={data}
          node={node}
          link={link}
          nodeWidth={12}
          nodePadding={18}
          // In the workspace's phase order on both sides, so a phase sits at the same height left and right.
          sort={false}
          margin={{ top: 8, right: 150, bottom: 8, left: 150 }}
          role="img"
          aria-label="Flows between phases, Sankey diagram: phases left on the left, phases entered on the right"
          accessibilityLayer={false}
          onClick={(item, type) => {
            if (type === 'link') go((item as unknown as { payload: SankeyLinkDatum }).payload);
          }}
        >
          <Tooltip
            content={({ active, payload }) => {
              const l = findFlow(payload?.[0]);
              if (!active || !l) return null;
              return (
                <div className={classes.tooltip}>
                  <strong>
                    {flowLabel(l.fromPhase)} → {flowLabel(l.toPhase)}
                  </strong>
                  <div>{formatNumber(l.value)} phase changes — click to see the contacts</div>
                </div>
              );
            }}
          />
        </Sankey>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

export function EntriesPerWeekChart({ report, labels }: { report: LifecycleReport; labels: Labels }) {
  const color = usePhaseColor();
  const phases = enteredPhases(report.entriesPerWeek, labels.order);
  const data = report.entriesPerWeek.map((w) => ({ week: w.weekStart.slice(0, 10), ...Object.fromEntries(phases.map((p) => [p, w.byPhase[p] ?? 0])) }));
  return (
    <ChartFigure
      title="Phase entries per week"
      summary={entriesSummary(report.entriesPerWeek, labels.phase)}
      columns={[
        { key: 'week', label: 'Week from', cell: (row: (typeof data)[number]) => row.week },
        ...phases.map((p) => ({ key: p, label: labels.phase(p), numeric: true, cell: (row: (typeof data)[number]) => formatNumber(Number((row as Record<string, unknown>)[p] ?? 0)) })),
      ]}
      rows={data}
      rowKey={(row) => row.week}
      empty={phases.length === 0 ? <>No contact entered a phase in this period — run <Code>npm run demo</Code>, import contacts or send events.</> : undefined}
    >
      <ResponsiveContainer width="100%" height={280}>
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} role="img" aria-label="Phase entries per week, stacked area chart" accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="week" tick={AXIS_TICK} minTickGap={24} />
          <YAxis allowDecimals={false} tick={AXIS_TICK} width={48} />
          <Tooltip formatter={(v, name) => [formatNumber(Number(v)), labels.phase(String(name))]} labelFormatter={(w) => `Week from ${String(w)}`} />
          {phases.map((p) => (
            <Area key={p} type="monotone" dataKey={p} name={p} stackId="entries" stroke={color(p)} fill={color(p)} fillOpacity={0.55} isAnimationActive={false} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
      <Text component="ul" size="xs" className={classes.legend} aria-label="Phases">
        {phases.map((p) => (
          <li key={p}>
            <span className={classes.swatch} style={{ background: color(p) }} aria-hidden />
            {labels.phase(p)}
          </li>
        ))}
      </Text>
    </ChartFigure>
  );
}

export function ReferralsChart({ report }: { report: LifecycleReport }) {
  const theme = useMantineTheme();
  const rows = report.personas.map((p) => ({ key: p.key ?? '', name: p.name, referrals: p.referrals }));
  const total = rows.reduce((s, r) => s + r.referrals, 0);
  return (
    <ChartFigure
      title="Referrals per persona"
      summary={referralsSummary(report.personas)}
      columns={[
        { key: 'name', label: 'Persona', cell: (r) => r.name },
        { key: 'referrals', label: 'Referrals', numeric: true, cell: (r) => formatNumber(r.referrals) },
      ]}
      rows={rows}
      rowKey={(r) => r.key}
      empty={total === 0 ? 'No referrals in this period — they count when someone subscribes through a contact’s referral link and confirms.' : undefined}
    >
      <ResponsiveContainer width="100%" height={Math.max(120, 40 * rows.length + 40)}>
        <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 24, bottom: 0, left: 8 }} role="img" aria-label="Referrals per persona, bar chart" accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={AXIS_TICK} />
          <YAxis type="category" dataKey="name" tick={AXIS_TICK} width={140} />
          <Tooltip formatter={(v) => [formatNumber(Number(v)), 'Referrals']} cursor={{ fillOpacity: 0.3 }} />
          <Bar dataKey="referrals" name="Referrals" fill={theme.colors.violet[7]} radius={[0, 4, 4, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
