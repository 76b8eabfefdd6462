import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Progress } from '@backstage/core-components';
import { useHealth } from './useHealth';

/** The /llm-ops landing page: what the platform is connected to and whether it is healthy. */
export const OverviewPage = () => {
  const { value: health, loading, error } = useHealth();

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <Box p={3}>
        <Alert severity="error" data-testid="llm-ops-health-error">
          The llm-ops backend did not answer: {error.message}
        </Alert>
      </Box>
    );
  }

  return (
    <Box p={3}>
      <Typography variant="h5" component="h2" gutterBottom>
        LLM Ops overview
      </Typography>
      <Typography variant="body1" color="text.secondary" paragraph>
        Experiments, models, serving endpoints, datasets and pipelines from your
        ML tools, with owners, lineage and live status.
      </Typography>
      <Card variant="outlined" data-testid="llm-ops-backend-card">
        <CardContent>
          <Typography variant="h6" component="h3" gutterBottom>
            Backend
          </Typography>
          <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap>
            <Chip color="success" label={`llm-ops ${health!.version}`} />
            <Chip
              variant="outlined"
              label={`database: ${health!.database.client}`}
            />
            <Chip
              variant="outlined"
              color={health!.cache.ok ? 'default' : 'warning'}
              label={`cache: ${health!.cache.store}${
                health!.cache.ok ? '' : ' (not answering)'
              }`}
            />
          </Stack>
        </CardContent>
      </Card>
    </Box>
  );
};
