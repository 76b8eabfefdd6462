import type { LineageNodeType } from '../../api/types';
import { LoadState } from '../LoadState';
import { LineageGraphView } from '../LineageGraphView';
import { useLineage } from './useLineage';

export type LineagePanelProps = {
  type: LineageNodeType;
  id: string;
  depth?: number;
};

/** The lineage of one resource, with its loading, error and empty states. */
export const LineagePanel = ({ type, id, depth }: LineagePanelProps) => {
  const { value, loading, error } = useLineage(type, id, depth);
  return (
    <LoadState
      loading={loading}
      error={error}
      what="the lineage"
      empty={!!value && value.nodes.length <= 1}
      emptyTitle="No lineage recorded"
      emptyDescription="Lineage appears when runs record the datasets they used, model versions name their source run, endpoints serve versions or pipeline runs link what they made."
    >
      {value && <LineageGraphView graph={value} />}
    </LoadState>
  );
};
