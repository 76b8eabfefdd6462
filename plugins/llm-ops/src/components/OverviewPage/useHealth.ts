import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { llmOpsApiRef } from '../../api/LlmOpsApi';

export function useHealth() {
  const api = useApi(llmOpsApiRef);
  return useAsync(() => api.getHealth(), [api]);
}
