import Autocomplete from '@mui/material/Autocomplete';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';

export type RunColumnPickerProps = {
  /** Every `params.<key>` and `metrics.<key>` seen in the runs so far. */
  options: string[];
  value: string[];
  onChange: (value: string[]) => void;
};

/** Picks which params and metrics show as columns of the runs table (and parallel axes). */
export const RunColumnPicker = ({
  options,
  value,
  onChange,
}: RunColumnPickerProps) => (
  <Autocomplete
    multiple
    size="small"
    options={options}
    value={value}
    onChange={(_e, next) => onChange(next)}
    groupBy={option => (option.startsWith('metrics.') ? 'Metrics' : 'Params')}
    disableCloseOnSelect
    renderTags={(tags, getTagProps) =>
      tags.map((tag, index) => (
        <Chip size="small" label={tag} {...getTagProps({ index })} key={tag} />
      ))
    }
    renderInput={params => (
      <TextField {...params} label="Columns" placeholder="params and metrics" />
    )}
    data-testid="llm-ops-run-columns"
  />
);
