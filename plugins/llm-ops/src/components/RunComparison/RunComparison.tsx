import { useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { alpha } from '@mui/material/styles';
import type { Run } from '../../api/types';
import { metricValue } from '../../lib/format';

type Row = {
  section: 'Attributes' | 'Params' | 'Metrics';
  key: string;
  values: string[];
  /** For metrics: which run has the best (highest) value, to point it out. */
  best?: number;
  differs: boolean;
};

/** The rows of a comparison: attributes, every param and every metric of any of the runs. */
export function comparisonRows(runs: Run[]): Row[] {
  const keys = (pick: (r: Run) => Record<string, unknown>) =>
    [...new Set(runs.flatMap(r => Object.keys(pick(r))))].sort();
  const row = (
    section: Row['section'],
    key: string,
    values: string[],
    numbers?: Array<number | undefined>,
  ): Row => {
    let best: number | undefined;
    if (numbers && numbers.filter(n => n !== undefined).length > 1) {
      let max = -Infinity;
      numbers.forEach((n, i) => {
        if (n !== undefined && n > max) {
          max = n;
          best = i;
        }
      });
    }
    return { section, key, values, best, differs: new Set(values).size > 1 };
  };
  return [
    row(
      'Attributes',
      'status',
      runs.map(r => r.status),
    ),
    ...keys(r => r.params).map(k =>
      row(
        'Params',
        k,
        runs.map(r => r.params[k] ?? '—'),
      ),
    ),
    ...keys(r => r.metrics).map(k =>
      row(
        'Metrics',
        k,
        runs.map(r => metricValue(r.metrics[k]?.value)),
        runs.map(r => r.metrics[k]?.value ?? undefined),
      ),
    ),
  ];
}

export type RunComparisonProps = { runs: Run[] };

/**
 * Selected runs side by side: their params and latest metrics, with the rows where the runs
 * differ highlighted (and, for metrics, the highest value in bold).
 */
export const RunComparison = ({ runs }: RunComparisonProps) => {
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const rows = useMemo(() => comparisonRows(runs), [runs]);
  const shown = onlyDiffs ? rows.filter(r => r.differs) : rows;
  return (
    <Box data-testid="llm-ops-run-comparison">
      <FormControlLabel
        control={
          <Switch
            checked={onlyDiffs}
            onChange={e => setOnlyDiffs(e.target.checked)}
          />
        }
        label="Only differences"
      />
      <TableContainer sx={{ maxHeight: 640 }}>
        <Table size="small" stickyHeader aria-label="Run comparison">
          <TableHead>
            <TableRow>
              <TableCell>Key</TableCell>
              {runs.map(r => (
                <TableCell key={r.id}>{r.name}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map((row, index) => {
              const firstOfSection =
                index === 0 || shown[index - 1].section !== row.section;
              return [
                firstOfSection ? (
                  <TableRow key={`${row.section}-heading`}>
                    <TableCell colSpan={runs.length + 1}>
                      <Typography variant="overline">{row.section}</Typography>
                    </TableCell>
                  </TableRow>
                ) : null,
                <TableRow
                  key={`${row.section}-${row.key}`}
                  data-differs={row.differs ? 'true' : 'false'}
                  data-testid={`llm-ops-compare-${row.section.toLowerCase()}-${
                    row.key
                  }`}
                  sx={
                    row.differs
                      ? {
                          // Beats the theme's striping of odd rows.
                          '&&&': {
                            backgroundColor: theme =>
                              alpha(theme.palette.warning.main, 0.16),
                          },
                        }
                      : undefined
                  }
                >
                  <TableCell component="th" scope="row">
                    <Typography
                      variant="body2"
                      sx={{ fontFamily: 'monospace' }}
                    >
                      {row.key}
                      {row.differs && (
                        <Typography
                          component="span"
                          variant="caption"
                          color="warning.main"
                          title="The runs differ here"
                          sx={{ ml: 1 }}
                        >
                          ≠
                        </Typography>
                      )}
                    </Typography>
                  </TableCell>
                  {row.values.map((value, i) => (
                    <TableCell
                      key={runs[i].id}
                      sx={{
                        fontWeight: row.best === i ? 'bold' : undefined,
                        fontFamily: 'monospace',
                      }}
                    >
                      {value}
                    </TableCell>
                  ))}
                </TableRow>,
              ];
            })}
          </TableBody>
        </Table>
      </TableContainer>
    </Box>
  );
};
