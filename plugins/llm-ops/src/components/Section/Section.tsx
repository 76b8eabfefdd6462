import { ReactNode } from 'react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

/** A titled card that groups one part of a page. */
export const Section = (props: {
  title: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  testId?: string;
}) => (
  <Card variant="outlined" sx={{ mb: 2 }} data-testid={props.testId}>
    <CardContent>
      <Stack direction="row" alignItems="center" mb={1} spacing={1}>
        <Typography variant="h6" component="h3" flexGrow={1}>
          {props.title}
        </Typography>
        {props.action}
      </Stack>
      {props.children}
    </CardContent>
  </Card>
);
