import { ReactNode } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@mui/material/Box';

export type LoadStateProps = {
  loading: boolean;
  error?: Error;
  /** True when the answer came back with nothing to show. */
  empty?: boolean;
  emptyTitle?: string;
  emptyDescription?: string | JSX.Element;
  /** What the error panel calls the failed request, e.g. "experiments". */
  what?: string;
  children?: ReactNode;
};

/**
 * The three states every view has before its content: loading (a progress bar), error (the
 * backend's message) and empty (an explanation instead of an empty table).
 */
export const LoadState = (props: LoadStateProps) => {
  const { loading, error, empty, emptyTitle, emptyDescription, what } = props;
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <Box data-testid="llm-ops-error">
        <ResponseErrorPanel
          error={error}
          title={what ? `Could not load ${what}` : undefined}
        />
      </Box>
    );
  }
  if (empty) {
    return (
      <Box data-testid="llm-ops-empty">
        <EmptyState
          missing="data"
          title={emptyTitle ?? 'Nothing here yet'}
          description={emptyDescription}
        />
      </Box>
    );
  }
  return <>{props.children}</>;
};
