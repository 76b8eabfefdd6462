import { ReactNode } from 'react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';

/** A small two-column table of names and values (params, schema, conditions ...). */
export const KeyValueTable = (props: {
  rows: Array<[string, ReactNode]>;
  empty?: string;
  label?: string;
}) => {
  if (props.rows.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {props.empty ?? 'None'}
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.label}>
      <TableBody>
        {props.rows.map(([key, value]) => (
          <TableRow key={key}>
            <TableCell
              component="th"
              scope="row"
              sx={{ fontFamily: 'monospace', width: '35%' }}
            >
              {key}
            </TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
              {value}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
