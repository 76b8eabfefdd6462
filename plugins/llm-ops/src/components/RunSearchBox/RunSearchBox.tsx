import { FormEvent, useEffect, useState } from 'react';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import SearchIcon from '@mui/icons-material/Search';

export type RunSearchBoxProps = {
  /** The filter in force. */
  value: string;
  onSearch: (filter: string) => void;
  /** The message of a 400 answer to the filter, shown under the box. */
  error?: string;
};

/**
 * The MLflow-style search box of an experiment's runs, e.g.
 * `metrics.accuracy > 0.9 and params.lr = '0.01'`. The text goes to the server as `filter`; the
 * server's parser answers 400 with the position of a mistake, which is shown under the box.
 */
export const RunSearchBox = ({ value, onSearch, error }: RunSearchBoxProps) => {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <Stack
      component="form"
      direction="row"
      spacing={1}
      alignItems="flex-start"
      onSubmit={submit}
      role="search"
    >
      <TextField
        fullWidth
        size="small"
        label="Search runs"
        placeholder="metrics.accuracy > 0.9 and params.lr = '0.01'"
        value={text}
        onChange={e => setText(e.target.value)}
        error={!!error}
        helperText={
          error ? (
            <span data-testid="llm-ops-run-search-error" role="alert">
              {error}
            </span>
          ) : (
            'MLflow syntax: metrics.*, params.*, tags.*, attributes.status, joined with and; = != < > <= >= LIKE ILIKE IN'
          )
        }
        inputProps={{ 'aria-label': 'Run filter', spellCheck: false }}
        InputProps={{
          sx: { fontFamily: 'monospace' },
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
      <Button type="submit" variant="contained">
        Search
      </Button>
      {value && (
        <Button
          onClick={() => {
            setText('');
            onSearch('');
          }}
        >
          Clear
        </Button>
      )}
    </Stack>
  );
};
