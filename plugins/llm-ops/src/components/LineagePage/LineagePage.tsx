import { FormEvent, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useNavigate } from 'react-router-dom';
import type { LineageNodeType } from '../../api/types';
import { useLinks } from '../../lib/useLinks';
import { LineageGraphView } from '../LineageGraphView';
import { useLineage } from '../LineagePanel';
import { LoadState } from '../LoadState';
import { Section } from '../Section';

const types: Array<{ value: LineageNodeType; label: string; hint: string }> = [
  { value: 'endpoint', label: 'Endpoint', hint: 'name or id' },
  { value: 'model', label: 'Model', hint: 'name or id' },
  { value: 'model-version', label: 'Model version', hint: 'id' },
  { value: 'dataset', label: 'Dataset', hint: 'name or id' },
  { value: 'dataset-version', label: 'Dataset version', hint: 'id' },
  { value: 'experiment', label: 'Experiment', hint: 'name or id' },
  { value: 'run', label: 'Run', hint: 'id' },
  { value: 'pipeline', label: 'Pipeline', hint: 'name or id' },
  { value: 'pipeline-run', label: 'Pipeline run', hint: 'id' },
];

/** Picks a resource whose lineage to show. */
const LineagePicker = (props: { type?: LineageNodeType; id?: string }) => {
  const navigate = useNavigate();
  const links = useLinks();
  const [type, setType] = useState<LineageNodeType>(props.type ?? 'endpoint');
  const [id, setId] = useState(props.id ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const href = id.trim() && links.lineage(type, id.trim());
    if (href) navigate(href);
  };
  return (
    <Stack
      component="form"
      direction="row"
      spacing={1}
      onSubmit={submit}
      mb={2}
    >
      <TextField
        select
        size="small"
        label="Type"
        value={type}
        onChange={e => setType(e.target.value as LineageNodeType)}
        sx={{ minWidth: 180 }}
      >
        {types.map(t => (
          <MenuItem key={t.value} value={t.value}>
            {t.label}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        size="small"
        label={types.find(t => t.value === type)?.hint ?? 'id'}
        value={id}
        onChange={e => setId(e.target.value)}
        sx={{ minWidth: 320 }}
      />
      <Button type="submit" variant="contained">
        Show lineage
      </Button>
    </Stack>
  );
};

/** The graph of one resource, titled with its name. */
const Lineage = ({ type, id }: { type: LineageNodeType; id: string }) => {
  const { value, loading, error } = useLineage(type, id);
  const root = value?.nodes.find(n => n.id === value.root);
  const label = types.find(t => t.value === type)?.label ?? type;
  return (
    <Section
      title={`Lineage of ${label.toLowerCase()} ${root?.label ?? id}`}
      testId="llm-ops-lineage"
    >
      <LoadState
        loading={loading}
        error={error}
        what="the lineage"
        empty={!!value && value.nodes.length <= 1}
        emptyTitle="No lineage recorded"
        emptyDescription="Nothing is recorded as used by, produced by or served from this resource yet."
      >
        {value && <LineageGraphView graph={value} />}
      </LoadState>
    </Section>
  );
};

/** /llm-ops/lineage and /llm-ops/lineage/:type/:id. */
export const LineagePage = (props: { type?: string; id?: string }) => {
  const type = props.type as LineageNodeType | undefined;
  return (
    <Box p={3}>
      <LineagePicker key={`${type}/${props.id}`} type={type} id={props.id} />
      {type && props.id ? (
        <Lineage type={type} id={props.id} />
      ) : (
        <Typography color="text.secondary">
          Where data came from and where it went: dataset → pipeline → run →
          model version → endpoint. Pick a resource, or open the lineage from
          any page of experiments, models, endpoints, datasets or pipelines.
        </Typography>
      )}
    </Box>
  );
};
