// Every chart's frame: a figure named by its title, a one-sentence summary of what it shows, an empty state that says
// what would fill it, and the same figures as a table on demand, so a chart is never the only way to read them.
import { Box, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconChartBar, IconTable } from '@tabler/icons-react';
import { useId, useState, type ReactNode } from 'react';

export interface ChartColumn<Row> {
  key: string;
  label: string;
  /** Right-aligned, for figures. */
  numeric?: boolean;
  cell: (row: Row) => ReactNode;
}

export interface ChartFigureProps<Row> {
  title: string;
  /** One sentence a screen reader reads as the chart's description, and everyone sees under the title. */
  summary: string;
  /** The chart's figures: the table shown on demand. */
  columns: ChartColumn<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** Shown instead of the chart when there is nothing to draw: say what would fill it. */
  empty?: ReactNode;
  /** Extra controls beside the table toggle. */
  actions?: ReactNode;
  children: ReactNode;
}

export function ChartFigure<Row>({ title, summary, columns, rows, rowKey, empty, actions, children }: ChartFigureProps<Row>) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  const titleId = `${id}-title`;
  const summaryId = `${id}-summary`;
  const tableId = `${id}-table`;
  const isEmpty = empty !== undefined && empty !== null && empty !== false;
  return (
    // The caption is the figure's direct child (HTML wants it so); the chart, table or empty state follows it.
    <Paper withBorder radius="md" p="md" component="figure" m={0} aria-labelledby={titleId} aria-describedby={summaryId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" component="figcaption">
        <Stack gap={2}>
          <Title order={2} size="h4" id={titleId}>
            {title}
          </Title>
          <Text size="sm" c="dimmed" id={summaryId}>
            {summary}
          </Text>
        </Stack>
        {!isEmpty && (
          <Group gap="xs" wrap="nowrap">
            {actions}
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={asTable ? <IconChartBar size={14} aria-hidden /> : <IconTable size={14} aria-hidden />}
              aria-expanded={asTable}
              aria-controls={tableId}
              onClick={() => setAsTable((v) => !v)}
            >
              {asTable ? 'Show chart' : 'Show data as table'}
            </Button>
          </Group>
        )}
      </Group>
      {isEmpty ? (
        <Box mt="sm" py="lg" px="md" bg="var(--mantine-color-default-hover)" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          <Text size="sm" ta="center">
            {empty}
          </Text>
        </Box>
      ) : asTable ? (
        <Table.ScrollContainer minWidth={320} id={tableId} mt="sm">
          <Table striped withTableBorder verticalSpacing="xs" aria-labelledby={titleId}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => (
                  <Table.Th key={c.key} ta={c.numeric ? 'right' : undefined} scope="col">
                    {c.label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <Table.Td key={c.key} ta={c.numeric ? 'right' : undefined}>
                      {c.cell(row)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Box id={tableId} mt="sm">
          {children}
        </Box>
      )}
    </Paper>
  );
}
