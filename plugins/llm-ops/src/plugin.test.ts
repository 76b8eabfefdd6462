import { llmOpsPlugin } from './plugin';

describe('llm-ops', () => {
  it('should export plugin', () => {
    expect(llmOpsPlugin).toBeDefined();
  });
});
