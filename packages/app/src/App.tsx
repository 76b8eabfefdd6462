import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import llmOpsPlugin from '@llm-ops/backstage-plugin-llm-ops';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [catalogPlugin, llmOpsPlugin, navModule, signInModule],
});
