import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { alpha, useTheme } from '@mui/material/styles';
import { Link } from '@backstage/core-components';
import type { EndpointTrafficEntry } from '../../api/types';
import { useLinks } from '../../lib/useLinks';

export type TrafficSplitProps = {
  traffic: EndpointTrafficEntry[];
  label: string;
};

/** The traffic of an endpoint as one bar split by model version: stable and canary shares. */
export const TrafficSplit = ({ traffic, label }: TrafficSplitProps) => {
  const theme = useTheme();
  const links = useLinks();
  return (
    <Box mb={2} data-testid={`llm-ops-traffic-${label.toLowerCase()}`}>
      <Typography variant="subtitle2" gutterBottom>
        {label}
      </Typography>
      {traffic.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No traffic: no model version is served yet.
        </Typography>
      ) : (
        <>
          <Stack
            direction="row"
            sx={{
              height: 28,
              borderRadius: 1,
              overflow: 'hidden',
              border: `1px solid ${theme.palette.divider}`,
            }}
          >
            {traffic.map(entry => {
              const color =
                entry.role === 'canary'
                  ? theme.palette.warning.main
                  : theme.palette.success.main;
              return (
                <Tooltip
                  key={`${entry.modelVersionId}-${entry.role}`}
                  title={`${entry.modelName} v${entry.version}: ${entry.percent}% (${entry.role})`}
                >
                  <Box
                    sx={{
                      width: `${entry.percent}%`,
                      backgroundColor: alpha(color, 0.35),
                      borderRight: `2px solid ${color}`,
                      display: 'flex',
                      alignItems: 'center',
                      justifyContent: 'center',
                      color: theme.palette.text.primary,
                      fontSize: theme.typography.caption.fontSize,
                      whiteSpace: 'nowrap',
                      overflow: 'hidden',
                    }}
                  >
                    {entry.percent >= 10 ? `${entry.percent}%` : ''}
                  </Box>
                </Tooltip>
              );
            })}
          </Stack>
          <Stack
            direction="row"
            spacing={2}
            mt={0.5}
            flexWrap="wrap"
            useFlexGap
          >
            {traffic.map(entry => {
              const href = links.model(entry.modelName, entry.version);
              const name = `${entry.modelName} v${entry.version}`;
              return (
                <Typography
                  key={`${entry.modelVersionId}-${entry.role}-legend`}
                  variant="body2"
                  data-testid="llm-ops-traffic-entry"
                >
                  {entry.role}: {href ? <Link to={href}>{name}</Link> : name} —{' '}
                  {entry.percent}%
                </Typography>
              );
            })}
          </Stack>
        </>
      )}
    </Box>
  );
};
